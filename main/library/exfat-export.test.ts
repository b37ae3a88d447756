/**
 * Exporting to a real exFAT file system (no hard links, case-insensitive names), the kind of
 * drive a family's USB stick or camera card is: the export, running in a process of its own with
 * its copy threads, is killed (SIGKILL, like a power cut or a pulled plug) at several points and
 * resumed. Every kept file then has exactly one copy with the right bytes, no temp and no partial
 * file is left, and the crash created no `_001`. Needs root (loop device + exfat-fuse); skips,
 * saying why, elsewhere, and fails under CI.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore, type CoreEvent } from './app-core.js';
import { copyFileSafely, tempNameFor } from '../engines/export/copy.js';
import { CORPUS_MEDIA, copyCorpus, corpusAvailable, listTree, loadOracle, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';
import { mountExfat, mountOrSkip, type Mount } from '../../test-support/mounts.js';
import { allFiles, byteCopiesOnly, importAndWait, unwrap, writeSparseVideo } from '../../test-support/app-core.js';
import { exportAndKill } from '../../test-support/export-kill.js';

const BIG = 'big-clip.mp4';
const BIG_SIZE = 160 * 1024 * 1024;
/** Whether at least 1 MiB of the large file, and not all of it, has been copied (it is the last in export order). */
const insideBig = (p: { bytesDone: number; bytesTotal: number }): boolean =>
  p.bytesDone - (p.bytesTotal - BIG_SIZE) > 1024 * 1024 && p.bytesTotal - p.bytesDone > 1024 * 1024;

const rel = (root: string, p: string): string => relative(root, p).split(sep).join('/');
const isTemp = (p: string): boolean => p.split('/').pop()!.startsWith('.mediaparser-');

/** Checks an archive against the library: one verified copy per kept file, nothing else in it. */
async function checkArchive(core: AppCore, out: string): Promise<string[]> {
  const files = (await allFiles(core)).filter((f) => f.sha256);
  const tree = await listTree(out);
  expect(tree.filter(isTemp)).toEqual([]);
  const bySha = new Map<string, Set<string>>();
  for (const f of files) {
    expect(f.outputPath, f.originalPath).not.toBeNull();
    expect(await sha256File(f.outputPath!), f.originalPath).toBe(f.sha256);
    const set = bySha.get(f.sha256!) ?? new Set<string>();
    set.add(rel(out, f.outputPath!));
    bySha.set(f.sha256!, set);
  }
  for (const [sha, set] of bySha) expect(set.size, `content ${sha} exported more than once`).toBe(1);
  // Nothing in the archive but the recorded copies: no partial file under a final name, no duplicate.
  expect([...new Set(files.map((f) => rel(out, f.outputPath!)))].sort()).toEqual(tree);
  return tree;
}

describe.skipIf(!corpusAvailable())('export to a real exFAT drive', () => {
  let tmp: string;
  let src: string;
  let mount: Mount | null = null;
  let skipReason = '';
  /** The library after import, copied for each test (the import runs once). */
  let templateDb: string;
  let importJobId: number;
  /** The archive an uninterrupted export makes, for comparison. */
  let reference: string[];
  /** Where that export put IMG.JPG and img.jpg (source path -> output path). */
  let pairOutputs: Map<string, string>;

  beforeAll(async () => {
    tmp = await makeTempDir('exfat');
    const m = mountOrSkip(await mountExfat(tmp, 768));
    if (typeof m === 'string') {
      skipReason = m;
      return;
    }
    mount = m;
    src = join(tmp, 'media');
    await copyCorpus(src, Object.keys(loadOracle()).filter((r) => r.startsWith('exiftool/')));
    await writeSparseVideo(join(src, BIG), BIG_SIZE);
    // Two undated photos whose names differ only in case: both go to unknown/.
    const pair = join(src, 'pair');
    await mkdir(pair);
    await copyFile(join(CORPUS_MEDIA, 'names', 'IMG_0001.JPG'), join(pair, 'IMG.JPG'));
    await copyFile(join(CORPUS_MEDIA, 'names', 'DSC_0042.JPG'), join(pair, 'img.jpg'));

    const lib = join(tmp, 'library');
    await mkdir(lib);
    templateDb = join(lib, 'mediaparser.db');
    {
      const core = createAppCore({ dbPath: templateDb, thumbnailCacheDir: join(lib, 'thumbs') });
      try {
        // Byte copies, checked against the originals (metadata writes: write-truth.test.ts).
        await byteCopiesOnly(core);
        importJobId = await importAndWait(core, src);
        const undated = (await allFiles(core)).filter((f) => f.originalPath.startsWith(pair));
        expect(undated.map((f) => f.finalTimestamp)).toEqual([null, null]);
      } finally {
        await core.close();
      }
    }
    // The reference: one uninterrupted export of a copy of the library, on the same exFAT drive.
    const refDb = join(lib, 'reference.db');
    await copyFile(templateDb, refDb);
    const core = createAppCore({ dbPath: refDb, thumbnailCacheDir: join(lib, 'thumbs') });
    try {
      const refOut = join(mount.dir, 'reference');
      await mkdir(refOut);
      const job = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: refOut })).jobId;
      expect((await core.waitForJob(job)).status).toBe('completed');
      reference = await checkArchive(core, refOut);
      pairOutputs = new Map((await allFiles(core)).filter((f) => f.originalPath.startsWith(pair)).map((f) => [f.originalPath, f.outputPath!]));
    } finally {
      await core.close();
    }
  }, 120_000);

  afterAll(async () => {
    await mount?.unmount();
    if (tmp) await removeDir(tmp);
  });

  it('keeps both IMG.JPG and img.jpg (names that differ only in case) under distinct names, nothing overwritten', async ({ skip }) => {
    if (!mount) return skip(skipReason);
    expect(pairOutputs.size).toBe(2);
    const refOut = join(mount.dir, 'reference');
    const outputs = [...pairOutputs.values()].map((p) => rel(refOut, p));
    expect(outputs.every((p) => p.startsWith('unknown/'))).toBe(true);
    expect(new Set(outputs.map((p) => p.toLowerCase())).size).toBe(2);
    for (const [source, output] of pairOutputs) expect(await sha256File(output)).toBe(await sha256File(source));
  });

  it('publishes without hard links by rename, and never over a name that differs only in case', async ({ skip }) => {
    if (!mount) return skip(skipReason);
    const dir = join(mount.dir, 'publish');
    await mkdir(dir);
    const body = Buffer.from('a photo');
    const sourcePath = join(tmp, 'one.jpg');
    await writeFile(sourcePath, body);
    const mtime = new Date('2015-06-07T08:09:10.000Z');
    await utimes(sourcePath, mtime, mtime);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await writeFile(join(dir, 'IMG.JPG'), 'theirs');
    const req = { sourcePath, size: body.length, sha256, tempPath: join(dir, tempNameFor(1, 'ab', 1)) };
    // The first publish finds that links fail here; the folder then goes straight to lstat + rename.
    expect(await copyFileSafely({ ...req, finalPath: join(dir, 'img_001.jpg') })).toEqual({ kind: 'published', bytes: body.length });
    expect(await copyFileSafely({ ...req, finalPath: join(dir, 'img.jpg') })).toEqual({ kind: 'exists' });
    expect((await listTree(dir)).sort()).toEqual(['IMG.JPG', 'img_001.jpg']);
    expect(await readFile(join(dir, 'IMG.JPG'), 'utf8')).toBe('theirs');
    expect(await readFile(join(dir, 'img_001.jpg'))).toEqual(body);
  });

  // [name, kill when, the large file's date (first or last in export order), leaves a temp file]
  const points: [string, (e: CoreEvent) => boolean, string, boolean][] = [
    ['as soon as the export starts', (e) => e.channel === 'job:status' && e.payload.type === 'export' && e.payload.status === 'running', '1990-01-01T00:00:00', false],
    ['in the middle of a large file, first in line', (e) => e.channel === 'job:progress' && e.payload.currentFile === BIG && e.payload.bytesDone > 0, '1990-01-01T00:00:00', true],
    ['after some small files', (e) => e.channel === 'job:progress' && e.payload.filesDone >= 5, '2030-01-01T00:00:00', false],
    // By bytes, not by name: the progress names the oldest file in flight, and a small file still
    // finishing can hide the large one for as long as it copies.
    ['after the small files, in the middle of a large last file', (e) => e.channel === 'job:progress' && e.payload.type === 'export' && e.payload.filesDone >= 3 && insideBig(e.payload), '2030-01-01T00:00:00', true],
  ];

  it.for(points)('killed %s, then resumed: one verified copy of every file, no temp, no _001', { timeout: 120_000 }, async ([, killWhen, bigDate, leavesTemp], { skip }) => {
    if (!mount) return skip(skipReason);
    const dir = await makeTempDir('exfat-point');
    const dbPath = join(dir, 'mediaparser.db');
    const out = join(mount.dir, `archive-${bigDate.slice(0, 4)}-${leavesTemp ? 'mid' : 'between'}`);
    await rm(out, { recursive: true, force: true });
    await mkdir(out);
    await copyFile(templateDb, dbPath);
    try {
      {
        const core = createAppCore({ dbPath, thumbnailCacheDir: join(dir, 'thumbs') });
        const big = (await allFiles(core)).find((f) => f.originalName === BIG)!;
        unwrap(await core.handlers['files:set-date']({ id: big.id, timestamp: bigDate }));
        await core.close();
      }
      const events = await exportAndKill(dbPath, importJobId, out, killWhen);
      if (leavesTemp) expect((await listTree(out)).filter(isTemp).length).toBeGreaterThan(0);
      const exportJobId = (events.find((e) => e.channel === 'job:status' && e.payload.type === 'export')!.payload as { jobId: number }).jobId;

      const core = createAppCore({ dbPath, thumbnailCacheDir: join(dir, 'thumbs') });
      try {
        expect(core.interruptedAtStart).toContain(exportJobId);
        unwrap(await core.handlers['jobs:resume']({ id: exportJobId }));
        expect((await core.waitForJob(exportJobId)).status).toBe('completed');
        const tree = await checkArchive(core, out);
        // The same names as the uninterrupted export (the large file aside, whose date was set): no _001 from the crash.
        const big = bigDate.slice(0, 4);
        expect(tree.filter((p) => p.startsWith(`${big}/`))).toEqual([`${big}/${big}0101_000000.mp4`]);
        expect(tree.filter((p) => !p.startsWith(`${big}/`))).toEqual(reference.filter((p) => p !== `unknown/${BIG}`));
      } finally {
        await core.close();
      }
    } finally {
      await rm(out, { recursive: true, force: true });
      await removeDir(dir);
    }
  });
});
