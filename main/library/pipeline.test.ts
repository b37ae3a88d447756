/**
 * The whole pipeline on real media: import the corpus into a real migrated database, export it,
 * and check the archive against ExifTool's oracle; then pause/resume, cancel, re-export and
 * the originals' integrity.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/types.js';
import type { AppCore } from './app-core.js';
import { allFiles, byteCopiesOnly, exportAndWait, importAndWait, openLibrary, unwrap, writeSparseVideo } from '../../test-support/app-core.js';
import { copyCorpus, corpusAvailable, listTree, loadOracle, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';

const PLACEHOLDER = /^0000|^\s*:/;

/**
 * A library in `tmp/<dbFolder>` that imported `src`. Its archives are checked byte for byte against
 * the originals, so nothing is written into the copies (metadata writes: write-truth.test.ts).
 */
async function byteCopyLibrary(tmp: string, dbFolder: string, src: string): Promise<{ core: AppCore; importJobId: number }> {
  const core = openLibrary(tmp, dbFolder);
  try {
    await byteCopiesOnly(core);
    return { core, importJobId: await importAndWait(core, src) };
  } catch (e) {
    await core.close();
    throw e;
  }
}

/** Checks the archive: every kept file has one verified output, nothing extra, no temp files. */
async function expectConsistentArchive(core: AppCore, out: string): Promise<void> {
  const files = (await allFiles(core)).filter((f) => !f.discarded && f.sha256);
  const tree = await listTree(out);
  expect(tree.filter((p) => p.includes('.mediaparser-'))).toEqual([]);
  const recorded = new Set<string>();
  for (const f of files) {
    expect(f.outputPath, f.originalPath).not.toBeNull();
    const rel = relative(out, f.outputPath!).split(sep).join('/');
    expect(tree).toContain(rel);
    expect(await sha256File(f.outputPath!)).toBe(f.sha256);
    recorded.add(rel);
  }
  // Nothing in the archive that no file claims (no duplicate copies, no leftovers).
  expect(tree.filter((p) => !recorded.has(p))).toEqual([]);
}

describe.skipIf(!corpusAvailable())('pipeline on the real corpus', () => {
  let tmp: string;
  let src: string;
  let out: string;
  let core: AppCore;
  let importJobId: number;
  const oracle = corpusAvailable() ? loadOracle() : {};

  beforeAll(async () => {
    tmp = await makeTempDir('pipeline');
    src = join(tmp, 'media');
    out = join(tmp, 'archive');
    await mkdir(out);
    await copyCorpus(src);
    ({ core, importJobId } = await byteCopyLibrary(tmp, 'db', src));
  });

  afterAll(async () => {
    await core?.close();
    await removeDir(tmp);
  });

  it('imports every corpus file with the oracle sha256', async () => {
    const files = await allFiles(core);
    expect(files).toHaveLength(Object.keys(oracle).length);
    for (const f of files) {
      const rel = relative(src, f.originalPath).split(sep).join('/');
      expect(oracle[rel], rel).toBeDefined();
      expect(f.sha256, rel).toBe(oracle[rel]!.sha256);
    }
  });

  it('exports every file with a valid DateTimeOriginal under that local time', async () => {
    const started = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: out }));
    expect(started.status).toBe('queued');
    expect(started.fileCount).toBe(Object.keys(oracle).length);
    const job = await core.waitForJob(started.jobId);
    expect(job.status).toBe('completed');
    expect(job.errorCount).toBe(0);

    const byRel = new Map((await allFiles(core)).map((f) => [relative(src, f.originalPath).split(sep).join('/'), f]));
    let checked = 0;
    for (const [rel, o] of Object.entries(oracle)) {
      const dto = o.DateTimeOriginal;
      if (!dto || PLACEHOLDER.test(dto)) continue;
      const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(dto);
      if (!m || Number(m[1]) < 1826) continue;
      const expected = `${m[1]}/${m[1]}${m[2]}${m[3]}_${m[4]}${m[5]}${m[6]}`;
      const f = byRel.get(rel)!;
      const outRel = relative(out, f.outputPath!).split(sep).join('/');
      expect(outRel, rel).toMatch(new RegExp(`^${expected}(_\\d{3})?\\.[a-z0-9]+$`));
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    await expectConsistentArchive(core, out);
  });

  it('files undated files under unknown/ with their original names', async () => {
    const files = await allFiles(core);
    const undated = files.filter((f) => f.detectedTimestamp === null && f.finalTimestamp === null);
    expect(undated.length).toBeGreaterThan(5);
    for (const f of undated) expect(relative(out, f.outputPath!).split(sep)[0]).toBe('unknown');
    const dsc = files.find((f) => f.originalName === 'DSC_0042.JPG')!;
    expect(relative(out, dsc.outputPath!).split(sep).join('/')).toBe('unknown/DSC_0042.jpg');
  });

  it('a second export of the same files copies nothing', async () => {
    const before = await listTree(out);
    const again = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: out }));
    const second = await core.waitForJob(again.jobId);
    expect(second.status).toBe('completed');
    expect(second.stats).toMatchObject({ copied: 0, renamed: 0, failed: 0, alreadyThere: again.fileCount });
    expect(await listTree(out)).toEqual(before);

    // Even a fresh database (no memory of the first export) adopts the identical targets.
    const { core: core2, importJobId: imp2 } = await byteCopyLibrary(tmp, 'db2', src);
    try {
      const exp2 = unwrap(await core2.handlers['jobs:export']({ importJobId: imp2, outputDir: out }));
      const job2 = await core2.waitForJob(exp2.jobId);
      expect(job2.status).toBe('completed');
      expect(job2.filesDone).toBe(exp2.fileCount);
      // The archive's manifest tells the new library what is there: nothing is copied.
      expect(job2.stats).toMatchObject({ copied: 0, alreadyThere: exp2.fileCount });
      expect(await listTree(out)).toEqual(before);
      await expectConsistentArchive(core2, out);
    } finally {
      await core2.close();
    }
  });

  it('leaves the originals untouched', async () => {
    for (const [rel, o] of Object.entries(oracle)) {
      expect(await sha256File(join(src, ...rel.split('/'))), rel).toBe(o.sha256);
    }
  });
});

describe.skipIf(!corpusAvailable())('export control: pause, resume, cancel, review', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  let importJobId: number;
  const BIG = 'big-clip.mp4';

  beforeAll(async () => {
    tmp = await makeTempDir('control');
    src = join(tmp, 'media');
    const rels = Object.keys(loadOracle()).filter((r) => r.startsWith('exiftool/') || r.startsWith('names/'));
    await copyCorpus(src, rels);
    // A large video (sparse: an MP4 header then zeros) so a pause lands in the middle of a copy.
    await writeSparseVideo(join(src, BIG), 384 * 1024 * 1024);
    ({ core, importJobId } = await byteCopyLibrary(tmp, 'db', src));
  });

  afterAll(async () => {
    await core?.close();
    await removeDir(tmp);
  });

  it('pauses in the middle of a large file, leaves no temp file, and resumes to completion', async () => {
    const out = join(tmp, 'paused');
      await mkdir(out);
    const files = await allFiles(core);
    const big = files.find((f) => f.originalName === BIG)!;
    // Give the big file the earliest date so it is copied first.
    unwrap(await core.handlers['files:set-date']({ id: big.id, timestamp: '1990-01-01T00:00:00' }));
    const started = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: out }));

    const sawBig = new Promise<JobProgress>((resolve) => {
      const off = core.subscribe((e) => {
        if (e.channel === 'job:progress' && e.payload.jobId === started.jobId && e.payload.currentFile === BIG && e.payload.bytesDone > 0) {
          off();
          resolve(e.payload);
        }
      });
    });
    await sawBig;
    const paused = unwrap(await core.handlers['jobs:pause']({ id: started.jobId }));
    expect(paused.status).toBe('paused');
    expect(paused.filesDone).toBeLessThan(started.fileCount);
    // The paused job released its worker; its temp file is gone.
    await core.runner.pauseForQuit();
    expect((await listTree(out)).filter((p) => p.includes('.mediaparser-'))).toEqual([]);

    const resumed = unwrap(await core.handlers['jobs:resume']({ id: started.jobId }));
    expect(['queued', 'running']).toContain(resumed.status);
    const done = await core.waitForJob(started.jobId);
    expect(done.status).toBe('completed');
    expect(done.filesDone).toBe(started.fileCount);
    expect(existsSync(join(out, '1990', '19900101_000000.mp4'))).toBe(true);
    expect((await stat(join(out, '1990', '19900101_000000.mp4'))).size).toBe(384 * 1024 * 1024);
    await expectConsistentArchive(core, out);
    // Reset for the next tests.
    unwrap(await core.handlers['files:set-date']({ id: big.id, timestamp: null }));
  });

  it('cancel stops, keeps what was done, and the job can be resumed', async () => {
    // Fresh file rows: re-import into a new database so nothing is exported yet.
    const { core: core2, importJobId: imp } = await byteCopyLibrary(tmp, 'db-cancel', src);
    try {
      const out = join(tmp, 'cancelled');
      await mkdir(out);
      const started = unwrap(await core2.handlers['jobs:export']({ importJobId: imp, outputDir: out }));
      const cancelled = unwrap(await core2.handlers['jobs:cancel']({ id: started.jobId }));
      expect(cancelled.status).toBe('cancelled');
      await core2.runner.pauseForQuit();
      const tree = await listTree(out);
      expect(tree.filter((p) => p.includes('.mediaparser-'))).toEqual([]);
      const exported = (await allFiles(core2)).filter((f) => f.outputPath);
      expect(exported.length).toBe(cancelled.filesDone);
      unwrap(await core2.handlers['jobs:resume']({ id: started.jobId }));
      expect((await core2.waitForJob(started.jobId)).status).toBe('completed');
      await expectConsistentArchive(core2, out);
    } finally {
      await core2.close();
    }
  });

  it('review: a set date names the file, a discarded file stays out, collisions get _001', async () => {
    const { core: core3, importJobId: imp } = await byteCopyLibrary(tmp, 'db-review', src);
    try {
      const files = await allFiles(core3);
      const undated = files.find((f) => f.originalName === 'IMG_0001.JPG')!;
      const discard = files.find((f) => f.originalName === 'Canon.jpg')!;
      const twinA = files.find((f) => f.originalName === 'Sony.jpg')!;
      const twinB = files.find((f) => f.originalName === 'Pentax.jpg')!;
      unwrap(await core3.handlers['files:set-date']({ id: undated.id, timestamp: '2024-12-31T22:00:00-05:00' }));
      unwrap(await core3.handlers['files:discard']({ id: discard.id }));
      unwrap(await core3.handlers['files:set-date-bulk']({ ids: [twinA.id, twinB.id], timestamp: '2001-02-03T04:05:06', spacing: 'same' }));
      const out = join(tmp, 'review');
      await mkdir(out);
      const preview = unwrap(await core3.handlers['export:preview']({ importJobId: imp, outputDir: out }));
      expect(preview.fileCount).toBe(files.length - 1);
      expect(preview.collisionCount).toBeGreaterThanOrEqual(1);
      await exportAndWait(core3, out, imp);
      const after = new Map((await allFiles(core3)).map((f) => [f.id, f]));
      expect(relative(out, after.get(undated.id)!.outputPath!).split(sep).join('/')).toBe('2024/20241231_220000.jpg');
      expect(after.get(discard.id)!.outputPath).toBeNull();
      // Same second, same extension: export order (then the original name) decides who gets _001.
      expect(after.get(twinB.id)!.outputPath!.split(sep).pop()).toBe('20010203_040506.jpg');
      expect(after.get(twinA.id)!.outputPath!.split(sep).pop()).toBe('20010203_040506_001.jpg');
      expect((await readdir(join(out, '2001'))).filter((n) => n.startsWith('20010203')).sort()).toEqual(['20010203_040506.jpg', '20010203_040506_001.jpg']);
      await expectConsistentArchive(core3, out);
    } finally {
      await core3.close();
    }
  });
});
