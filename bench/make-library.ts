/**
 * A synthetic household library of `count` small real JPEGs (issue 11's 100k-file benches):
 * copies of the corpus's small camera JPEGs whose EXIF date strings are shifted per copy
 * (same length, so every copy stays a valid JPEG with its own capture date), spread over
 * year/event folders with camera-style names and their own mtimes. Deterministic for a count.
 *
 *   tsx bench/make-library.ts <dir> [count]
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusMediaDir, shiftDates } from './make-tree.js';
import { rng } from '../test-support/rng.js';

/** Small real camera JPEGs with a DateTimeOriginal (see the corpus oracle). */
const SOURCES = [
  'immich/datetimeoriginal-gps.jpg',
  'immich/date-priority-test.jpg',
  'immich/thompson-springs.jpg',
  'exiftool/NikonD70.jpg',
  'exiftool/Casio.jpg',
  'exiftool/FujiFilm.jpg',
  'exiftool/Olympus.jpg',
  'exiftool/Apple.jpg',
  'exiftool/Canon.jpg',
  'exiftool/Pentax.jpg',
  'exiftool/Sony.jpg',
  'exiftool/Kodak.jpg',
  'exiftool/GoPro.jpg',
  'exiftool/Panasonic.jpg',
  'exif-samples/WWL_(Polaroid)_ION230.jpg',
  'exifr/issue-exifr-13.jpg',
];

const p2 = (n: number): string => String(n).padStart(2, '0');

/** Builds the library under `dir`; returns how many files and bytes were written. */
export async function buildJpegLibrary(dir: string, count: number): Promise<{ files: number; bytes: number }> {
  const media = corpusMediaDir();
  const sources = SOURCES.map((s) => path.join(media, s)).filter((s) => existsSync(s));
  if (sources.length === 0) throw new Error(`No corpus JPEGs found in ${media} (set MEDIAPARSER_CORPUS)`);
  const originals = await Promise.all(sources.map((s) => readFile(s)));
  // Each source's own DateTimeOriginal is shifted to land on the copy's date.
  const rand = rng(0x100c ^ count);
  const start = Date.UTC(2001, 0, 1);
  const span = Date.UTC(2024, 11, 31) - start;
  let bytes = 0;
  let next = 0;
  /** Folders being made: every writer into one waits for the same mkdir. */
  const made = new Map<string, Promise<unknown>>();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const source = Math.floor(rand() * originals.length);
      const when = new Date(start + Math.floor((rand() * span) / 1000) * 1000);
      const folder =
        i % 4 === 0
          ? `Phone/DCIM/${when.getUTCFullYear()}${p2(when.getUTCMonth() + 1)}`
          : `Photos/${when.getUTCFullYear()}/${p2(when.getUTCMonth() + 1)} ${['Holiday', 'Birthday', 'Weekend', 'Garden', 'School'][i % 5]}`;
      const target = path.join(dir, folder, `IMG_${String(i).padStart(6, '0')}.jpg`);
      const parent = path.dirname(target);
      if (!made.has(parent)) made.set(parent, mkdir(parent, { recursive: true }));
      await made.get(parent);
      const buf = Buffer.from(originals[source]!);
      const m = /(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(buf.toString('latin1'));
      const own = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : when.getTime();
      shiftDates(buf, when.getTime() - own);
      await writeFile(target, buf);
      await utimes(target, when, when);
      bytes += buf.length;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { files: count, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, count] = process.argv.slice(2);
  if (!dir) throw new Error('usage: tsx bench/make-library.ts <dir> [count]');
  const t0 = performance.now();
  const built = await buildJpegLibrary(path.resolve(dir), Number(count ?? 100_000));
  console.log(`${built.files} JPEGs, ${(built.bytes / 1024 / 1024).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
