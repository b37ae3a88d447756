/**
 * `npm run bench:export [-- --files N] [-- --rounds R] [-- --keep]`
 *
 * Builds a tree of real media (corpus copies, see make-tree.ts), imports it once, then exports it
 * R times (default 3) in-process through the app core (the same runner + export worker the app
 * uses), each time into an empty folder from a copy of the imported database, alternating with
 * `cp -a` of the same tree (the baseline). Prints numbers only, no pass/fail:
 *  - ratio cp time / export time per round and their median (target >= 0.8), throughput,
 *  - main-thread event-loop lag p99 during each export (target < 20 ms),
 *  - pause latency: from the `jobs:pause` call to the `job:status` paused event, measured on one
 *    more export, which is then resumed and finished,
 *  - peak RSS of the process (workers included).
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
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

interface ExportRound {
  seconds: number;
  files: number;
  bytes: number;
  lagP99: number;
  lagMax: number;
  errors: number;
  outputs: number;
  firstFileMs: number;
}

/** One timed export of the imported tree into an empty folder, on its own copy of the imported database. */
async function timedExport(work: string, template: string, importJobId: number, round: number, createWorker: WorkerFactory): Promise<ExportRound> {
  const dbPath = path.join(work, `round-${round}.db`);
  await copyFile(template, dbPath);
  const core = createAppCore({ dbPath, thumbnailCacheDir: path.join(work, 'thumbs'), createWorker });
  try {
    const out = path.join(work, `export-${round}`);
    await mkdir(out);
    syncDisks();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    let firstFileMs = 0;
    const stopWatching = core.subscribe((e) => {
      if (e.channel === 'job:progress' && e.payload.type === 'export' && e.payload.filesDone > 0 && firstFileMs === 0) {
        firstFileMs = performance.now() - t0;
      }
    });
    const exp = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: out }), 'jobs:export');
    const summary = await core.waitForJob(exp.jobId);
    const seconds = (performance.now() - t0) / 1000;
    lag.disable();
    stopWatching();
    if (summary.status !== 'completed') console.log(`export ended ${summary.status}: ${summary.error?.message ?? ''}`);
    return {
      seconds,
      files: summary.filesDone,
      bytes: summary.bytesDone,
      lagP99: lag.percentile(99) / 1e6,
      lagMax: lag.max / 1e6,
      errors: summary.errorCount,
      outputs: await countFiles(out),
      firstFileMs,
    };
  } finally {
    await core.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '3000' },
      rounds: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.files);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(count) || count <= 0) throw new Error('--files must be a positive integer');
  if (!Number.isInteger(rounds) || rounds <= 0) throw new Error('--rounds must be a positive integer');

  const work = await mkdtemp(path.join(os.tmpdir(), 'mediaparser-bench-export-'));
  const tree = path.join(work, 'tree');
  console.log(`work folder: ${work}`);
  try {
    const t0 = performance.now();
    const built = await buildBenchTree(tree, count);
    console.log(`tree: ${built.files} files, ${mb(built.bytes)} MB (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    // ------------------------------------------------------------------ import once; every export starts from a copy of it
    const createWorker = await bundledExportWorkers(path.join(work, 'workers'));
    const template = path.join(work, 'imported.db');
    const core0 = createAppCore({ dbPath: template, thumbnailCacheDir: path.join(work, 'thumbs'), createWorker });
    let importJobId: number;
    try {
      const imp = await importTree(core0, tree);
      importJobId = imp.jobId;
      console.log(`import: ${imp.summary.filesDone} files in ${imp.seconds.toFixed(1)} s (${imp.summary.errorCount} errors)`);
    } finally {
      await core0.close();
    }

    // ------------------------------------------------------------------ rounds: cp -a, export, ..., cp -a
    // Each copy starts from a synced disk. A round's baseline is the mean of the cp -a runs right
    // before and right after its export, so drift in the machine's disk speed hits both sides
    // alike; the ratio reported is the median over the rounds.
    const cpOnce = (dest: string): number => {
      syncDisks();
      const start = performance.now();
      execFileSync('cp', ['-a', tree, path.join(work, dest)]);
      return (performance.now() - start) / 1000;
    };
    const cps = [cpOnce('cp-0')];
    const results: ExportRound[] = [];
    for (let r = 1; r <= rounds; r++) {
      results.push(await timedExport(work, template, importJobId, r, createWorker));
      cps.push(cpOnce(`cp-${r}`));
    }
    const ratios = results.map((res, i) => (cps[i]! + cps[i + 1]!) / 2 / res.seconds);
    syncDisks();

    // ------------------------------------------------------------------ pause latency (one more export, own database copy)
    const pauseDb = path.join(work, 'pause.db');
    await copyFile(template, pauseDb);
    const core2 = createAppCore({ dbPath: pauseDb, thumbnailCacheDir: path.join(work, 'thumbs'), createWorker });
    let pauseMs: number | null = null;
    let pauseOutcome = '';
    try {
      const out2 = path.join(work, 'export-pause');
      await mkdir(out2);
      let pausedAt: number | null = null;
      let exportJobId = -1;
      let fire: (() => void) | null = null;
      const midway = new Promise<void>((resolve) => (fire = resolve));
      const unsubscribe = core2.subscribe((e) => {
        if (e.channel === 'job:progress' && e.payload.jobId === exportJobId && e.payload.filesDone >= e.payload.filesTotal * 0.3) fire?.();
        if (e.channel === 'job:status' && e.payload.jobId === exportJobId && e.payload.status === 'paused' && pausedAt === null) {
          pausedAt = performance.now();
        }
      });
      const exp2 = unwrap(await core2.handlers['jobs:export']({ importJobId, outputDir: out2 }), 'jobs:export');
      exportJobId = exp2.jobId;
      await midway;
      const pauseCalled = performance.now();
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
    console.log('');
    results.forEach((res, i) => {
      console.log(
        `round ${i + 1}: export ${res.seconds.toFixed(2)} s (${res.files} files, ${res.errors} errors, ${res.outputs} in the output, first file reported at ${res.firstFileMs.toFixed(0)} ms), ` +
          `cp -a ${cps[i]!.toFixed(2)} s / ${cps[i + 1]!.toFixed(2)} s, ratio ${ratios[i]!.toFixed(2)}, lag p99 ${res.lagP99.toFixed(1)} ms (max ${res.lagMax.toFixed(1)} ms)`,
      );
    });
    const exportSeconds = median(results.map((r) => r.seconds));
    const cpSeconds = median(cps);
    console.log(`ratio cp/export: ${median(ratios).toFixed(2)}  (median of ${rounds} rounds; target >= 0.8)`);
    // Throughput over the tree's bytes (what cp -a copies too); identical targets are adopted, not rewritten.
    console.log(`throughput:    ${(built.bytes / 1024 / 1024 / exportSeconds).toFixed(1)} MB/s, ${(built.files / exportSeconds).toFixed(0)} files/s (cp -a: ${(built.bytes / 1024 / 1024 / cpSeconds).toFixed(1)} MB/s, ${(built.files / cpSeconds).toFixed(0)} files/s; medians)`);
    console.log(`event-loop lag during export: p99 ${median(results.map((r) => r.lagP99)).toFixed(1)} ms (median of rounds; worst ${Math.max(...results.map((r) => r.lagP99)).toFixed(1)} ms), max ${Math.max(...results.map((r) => r.lagMax)).toFixed(1)} ms  (target p99 < 20 ms)`);
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
