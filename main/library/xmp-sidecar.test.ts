/**
 * XMP sidecars for formats ExifTool cannot rewrite safely (RAW, AVI, GIF, ...): a real import, a
 * real migrated database and a real export; what the sidecars say is read back with ExifTool
 * itself (`exiftool -j`, an independent reader). The copies of those files stay byte-identical.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../shared/types.js';
import { MANIFEST_NAME } from '../engines/archive/manifest.js';
import { verifyArchive } from '../engines/archive/verify.js';
import type { AppCore } from './app-core.js';
import { exportAndWait, fileNamed, importAndWait, openLibrary, setDateOf, unwrap } from '../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, listTree, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';
import { exiftoolJson } from '../../test-support/exiftool-reference.js';

const LIGHTROOM_XMP = `<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
 <rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:xmp='http://ns.adobe.com/xap/1.0/'>
  <xmp:Rating>4</xmp:Rating>
  <dc:subject><rdf:Bag><rdf:li>grandma</rdf:li></rdf:Bag></dc:subject>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>
`;

describe.skipIf(!corpusAvailable())('XMP sidecars for formats that cannot be written', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  const byName = (name: string): Promise<FileSummary> => fileNamed(core, name);
  const exportTo = async (out: string): Promise<{ copied?: number; alreadyThere?: number } | undefined> => {
    const job = await exportAndWait(core, out);
    expect(job.errorCount ?? 0).toBe(0);
    return job.stats as { copied?: number; alreadyThere?: number } | undefined;
  };
  const rel = (out: string, p: string): string => relative(out, p).split(sep).join('/');

  beforeAll(async () => {
    tmp = await makeTempDir('xmp-sidecar');
    src = join(tmp, 'media');
    mkdirSync(join(src, 'Vacation 2021', '{beach,family}'), { recursive: true });
    // A RAW whose date the user sets; a RAW in a tagged folder (its own EXIF date stands); a RAW
    // with a Lightroom sidecar of its own; a GIF dated by its name only.
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Nikon.nef'), join(src, 'DSC_0001.NEF'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'CanonRaw.cr2'), join(src, 'Vacation 2021', '{beach,family}', 'IMG_0002.CR2'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'FujiFilm.raf'), join(src, 'DSCF0003.RAF'));
    writeFileSync(join(src, 'DSCF0003.xmp'), LIGHTROOM_XMP);
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'GIF.gif'), join(src, 'animation 2019-09-09.gif'));
    core = openLibrary(tmp);
    await importAndWait(core, src);
    await setDateOf(core, 'DSC_0001.NEF', '2021-04-10T11:44:00+02:00');
    await setDateOf(core, 'DSCF0003.RAF', '1999-12-31T23:59:58.250');
  });

  afterAll(async () => {
    await core?.close();
    await removeDir(tmp);
  });

  it('writes the corrected date and folder tags into an XMP sidecar beside the byte-identical copy', async () => {
    const out = join(tmp, 'archive');
    mkdirSync(out);
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview.fidelity.xmpSidecars).toBe(4);
    expect(preview.fidelity.writes).toEqual([]);
    expect(preview.fidelity.examples).toContainEqual({ main: '2021/20210410_114400.nef', companions: ['2021/20210410_114400.xmp'] });
    await exportTo(out);

    const nef = (await byName('DSC_0001.NEF')).outputPath!;
    expect(rel(out, nef)).toBe('2021/20210410_114400.nef');
    expect(await sha256File(nef)).toBe(await sha256File(join(src, 'DSC_0001.NEF')));
    const nefXmp = join(out, '2021', '20210410_114400.xmp');
    expect(exiftoolJson(nefXmp, 'XMP-exif:DateTimeOriginal', 'XMP-xmp:CreateDate', 'XMP-photoshop:DateCreated')).toMatchObject({
      'XMP-exif:DateTimeOriginal': '2021:04:10 11:44:00+02:00',
      'XMP-xmp:CreateDate': '2021:04:10 11:44:00+02:00',
      'XMP-photoshop:DateCreated': '2021:04:10 11:44:00+02:00',
    });

    // Dated by its own EXIF: the sidecar carries the folder tags only.
    const cr2 = await byName('IMG_0002.CR2');
    expect(cr2.tags.length).toBeGreaterThan(0);
    const cr2Xmp = exiftoolJson(cr2.outputPath!.replace(/\.cr2$/, '.xmp'), 'XMP-dc:Subject', 'XMP-exif:DateTimeOriginal');
    expect([cr2Xmp['XMP-dc:Subject']].flat().map(String).sort()).toEqual(cr2.tags);
    expect(cr2Xmp['XMP-exif:DateTimeOriginal']).toBeUndefined();
    expect(await sha256File(cr2.outputPath!)).toBe(await sha256File(join(src, 'Vacation 2021', '{beach,family}', 'IMG_0002.CR2')));

    // Its own Lightroom sidecar gets the date (no second .xmp); its rating and keyword stay.
    const raf = (await byName('DSCF0003.RAF')).outputPath!;
    expect(rel(out, raf)).toBe('1999/19991231_235958.raf');
    expect((await readdir(join(out, '1999'))).sort()).toEqual(['19991231_235958.raf', '19991231_235958.xmp']);
    expect(exiftoolJson(join(out, '1999', '19991231_235958.xmp'), 'XMP-exif:DateTimeOriginal', 'XMP-xmp:Rating', 'XMP-dc:Subject')).toMatchObject({
      'XMP-exif:DateTimeOriginal': '1999:12:31 23:59:58.250',
      'XMP-xmp:Rating': 4,
      'XMP-dc:Subject': 'grandma',
    });
    expect(readFileSync(join(src, 'DSCF0003.xmp'), 'utf8')).toBe(LIGHTROOM_XMP);

    // No date inside the GIF: the date from its name goes into the sidecar.
    const gif = await byName('animation 2019-09-09.gif');
    const gifXmp = exiftoolJson(gif.outputPath!.replace(/\.gif$/, '.xmp'), 'XMP-exif:DateTimeOriginal');
    expect(gifXmp['XMP-exif:DateTimeOriginal']).toMatch(/^2019:09:09 /);

    // Recorded in the manifest with their own sha256; no temps left.
    const records = readFileSync(join(out, MANIFEST_NAME), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { path: string; sha256: string; sourceSha256: string | null });
    const xmpRecord = records.find((r) => r.path === '2021/20210410_114400.xmp')!;
    expect(xmpRecord.sha256).toBe(await sha256File(nefXmp));
    expect(xmpRecord.sourceSha256).toBeNull();
    const rafXmp = records.find((r) => r.path === '1999/19991231_235958.xmp')!;
    expect(rafXmp.sourceSha256).toBe(await sha256File(join(src, 'DSCF0003.xmp')));
    expect(rafXmp.sha256).toBe(await sha256File(join(out, '1999', '19991231_235958.xmp')));
    const tree = await listTree(out);
    expect(tree.filter((p) => p.includes('.mediaparser-'))).toEqual([]);
    expect(tree.filter((p) => p.endsWith('.xmp'))).toHaveLength(4);

    // A second export finds the copies and their XMP sidecars in place (recorded in the library).
    const again = await exportTo(out);
    expect(again?.copied).toBe(0);
    expect(await listTree(out)).toEqual(tree);
    const verified = verifyArchive(out);
    expect(verified.type === 'done' ? { ...verified.report, ok: verified.report.ok } : verified).toMatchObject({ ok: 8, missing: [], changed: [], notInManifest: [] });
  });

  it('a new date renames the group and its XMP sidecar says the new date', async () => {
    const out = join(tmp, 'archive2');
    mkdirSync(out);
    await exportTo(out);
    await setDateOf(core, 'DSC_0001.NEF', '2021-04-11T08:00:00+02:00');
    await exportTo(out);
    expect((await readdir(join(out, '2021'))).sort()).toEqual(['20210411_080000.nef', '20210411_080000.xmp']);
    expect(exiftoolJson(join(out, '2021', '20210411_080000.xmp'), 'XMP-exif:DateTimeOriginal')['XMP-exif:DateTimeOriginal']).toBe('2021:04:11 08:00:00+02:00');
    expect(existsSync(join(out, '2021', '20210410_114400.xmp'))).toBe(false);
  });
});
