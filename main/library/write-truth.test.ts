/**
 * The truth written into archive copies, checked with ExifTool itself (`exiftool -j`, an
 * independent reader): user-set, name-derived and corrected dates, folder tags as keywords;
 * copies that need nothing stay byte-identical; a new date is written on re-export.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../engines/archive/manifest.js';
import type { FileSummary } from '../../shared/types.js';
import type { AppCore } from './app-core.js';
import { byteCopiesOnly, exportAndWait, fileNamed, importAndWait, openLibrary, setDateOf, unwrap } from '../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';
import { exiftoolJson } from '../../test-support/exiftool-reference.js';

describe.skipIf(!corpusAvailable())('writing the truth into copies', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  const byName = (name: string): Promise<FileSummary> => fileNamed(core, name);
  const outputOf = async (name: string): Promise<string> => (await byName(name)).outputPath!;

  beforeAll(async () => {
    tmp = await makeTempDir('write-truth');
    src = join(tmp, 'media');
    mkdirSync(join(src, 'Vacation 2021', '{beach,family}'), { recursive: true });
    copyFileSync(join(CORPUS_MEDIA, 'elodie', 'no-exif.jpg'), join(src, 'scan.jpg'));
    copyFileSync(join(CORPUS_MEDIA, 'exifr', 'noexif.jpg'), join(src, 'IMG-20200815-WA0001.jpg'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'), join(src, 'Canon.jpg'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Sony.jpg'), join(src, 'Vacation 2021', '{beach,family}', 'Sony.jpg'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'QuickTime.mov'), join(src, 'clip.mov'));
    core = openLibrary(tmp);
    await importAndWait(core, src);
    await setDateOf(core, 'scan.jpg', '1998-07-04T10:00:00');
    await setDateOf(core, 'clip.mov', '2019-05-06T07:08:09+02:00');
  });

  afterAll(async () => {
    await core?.close();
    await removeDir(tmp);
  });

  it('writes user-set and name-derived dates and folder tags; leaves a truthful copy byte-identical', async () => {
    const out = join(tmp, 'archive');
    mkdirSync(out);
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(Object.fromEntries(preview.fidelity.writes.map((w) => [w.reason, w.count]))).toEqual({
      'date-set-by-user': 2,
      'date-from-name': 1,
      'folder-tags': 1,
    });
    await exportAndWait(core, out);

    const scan = await outputOf('scan.jpg');
    expect(relative(out, scan).split(sep).join('/')).toBe('1998/19980704_100000.jpg');
    const scanTags = exiftoolJson(scan, 'DateTimeOriginal', 'CreateDate', 'XMP-xmp:CreateDate');
    expect(scanTags['ExifIFD:DateTimeOriginal']).toBe('1998:07:04 10:00:00');
    expect(scanTags['ExifIFD:CreateDate']).toBe('1998:07:04 10:00:00');
    expect(scanTags['XMP-xmp:CreateDate']).toBe('1998:07:04 10:00:00');

    const wa = await outputOf('IMG-20200815-WA0001.jpg');
    expect(exiftoolJson(wa, 'DateTimeOriginal')['ExifIFD:DateTimeOriginal']).toMatch(/^2020:08:15 /);

    const mov = exiftoolJson(await outputOf('clip.mov'), 'QuickTime:CreateDate', 'Keys:CreationDate');
    expect(mov['QuickTime:CreateDate']).toBe('2019:05:06 05:08:09');
    expect(mov['Keys:CreationDate']).toBe('2019:05:06 07:08:09+02:00');

    const sony = await byName('Sony.jpg');
    expect(sony.tags.length).toBeGreaterThan(0);
    const kw = exiftoolJson(sony.outputPath!, 'XMP-dc:Subject', 'IPTC:Keywords');
    expect([kw['XMP-dc:Subject']].flat().map(String).sort()).toEqual(sony.tags);
    expect([kw['IPTC:Keywords']].flat().map(String).sort()).toEqual(sony.tags);

    // Dated by its own EXIF, no tags: nothing to write.
    expect(await sha256File(await outputOf('Canon.jpg'))).toBe(await sha256File(join(src, 'Canon.jpg')));

    // The manifest keeps the copy's own sha256 beside the source's; originals are untouched.
    const records = readFileSync(join(out, MANIFEST_NAME), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { path: string; sha256: string; sourceSha256: string });
    const scanRecord = records.find((r) => r.path === '1998/19980704_100000.jpg')!;
    expect(scanRecord.sha256).toBe(await sha256File(scan));
    expect(scanRecord.sourceSha256).toBe(await sha256File(join(src, 'scan.jpg')));
    expect(scanRecord.sha256).not.toBe(scanRecord.sourceSha256);
    expect(await sha256File(join(src, 'scan.jpg'))).toBe(await sha256File(join(CORPUS_MEDIA, 'elodie', 'no-exif.jpg')));

    // A second export finds the written copies in place (checked by the copy's hash, not the original's).
    const again = await exportAndWait(core, out);
    expect(again.stats?.copied).toBe(0);
    expect(again.stats?.alreadyThere).toBe(5);

    // A new date: the copy is renamed and gets the new date written in.
    await setDateOf(core, 'scan.jpg', '1998-07-05T11:30:00');
    await exportAndWait(core, out);
    const moved = await outputOf('scan.jpg');
    expect(relative(out, moved).split(sep).join('/')).toBe('1998/19980705_113000.jpg');
    expect(exiftoolJson(moved, 'DateTimeOriginal')['ExifIFD:DateTimeOriginal']).toBe('1998:07:05 11:30:00');
  });

  it('with the settings off, copies stay byte-for-byte', async () => {
    await byteCopiesOnly(core);
    const out = join(tmp, 'plain');
    mkdirSync(out);
    try {
      await exportAndWait(core, out);
      for (const [name, rel] of [
        ['scan.jpg', '1998/19980705_113000.jpg'],
        ['clip.mov', '2019/20190506_070809.mov'],
        ['Sony.jpg', '2003/20031218_135133.jpg'],
      ] as const) {
        expect(await sha256File(join(out, ...rel.split('/'))), name).toBe(await sha256File((await byName(name)).originalPath));
      }
    } finally {
      unwrap(await core.handlers['settings:set']({ writeDatesIntoCopies: true, writeFolderTagsAsKeywords: true }));
    }
  });
});
