/**
 * `npm run bench:export [-- --files N] [-- --keep]`
 *
 * Builds a tree of real media (corpus copies, see make-tree.ts), imports it and exports it
 * in-process through the app core (the same runner + export worker the app uses), and in the
 * same run copies the same tree with `cp -a` (the baseline). Prints numbers only, no pass/fail:
 *  - ratio cp time / export time (target >= 0.8), throughput (MB/s, files/s),
 *  - main-thread event-loop lag p99 during the export (target < 20 ms),
 *  - pause latency: from the `jobs:pause` call to the `job:status` paused event, measured on a
 *    second export of the tree (its own database), which is then resumed and finished,
 *  - peak RSS of the process (workers included).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { Result } from '../shared/errors.js';
import type { JobSummary } from '../shared/types.js';
import { createAppCore, type AppCore } from '../main/core/app-core.js';
import { createWorkerFactory } from '../main/core/worker-factory.js';
import type { WorkerFactory } from '../main/core/jobs/runner.js';
import { buildBenchTree } from './make-tree.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The export worker bundled like the packaged app ships it (one .cjs), so the timing measures
 * the engine and not tsx transpiling the worker's sources at start-up (~1 s here). The import
 * worker keeps running from source.
 */
async function bundledExportWorkers(dir: string): Promise<WorkerFactory> {
  const outfile = path.join(dir, 'export-worker.cjs');
  await build({
    entryPoints: [path.join(repo, 'main/workers/export-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  const fromSource = createWorkerFactory();
  // execArgv: [] as in the packaged app; inheriting this process's tsx loader would add ~100 ms
  // of loader start-up to the worker that the app never pays.
  return (kind, data) => (kind === 'export' ? new Worker(outfile, { workerData: data, execArgv: [] }) : fromSource(kind, data));
}

function unwrap<T>(r: Result<T>, what: string): T {
  if (!r.ok) throw new Error(`${what} failed: ${r.error.code}: ${r.error.message} ${r.error.detail ?? ''}`);
  return r.value;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

function syncDisks(): void {
  // Start every timed copy from the same state: nothing of an earlier step still being written back.
  execFileSync('sync');
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}

async function importTree(core: AppCore, tree: string): Promise<{ jobId: number; summary: JobSummary; seconds: number }> {
  const t0 = performance.now();
  const { jobId } = unwrap(await core.handlers['import:start']({ folders: [tree] }), 'import:start');
  const summary = await core.waitForJob(jobId);
  if (summary.status !== 'completed') throw new Error(`import ended ${summary.status}: ${summary.error?.message ?? ''}`);
  return { jobId, summary, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { files: { type: 'string', default: '3000' }, keep: { type: 'boolean', default: false } },
  });
  const count = Number(values.files);
  if (!Number.isInteger(count) || count <= 0) throw new Error('--files must be a positive integer');

  const work = await mkdtemp(path.join(os.tmpdir(), 'mediaparser-bench-export-'));
  const tree = path.join(work, 'tree');
  console.log(`work folder: ${work}`);
  try {
    let t0 = performance.now();
    const built = await buildBenchTree(tree, count);
    console.log(`tree: ${built.files} files, ${mb(built.bytes)} MB (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    // Each copy starts from a synced disk; cp -a runs right before and right after the export, and
    // the ratio uses their mean, so drift in the machine's disk speed hits both sides alike.
    const cpOnce = (dest: string): number => {
      syncDisks();
      const start = performance.now();
      execFileSync('cp', ['-a', tree, path.join(work, dest)]);
      return (performance.now() - start) / 1000;
    };
    let cpBefore = 0;

    // ------------------------------------------------------------------ import + timed export
    const createWorker = await bundledExportWorkers(path.join(work, 'workers'));
    const core = createAppCore({ dbPath: path.join(work, 'bench.db'), thumbnailCacheDir: path.join(work, 'thumbs'), createWorker });
    let exportStats: { seconds: number; files: number; bytes: number; lagP99: number; lagMax: number; errors: number; outputs: number };
    try {
      const imp = await importTree(core, tree);
      console.log(`import: ${imp.summary.filesDone} files in ${imp.seconds.toFixed(1)} s (${imp.summary.errorCount} errors)`);

      const out = path.join(work, 'export');
      await mkdir(out);
      cpBefore = cpOnce('cp-before');
      syncDisks();
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      t0 = performance.now();
      let queuedMs = 0;
      let firstFileMs = 0;
      const stopWatching = core.subscribe((e) => {
        if (e.channel === 'job:progress' && e.payload.type === 'export' && e.payload.filesDone > 0 && firstFileMs === 0) {
          firstFileMs = performance.now() - t0;
        }
      });
      const exp = unwrap(await core.handlers['jobs:export']({ importJobId: imp.jobId, outputDir: out }), 'jobs:export');
      queuedMs = performance.now() - t0;
      const summary = await core.waitForJob(exp.jobId);
      const seconds = (performance.now() - t0) / 1000;
      lag.disable();
      stopWatching();
      console.log(`export timeline: jobs:export answered after ${queuedMs.toFixed(0)} ms, first progress with files done at ${firstFileMs.toFixed(0)} ms, finished at ${(seconds * 1000).toFixed(0)} ms`);
      if (summary.status !== 'completed') console.log(`export ended ${summary.status}: ${summary.error?.message ?? ''}`);
      exportStats = {
        seconds,
        files: summary.filesDone,
        bytes: summary.bytesDone,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        errors: summary.errorCount,
        outputs: await countFiles(out),
      };
    } finally {
      await core.close();
    }

    // ------------------------------------------------------------------ baseline: cp -a, after the export too
    const cpAfter = cpOnce('cp-after');
    syncDisks();

    // ------------------------------------------------------------------ pause latency (second export, own DB)
    const core2 = createAppCore({ dbPath: path.join(work, 'bench-pause.db'), thumbnailCacheDir: path.join(work, 'thumbs2'), createWorker });
    let pauseMs: number | null = null;
    let pauseOutcome = '';
    try {
      const imp2 = await importTree(core2, tree);
      const out2 = path.join(work, 'export-pause');
      await mkdir(out2);
      let pausedAt: number | null = null;
      let pauseCalled: number | null = null;
      let exportJobId = -1;
      let fire: (() => void) | null = null;
      const midway = new Promise<void>((resolve) => (fire = resolve));
      const unsubscribe = core2.subscribe((e) => {
        if (e.channel === 'job:progress' && e.payload.jobId === exportJobId && e.payload.filesDone >= e.payload.filesTotal * 0.3) fire?.();
        if (e.channel === 'job:status' && e.payload.jobId === exportJobId && e.payload.status === 'paused' && pausedAt === null) {
          pausedAt = performance.now();
        }
      });
      const exp2 = unwrap(await core2.handlers['jobs:export']({ importJobId: imp2.jobId, outputDir: out2 }), 'jobs:export');
      exportJobId = exp2.jobId;
      await midway;
      pauseCalled = performance.now();
      const paused = unwrap(await core2.handlers['jobs:pause']({ id: exportJobId }), 'jobs:pause');
      if (pausedAt !== null) pauseMs = (pausedAt as number) - pauseCalled;
      const doneAtPause = paused.filesDone;
      unwrap(await core2.handlers['jobs:resume']({ id: exportJobId }), 'jobs:resume');
      const final = await core2.waitForJob(exportJobId);
      unsubscribe();
      pauseOutcome = `paused at ${doneAtPause}/${paused.filesTotal} files (status ${paused.status}), resumed -> ${final.status}, ${await countFiles(out2)} output files`;
    } finally {
      await core2.close();
    }

    // ------------------------------------------------------------------ report
    const s = exportStats;
    console.log('');
    console.log(`export:        ${s.files} files in ${s.seconds.toFixed(2)} s (${s.errors} errors, ${s.outputs} files in the output; runner's bytesDone ${mb(s.bytes)} MB)`);
    const cpSeconds = (cpBefore + cpAfter) / 2;
    console.log(`cp -a:         ${cpSeconds.toFixed(2)} s (mean of ${cpBefore.toFixed(2)} s before and ${cpAfter.toFixed(2)} s after the export)`);
    console.log(`ratio cp/export: ${(cpSeconds / s.seconds).toFixed(2)}  (target >= 0.8)`);
    // Throughput over the tree's bytes (what cp -a copies too); identical targets are adopted, not rewritten.
    console.log(`throughput:    ${(built.bytes / 1024 / 1024 / s.seconds).toFixed(1)} MB/s, ${(s.files / s.seconds).toFixed(0)} files/s (cp -a: ${(built.bytes / 1024 / 1024 / cpSeconds).toFixed(1)} MB/s, ${(built.files / cpSeconds).toFixed(0)} files/s)`);
    console.log(`event-loop lag during export: p99 ${s.lagP99.toFixed(1)} ms, max ${s.lagMax.toFixed(1)} ms  (target p99 < 20 ms)`);
    console.log(`pause latency: ${pauseMs === null ? 'n/a' : `${pauseMs.toFixed(0)} ms`} (jobs:pause -> job:status paused); ${pauseOutcome}`);
    console.log(`peak RSS:      ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    if (values.keep) console.log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
