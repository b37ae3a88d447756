/**
 * Test support for camera clock correction: a folder of real photos from one camera with times
 * re-written by ExifTool, so a session, a gap that ends it, another camera beside it and the
 * same camera in another folder all exist on disk. Used by tests only.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { CORPUS_MEDIA } from './corpus.js';

/** The camera model of exiftool/Canon.jpg, and of every `canon-*` file below. */
export const CANON_MODEL = 'Canon EOS DIGITAL REBEL';
/** The model of exiftool/Apple.jpg. */
export const PHONE_MODEL = 'iPhone 7';

/** Each file: where it goes (under the root), its source in the corpus, and its new capture time (null: as is). */
export const CLOCK_FILES = [
  { rel: 'trip/canon-1.jpg', from: 'exiftool/Canon.jpg', at: '2003:12:04 06:46:52' },
  { rel: 'trip/canon-2.jpg', from: 'exiftool/Canon.jpg', at: '2003:12:04 18:00:00' },
  // 15 hours later: an overnight pause, still the same session.
  { rel: 'trip/canon-3.jpg', from: 'exiftool/Canon.jpg', at: '2003:12:05 09:00:00' },
  // Three days later: another session.
  { rel: 'trip/canon-4.jpg', from: 'exiftool/Canon.jpg', at: '2003:12:08 10:00:00' },
  // Another camera in the same folder, in the middle of the session.
  { rel: 'trip/phone-1.jpg', from: 'exiftool/Apple.jpg', at: '2003:12:04 12:00:00' },
  // No date at all.
  { rel: 'trip/IMG_0001.JPG', from: 'names/IMG_0001.JPG', at: null },
  // The same camera in another folder, during the session.
  { rel: 'home/canon-5.jpg', from: 'exiftool/Canon.jpg', at: '2003:12:04 20:00:00' },
] as const;

/** Builds the folders under `root` (which must exist). */
export async function buildClockFixture(root: string): Promise<void> {
  const exiftool = new ExifTool({ maxProcs: 1, useMWG: false });
  try {
    for (const f of CLOCK_FILES) {
      const target = join(root, f.rel);
      await mkdir(join(target, '..'), { recursive: true });
      await copyFile(join(CORPUS_MEDIA, f.from), target);
      if (f.at !== null) {
        await exiftool.write(target, { DateTimeOriginal: f.at, CreateDate: f.at, ModifyDate: f.at }, ['-overwrite_original']);
      }
    }
  } finally {
    await exiftool.end();
  }
}
