/**
 * Archive fidelity on real files: Live Photo and RAW+JPEG groups and sidecars keep one base name
 * and one counter in the archive, through a real import, a real migrated database and a real export.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExifTool, type WriteTags } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../engines/archive/manifest.js';
import type { AppCore } from './app-core.js';
import { allFiles, exportAndWait, importAndWait, openLibrary, unwrap } from '../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';

const CONTENT_ID = 'E905E6C6-0A0B-4C2D-9E1F-1234567890AB';
/** What `exiftool -ContentIdentifier` reads from the corpus's elodie/photo.heic. */
const PHOTO_HEIC_CONTENT_ID = '76C3E45A-2CCC-498B-9C1A-29C3ADD99D39';

describe.skipIf(!corpusAvailable())('groups and sidecars in the archive', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  const et = new ExifTool({ maxProcs: 1 });
  const at = (...p: string[]): string => join(src, ...p);

  beforeAll(async () => {
    tmp = await makeTempDir('fidelity');
    src = join(tmp, 'media');
    mkdirSync(src);
    // A Live Photo: still + video, the video 1 s earlier (as iPhones record it).
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'), at('IMG_0001.JPG'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'QuickTime.mov'), at('IMG_0001.MOV'));
    await et.write(at('IMG_0001.MOV'), { 'Keys:CreationDate': '2003:12:04 06:46:51+00:00', 'Keys:ContentIdentifier': CONTENT_ID } as WriteTags, {
      writeArgs: ['-overwrite_original'],
    });
    // A Live Photo whose parts were renamed: no name pairs them, only Apple's ContentIdentifier
    // (a real iPhone HEIC's MakerNotes, written into the video's Keys).
    copyFileSync(join(CORPUS_MEDIA, 'elodie', 'photo.heic'), at('sunset.heic'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'QuickTime.mov'), at('clip_renamed.mov'));
    await et.write(at('clip_renamed.mov'), { 'Keys:CreationDate': '2019:05:26 10:33:19+02:00', 'Keys:ContentIdentifier': PHOTO_HEIC_CONTENT_ID } as WriteTags, {
      writeArgs: ['-overwrite_original'],
    });
    writeFileSync(at('IMG_0001.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    writeFileSync(at('IMG_0001.JPG.supplemental-metadata.json'), '{"title":"IMG_0001.JPG"}');
    // A RAW+JPEG pair one second apart, each with its own .xmp.
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Nikon.nef'), at('DSC_0002.NEF'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Sony.jpg'), at('DSC_0002.JPG'));
    await et.write(at('DSC_0002.JPG'), { DateTimeOriginal: '2004:06:09 16:02:36' }, { writeArgs: ['-overwrite_original'] });
    writeFileSync(at('DSC_0002.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- raw --></x:xmpmeta>');
    writeFileSync(at('DSC_0002.JPG.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- jpg --></x:xmpmeta>');
    core = openLibrary(tmp);
    await importAndWait(core, src);
  });

  afterAll(async () => {
    await et.end();
    await core?.close();
    await removeDir(tmp);
  });

  it('imports sidecars as parts of their files, not as library items', async () => {
    const names = (await allFiles(core)).map((f) => f.originalName).sort();
    expect(names).toEqual(['DSC_0002.JPG', 'DSC_0002.NEF', 'IMG_0001.JPG', 'IMG_0001.MOV', 'clip_renamed.mov', 'sunset.heic']);
  });

  it('exports each group and its sidecars under one base name; a collision moves the whole group', async () => {
    const out = join(tmp, 'archive');
    mkdirSync(join(out, '2003'), { recursive: true });
    // Someone else's file holds the video's name: the whole Live Photo moves to _001.
    writeFileSync(join(out, '2003', '20031204_064652.mov'), 'not ours');
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview.fileCount).toBe(3);
    expect(preview.fidelity).toMatchObject({ livePhotos: 2, rawPairs: 1, sidecars: 4, writes: [], xmpSidecars: 0 });
    expect(preview.fidelity.examples).toContainEqual({
      main: '2004/20040609_160236.jpg',
      companions: ['2004/20040609_160236.nef', '2004/20040609_160236.jpg.xmp', '2004/20040609_160236.xmp'],
    });
    await exportAndWait(core, out);
    expect((await readdir(join(out, '2003'))).sort()).toEqual([
      '20031204_064652.mov',
      '20031204_064652_001.jpg',
      '20031204_064652_001.jpg.json',
      '20031204_064652_001.mov',
      '20031204_064652_001.xmp',
    ]);
    expect((await readdir(join(out, '2004'))).sort()).toEqual([
      '20040609_160236.jpg',
      '20040609_160236.jpg.xmp',
      '20040609_160236.nef',
      '20040609_160236.xmp',
    ]);
    expect((await readdir(join(out, '2019'))).sort()).toEqual(['20190526_103320.heic', '20190526_103320.mov']);
    expect(await sha256File(join(out, '2003', '20031204_064652_001.mov'))).toBe(await sha256File(at('IMG_0001.MOV')));
    expect(readFileSync(join(out, '2004', '20040609_160236.xmp'), 'utf8')).toContain('raw');
    expect(readFileSync(join(out, '2004', '20040609_160236.jpg.xmp'), 'utf8')).toContain('jpg');
    const manifest = readFileSync(join(out, MANIFEST_NAME), 'utf8');
    for (const p of ['2003/20031204_064652_001.mov', '2003/20031204_064652_001.xmp', '2004/20040609_160236.nef', '2004/20040609_160236.jpg.xmp']) {
      expect(manifest).toContain(`"path":"${p}"`);
    }
    const files = await allFiles(core);
    expect(files.every((f) => f.outputPath !== null)).toBe(true);

    // A second export finds everything in place.
    await exportAndWait(core, out);
    const jobs = unwrap(await core.handlers['jobs:list']({ limit: 100 }));
    const last = jobs.find((j) => j.type === 'export' && j.status === 'completed');
    expect(last?.stats?.copied).toBe(0);
  });

  it('a new date renames the whole group; discarding the main file keeps its group out', async () => {
    const out = join(tmp, 'archive2');
    mkdirSync(out);
    await exportAndWait(core, out);
    const files = await allFiles(core);
    const jpg = files.find((f) => f.originalName === 'DSC_0002.JPG')!;
    unwrap(await core.handlers['files:set-date']({ id: jpg.id, timestamp: '2004-06-10T08:00:00' }));
    await exportAndWait(core, out);
    expect((await readdir(join(out, '2004'))).sort()).toEqual([
      '20040610_080000.jpg',
      '20040610_080000.jpg.xmp',
      '20040610_080000.nef',
      '20040610_080000.xmp',
    ]);
    const live = files.find((f) => f.originalName === 'IMG_0001.JPG')!;
    unwrap(await core.handlers['files:discard']({ id: live.id }));
    const fresh = join(tmp, 'archive3');
    mkdirSync(fresh);
    await exportAndWait(core, fresh);
    expect(existsSync(join(fresh, '2003'))).toBe(false);
    const mov = (await allFiles(core)).find((f) => f.originalName === 'IMG_0001.MOV')!;
    expect(mov.discarded).toBe(true);
  });
});
