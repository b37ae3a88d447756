/**
 * A power cut in the middle of an export: the process running it is killed (SIGKILL) at several
 * points; the next start shows the job as interrupted, and resuming it leaves no duplicate,
 * missing or temporary file.
 */
import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore, type CoreEvent } from './app-core.js';
import { copyCorpus, corpusAvailable, listTree, loadOracle, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';
import { allFiles, byteCopiesOnly, exportAndWait, importAndWait, setDateOf, unwrap, writeSparseVideo } from '../../test-support/app-core.js';
import { exportAndKill } from '../../test-support/export-kill.js';
import { verifyArchive } from '../engines/archive/verify.js';
import { verifyProblemCount } from '../../shared/verify-report.js';

const BIG = 'big-clip.mp4';
const BIG_SIZE = 256 * 1024 * 1024;
/** Whether at least 1 MiB of the large file, and not all of it, has been copied (it is the last in export order). */
const insideBig = (p: { bytesDone: number; bytesTotal: number }): boolean =>
  p.bytesDone - (p.bytesTotal - BIG_SIZE) > 1024 * 1024 && p.bytesTotal - p.bytesDone > 1024 * 1024;

/**
 * A temp folder with an empty archive and a library there that imported `src` (byte copies: these
 * tests are about copying and renames; metadata writes: write-crash.test.ts, fidelity.test.ts),
 * readied by `prepare` and closed again, for an export run in another process.
 */
async function importedLibrary(
  prefix: string,
  src: string,
  prepare: (core: AppCore, made: { importJobId: number; out: string }) => Promise<void>,
): Promise<{ dir: string; dbPath: string; out: string; importJobId: number }> {
  const dir = await makeTempDir(prefix);
  const dbPath = join(dir, 'mediaparser.db');
  const out = join(dir, 'archive');
  await mkdir(out);
  const core = createAppCore({ dbPath, thumbnailCacheDir: join(dir, 'thumbs') });
  try {
    await byteCopiesOnly(core);
    const importJobId = await importAndWait(core, src);
    await prepare(core, { importJobId, out });
    return { dir, dbPath, out, importJobId };
  } finally {
    await core.close();
  }
}

describe.skipIf(!corpusAvailable())('crash recovery', () => {
  let tmp: string;
  let src: string;

  beforeAll(async () => {
    tmp = await makeTempDir('crash');
    src = join(tmp, 'media');
    await copyCorpus(src, Object.keys(loadOracle()).filter((r) => r.startsWith('exiftool/')));
    await writeSparseVideo(join(src, BIG), BIG_SIZE);
  });

  afterAll(async () => {
    await removeDir(tmp);
  });

  // [name, kill when, the large file's date (first or last in export order), leaves a temp file]
  const points: [string, (e: CoreEvent) => boolean, string, boolean][] = [
    ['as soon as the export starts', (e) => e.channel === 'job:status' && e.payload.type === 'export' && e.payload.status === 'running', '1990-01-01T00:00:00', false],
    ['in the middle of a large file, first in line', (e) => e.channel === 'job:progress' && e.payload.currentFile === BIG && e.payload.bytesDone > 0, '1990-01-01T00:00:00', true],
    // By bytes, not by name: the progress names the oldest file in flight, and a small file still
    // finishing can hide the large one for as long as it copies.
    ['after the small files, in the middle of a large last file', (e) => e.channel === 'job:progress' && e.payload.type === 'export' && e.payload.filesDone >= 3 && insideBig(e.payload), '2030-01-01T00:00:00', true],
  ];

  it.each(points)('killed %s, then resumed: no duplicate, missing or temporary file', async (_name, killWhen, bigDate, leavesTemp) => {
    const { dir, dbPath, out, importJobId } = await importedLibrary('crash-point', src, async (core) => {
      // The large file's date puts it first or last in export order, so a kill point can land inside it.
      await setDateOf(core, BIG, bigDate);
    });

    const events = await exportAndKill(dbPath, importJobId, out, killWhen);
    // Killed mid-copy, the half-written temporary file is still there until the job resumes.
    if (leavesTemp) expect((await listTree(out)).filter((p) => p.includes('.mediaparser-')).length).toBeGreaterThan(0);
    const exportStatus = events.find((e) => e.channel === 'job:status' && e.payload.type === 'export')!.payload as { jobId: number };
    const exportJobId = exportStatus.jobId;

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(dir, 'thumbs') });
    try {
      expect(core.interruptedAtStart).toContain(exportJobId);
      const interrupted = unwrap(await core.handlers['jobs:get']({ id: exportJobId }));
      expect(interrupted.status).toBe('interrupted');

      unwrap(await core.handlers['jobs:resume']({ id: exportJobId }));
      const job = await core.waitForJob(exportJobId);
      expect(job.status).toBe('completed');

      const files = (await allFiles(core)).filter((f) => f.sha256);
      const tree = await listTree(out);
      expect(tree.filter((p) => p.includes('.mediaparser-'))).toEqual([]);
      const outputs = files.map((f) => relative(out, f.outputPath!).split(sep).join('/'));
      // Every file exported exactly once; identical content may share one output (adopted).
      const bySha = new Map<string, Set<string>>();
      for (const [i, f] of files.entries()) {
        expect(f.outputPath, f.originalPath).not.toBeNull();
        expect(await sha256File(f.outputPath!)).toBe(f.sha256);
        const set = bySha.get(f.sha256!) ?? new Set<string>();
        set.add(outputs[i]!);
        bySha.set(f.sha256!, set);
      }
      for (const [sha, set] of bySha) expect(set.size, `content ${sha} exported more than once`).toBe(1);
      expect([...new Set(outputs)].sort()).toEqual(tree);
    } finally {
      await core.close();
      await removeDir(dir);
    }
  });
  // A date fixed after the export: the next export renames copies; a kill in the middle of that
  // (renames done on disk, their records not yet committed) must still leave exactly one copy.
  it('killed while renaming re-dated copies, then resumed: one copy of each file, at its new name, manifest intact', { timeout: 180_000 }, async () => {
    const { dir, dbPath, out, importJobId } = await importedLibrary('crash-rename', src, async (core, made) => {
      const files = await allFiles(core);
      const big = files.find((f) => f.originalName === BIG)!;
      // The large file waits (discarded) while everything else is exported.
      unwrap(await core.handlers['files:discard']({ id: big.id }));
      await exportAndWait(core, made.out, made.importJobId);
      // Every dated file moves to 2001 (renames); the large file, new to the archive, sorts among them.
      unwrap(await core.handlers['files:restore']({ id: big.id }));
      const dated = files.filter((f) => f.sha256 && (f.finalTimestamp ?? f.detectedTimestamp) && f.id !== big.id);
      for (const [i, f] of dated.entries()) {
        unwrap(await core.handlers['files:set-date']({ id: f.id, timestamp: `2001-01-01T00:${String(i).padStart(2, '0')}:00` }));
      }
      unwrap(await core.handlers['files:set-date']({ id: big.id, timestamp: `2001-01-01T00:${String(Math.floor(dated.length / 2)).padStart(2, '0')}:30` }));
    });

    const events = await exportAndKill(dbPath, importJobId, out, (e) => e.channel === 'job:progress' && e.payload.currentFile === BIG && e.payload.bytesDone > 0);
    const exportJobId = (events.find((e) => e.channel === 'job:status' && e.payload.type === 'export')!.payload as { jobId: number }).jobId;

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(dir, 'thumbs') });
    try {
      unwrap(await core.handlers['jobs:resume']({ id: exportJobId }));
      const job = await core.waitForJob(exportJobId);
      expect(job.status).toBe('completed');
      expect(job.stats!.renamed + job.stats!.alreadyThere + job.stats!.copied).toBeGreaterThan(0);

      const files = (await allFiles(core)).filter((f) => f.sha256 && !f.discarded);
      const tree = await listTree(out);
      expect(tree.filter((p) => p.includes('.mediaparser-'))).toEqual([]);
      // The files were re-dated before the kill, and every copy the first export made under its
      // old year now sits in 2001/: no old year is left behind.
      expect(files.filter((f) => (f.finalTimestamp ?? '').startsWith('2001')).length).toBeGreaterThan(1);
      expect(tree.filter((p) => !/^(2001|unknown)\//.test(p))).toEqual([]);
      const outputs = new Set<string>();
      for (const f of files) {
        expect(f.outputPath, f.originalPath).not.toBeNull();
        const rel = relative(out, f.outputPath!).split(sep).join('/');
        if ((f.finalTimestamp ?? '').startsWith('2001')) expect(rel, f.originalPath).toMatch(/^2001\/20010101_00/);
        expect(await sha256File(f.outputPath!)).toBe(f.sha256);
        outputs.add(rel);
      }
      // Nothing left at an old name, nothing twice; the manifest lists exactly what is there.
      expect([...outputs].sort()).toEqual(tree);
      const report = verifyArchive(out);
      expect(report.type).toBe('done');
      if (report.type === 'done') expect(verifyProblemCount(report.report)).toBe(0);
    } finally {
      await core.close();
      await removeDir(dir);
    }
  });
});
