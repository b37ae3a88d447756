/**
 * The naming template on real files, through a real import, a real migrated database and the real
 * export worker: the default keeps today's names, a custom template builds its tree (and renames an
 * archive made with another one), collisions still get `_001`, groups keep one name, the preview
 * names files exactly as the export does, and hostile templates are refused everywhere.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExifTool, type WriteTags } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_NAME_TEMPLATE } from '../../shared/name-template.js';
import { main } from '../cli/main.js';
import { MANIFEST_NAME } from '../engines/archive/manifest.js';
import type { AppCore } from './app-core.js';
import { byteCopiesOnly, exportAndWait, importAndWait, openLibrary, unwrap } from '../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, listTree, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';

/** The paths the archive's manifest lists (its `add` records), sorted. */
function manifestPaths(out: string): string[] {
  return readFileSync(join(out, MANIFEST_NAME), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { op: string; path: string })
    .filter((r) => r.op === 'add')
    .map((r) => r.path)
    .sort();
}

const CUSTOM = '{YYYY}/{camera}/{YYYY}{MM}{DD}_{hh}{mm}{ss}_{tag}';

const HOSTILE: [string, RegExp][] = [
  ['../{YYYY}/{name}', /outside the archive/],
  ['{YYYY}/../../{name}', /outside the archive/],
  ['/etc/{name}', /inside the archive/],
  ['C:/{name}', /":"/],
  ['{YYYY}\\{name}', /"\\"/],
  ['{YYYY}//{name}', /empty folder/],
  ['{YYYY}/', /file name is missing/],
  ['', /empty/],
  ['{YYYY}/{bogus}', /\{bogus\} is not a token/],
  ['{YYYY}/photo', /same name/],
];

describe.skipIf(!corpusAvailable())('the naming template through the real export', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  const et = new ExifTool({ maxProcs: 1 });
  const at = (...p: string[]): string => join(src, ...p);

  beforeAll(async () => {
    tmp = await makeTempDir('name-template');
    src = join(tmp, 'media');
    mkdirSync(join(src, 'Trip {beach}'), { recursive: true });
    mkdirSync(join(src, 'misc'));
    mkdirSync(join(src, 'scans'));
    // A Live Photo (still + video by name, 1 s apart) with a sidecar, tagged "beach", whose camera
    // model has characters no file name may hold.
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'), at('Trip {beach}', 'IMG_0001.JPG'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'QuickTime.mov'), at('Trip {beach}', 'IMG_0001.MOV'));
    await et.write(at('Trip {beach}', 'IMG_0001.MOV'), { 'Keys:CreationDate': '2003:12:04 06:46:51+00:00' } as WriteTags, { writeArgs: ['-overwrite_original'] });
    await et.write(at('Trip {beach}', 'IMG_0001.JPG'), { Model: 'PowerShot A/B: 1' }, { writeArgs: ['-overwrite_original'] });
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Sony.jpg'), at('Trip {beach}', 'DSC_0005.JPG'));
    // Another photo of the same second with the same camera: one of the two gets _001.
    await et.write(at('Trip {beach}', 'DSC_0005.JPG'), { DateTimeOriginal: '2003:12:04 06:46:52', Model: 'PowerShot A/B: 1' }, { writeArgs: ['-overwrite_original'] });
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'), at('Trip {beach}', 'IMG_0001.xmp'));
    // No camera model and no tag ("misc" is a generic folder name): both tokens drop out.
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Olympus.jpg'), at('misc', 'P1.jpg'));
    await et.write(at('misc', 'P1.jpg'), { Model: null } as unknown as WriteTags, { writeArgs: ['-overwrite_original'] });
    // Undated.
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'GIF.gif'), at('scans', 'scan.gif'));
    core = openLibrary(tmp);
    // Byte copies only: this test is about names.
    await byteCopiesOnly(core);
    await importAndWait(core, src);
  });

  afterAll(async () => {
    await et.end();
    await core?.close();
    await removeDir(tmp);
  });

  const DEFAULT_TREE = [
    '1999/19991206_163840.jpg',
    '2003/20031204_064652.jpg',
    '2003/20031204_064652_001.jpg',
    '2003/20031204_064652_001.mov',
    '2003/20031204_064652_001.xmp',
    'unknown/scan.gif',
  ];
  const CUSTOM_TREE = [
    '1999/19991206_163840.jpg',
    '2003/PowerShot A-B- 1/20031204_064652_beach.jpg',
    '2003/PowerShot A-B- 1/20031204_064652_beach_001.jpg',
    '2003/PowerShot A-B- 1/20031204_064652_beach_001.mov',
    '2003/PowerShot A-B- 1/20031204_064652_beach_001.xmp',
    'unknown/scan.gif',
  ];

  it('keeps today names by default, and the preview names every file as the export does', async () => {
    expect(unwrap(await core.handlers['settings:get']({})).nameTemplate).toBe(DEFAULT_NAME_TEMPLATE);
    const out = join(tmp, 'archive-a');
    mkdirSync(out);
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview.nameTemplate).toBe(DEFAULT_NAME_TEMPLATE);
    const job = await exportAndWait(core, out);
    expect(job.stats).toMatchObject({ copied: 4, failed: 0 });
    expect(await listTree(out)).toEqual(DEFAULT_TREE);
    const previewed = preview.names.flatMap((n) => [n.name, ...n.companions]).sort();
    expect(previewed).toEqual(DEFAULT_TREE);
  });

  it('a custom template builds its tree: one counter per group, safe camera names, missing tokens left out', async () => {
    const saved = unwrap(await core.handlers['settings:set']({ nameTemplate: CUSTOM }));
    expect(saved.nameTemplate).toBe(CUSTOM);
    expect(unwrap(await core.handlers['settings:get']({})).nameTemplate).toBe(CUSTOM);
    const out = join(tmp, 'archive-b');
    mkdirSync(out);
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview.collisionCount).toBe(1);
    expect(preview.perYear).toEqual([
      { year: '1999', count: 1 },
      { year: '2003', count: 2 },
    ]);
    const job = await exportAndWait(core, out);
    // The job keeps the template it started with: a resume names files the same way.
    expect(job.options.nameTemplate).toBe(CUSTOM);
    expect(await listTree(out)).toEqual(CUSTOM_TREE);
    expect(manifestPaths(out)).toEqual(CUSTOM_TREE);
    expect(preview.names.flatMap((n) => [n.name, ...n.companions]).sort()).toEqual(CUSTOM_TREE);
    // The Live Photo's parts are its own bytes under one name.
    expect(await sha256File(join(out, '2003', 'PowerShot A-B- 1', '20031204_064652_beach_001.mov'))).toBe(await sha256File(at('Trip {beach}', 'IMG_0001.MOV')));
    expect(await sha256File(join(out, '2003', 'PowerShot A-B- 1', '20031204_064652_beach_001.jpg'))).toBe(await sha256File(at('Trip {beach}', 'IMG_0001.JPG')));
    // A second run finds everything in place.
    const again = await exportAndWait(core, out);
    expect(again.stats).toMatchObject({ copied: 0, renamed: 0, failed: 0 });
  });

  it('an archive made with another template is renamed to the new one (never copied twice)', async () => {
    const out = join(tmp, 'archive-a');
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview).toMatchObject({ newCount: 0, toRename: 2, alreadyThere: 2 });
    const job = await exportAndWait(core, out);
    expect(job.stats).toMatchObject({ copied: 0, renamed: 2, failed: 0 });
    expect(await listTree(out)).toEqual(CUSTOM_TREE);
  });

  it('a template without folders puts the files in the archive root, beside the manifest', async () => {
    unwrap(await core.handlers['settings:set']({ nameTemplate: '{YYYY}{MM}{DD}_{hh}{mm}{ss}' }));
    onTestFinished(async () => {
      unwrap(await core.handlers['settings:set']({ nameTemplate: CUSTOM }));
    });
    const out = join(tmp, 'archive-flat');
    mkdirSync(out);
    await exportAndWait(core, out);
    expect(await listTree(out, true)).toEqual([
      '19991206_163840.jpg',
      '20031204_064652.jpg',
      '20031204_064652_001.jpg',
      '20031204_064652_001.mov',
      '20031204_064652_001.xmp',
      'mediaparser-manifest.jsonl',
      'unknown/scan.gif',
    ]);
    // The manifest and the library record the same relative paths (no leading "/").
    expect(manifestPaths(out)).toEqual(await listTree(out));
    const again = await exportAndWait(core, out);
    expect(again.stats).toMatchObject({ copied: 0, renamed: 0, failed: 0 });
  });

  it('previews a template being edited without saving it', async () => {
    const draft = '{YYYY}/{MM}/{name}';
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: join(tmp, 'nowhere-yet'), nameTemplate: draft }));
    expect(preview.nameTemplate).toBe(draft);
    expect(preview.names.map((n) => n.name).sort()).toEqual(['1999/12/P1.jpg', '2003/12/DSC_0005.jpg', '2003/12/IMG_0001.jpg', 'unknown/scan.gif']);
    expect(preview.names.find((n) => n.name === '2003/12/IMG_0001.jpg')?.companions).toEqual(['2003/12/IMG_0001.mov', '2003/12/IMG_0001.xmp']);
    expect(unwrap(await core.handlers['settings:get']({})).nameTemplate).toBe(CUSTOM);
  });

  it.each(HOSTILE)('refuses the template %j in settings and in the preview, with the reason', async (template, why) => {
    const set = await core.handlers['settings:set']({ nameTemplate: template });
    expect(set.ok).toBe(false);
    if (!set.ok) {
      expect(set.error.code).toBe('invalid-argument');
      expect(set.error.message).toMatch(why);
    }
    const preview = await core.handlers['export:preview']({ nameTemplate: template });
    expect(preview.ok).toBe(false);
    if (!preview.ok) expect(preview.error.message).toMatch(why);
    expect(unwrap(await core.handlers['settings:get']({})).nameTemplate).toBe(CUSTOM);
  });
});

describe.skipIf(!corpusAvailable())('mediaparser export --name-template', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await makeTempDir('name-template-cli');
  });
  afterAll(async () => {
    await removeDir(tmp);
  });

  it('refuses a template that leaves the archive, then exports with a good one and keeps it', async () => {
    const src = join(tmp, 'media');
    mkdirSync(src);
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'), join(src, 'IMG_0001.JPG'));
    copyFileSync(join(CORPUS_MEDIA, 'exiftool', 'GIF.gif'), join(src, 'scan.gif'));
    const db = join(tmp, 'db.sqlite');
    const out = join(tmp, 'archive');
    let err = '';
    const io = { out: () => {}, err: (t: string) => (err += t + '\n'), isTTY: false };
    expect(await main(['import', src, '--db', db], io)).toBe(0);

    expect(await main(['export', '--out', out, '--name-template', '../{YYYY}/{name}', '--db', db], io)).toBe(2);
    expect(err).toContain('--name-template cannot be used');
    expect(err).toContain('outside the archive');
    expect(await listTree(out)).toEqual([]);

    expect(await main(['export', '--out', out, '--name-template', '{YYYY}/{MM}/{name}', '--db', db], io)).toBe(0);
    expect(await listTree(out)).toEqual(['2003/12/IMG_0001.jpg', 'unknown/scan.gif']);
    // Saved: the next plain export names files the same way (nothing to rename).
    err = '';
    expect(await main(['export', '--out', out, '--db', db], io)).toBe(0);
    expect(err).toContain('Nothing new to copy');
    expect(await listTree(out)).toEqual(['2003/12/IMG_0001.jpg', 'unknown/scan.gif']);
  });
});
