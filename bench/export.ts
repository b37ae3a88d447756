/**
 * `npm run bench:export [-- --files N] [-- --rounds R] [-- --keep]`
 *
 * Builds a tree of unique real media files (corpus copies, see make-tree.ts), imports it once,
 * then runs R rounds (default 3). Each round times, in an order that changes from round to round
 * so drift in the machine's disk speed hits every step alike, and each from a synced disk:
 *  - `cp -a` of the tree (the plain copy),
 *  - `cp -a; sync; sha256sum` of the copies, timed as one (the verified, durable copy a careful
 *    user would make by hand),
 *  - MediaParser's export with durability on, as users get it, in-process through the app core
 *    (the same runner + export worker the app uses) into an empty folder, from a copy of the
 *    imported database,
 *  - the same export with fsync turned off (MEDIAPARSER_BENCH_UNSAFE_NO_FSYNC, benchmarks only),
 *    which shows what durability costs,
 *  - the export with both "write into copies" settings off (byte copies only, durability on),
 *    which shows what writing the truth into copies costs (the default settings write it into
 *    the share of copies the run reports).
 * Prints numbers only, no pass/fail: per round and as medians over the rounds, the ratios of the
 * baselines' times to the export's (targets: >= 1.0 against the verified copy, >= 0.5 against
 * `cp -a`), the cost of fsync, throughput, main-thread event-loop lag p99 during the durable
 * exports (target < 20 ms), pause latency (from the `jobs:pause` call to the `job:status` paused
 * event, on one more export, which is then resumed and finished) and the process's peak RSS
 * (workers included).
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import type { Result } from '../shared/errors.js';
import type { JobSummary } from '../shared/types.js';
import { createAppCore, type AppCore } from '../main/library/app-core.js';
import { createWorkerFactory } from '../main/library/worker-factory.js';
import type { WorkerFactory } from '../main/library/jobs/runner.js';
import { buildBenchTree } from './make-tree.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The export worker bundled like the packaged app ships it (one .cjs), so the timing measures
 * the engine and not tsx transpiling the worker's sources at start-up (~1 s here). The import
 * worker keeps running from source.
 */
async function bundledExportWorkers(dir: string): Promise<{ durable: WorkerFactory; unsynced: WorkerFactory }> {
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
  const factory = (env: NodeJS.ProcessEnv): WorkerFactory => (kind, data) =>
    kind === 'export' ? new Worker(outfile, { workerData: data, execArgv: [], env }) : fromSource(kind, data);
  return {
    durable: factory(process.env),
    // Read by the export worker only; its copy threads inherit it.
    unsynced: factory({ ...process.env, MEDIAPARSER_BENCH_UNSAFE_NO_FSYNC: '1' }),
  };
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

/**
 * Imports the tree as a household adds it: each top-level folder (a phone's dump, a camera card,
 * the holiday folders, an old backup) is a source of its own, so folder tags come from the
 * folders inside a source, as they would for a user.
 */
async function importTree(core: AppCore, tree: string): Promise<{ jobId: number; summary: JobSummary; seconds: number }> {
  const t0 = performance.now();
  const sources = (await readdir(tree, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => path.join(tree, e.name)).sort();
  const { jobId } = unwrap(await core.handlers['import:start']({ folders: sources }), 'import:start');
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
  /** Copies that got metadata written in (their bytes differ from their original's). */
  written: number;
}

/** One timed export of the imported tree into an empty folder, on its own copy of the imported database. */
async function timedExport(work: string, template: string, importJobId: number, name: string, createWorker: WorkerFactory): Promise<ExportRound> {
  const dbPath = path.join(work, `${name}.db`);
  await copyFile(template, dbPath);
  const core = createAppCore({ dbPath, thumbnailCacheDir: path.join(work, 'thumbs'), createWorker });
  try {
    const out = path.join(work, name);
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
      written: writtenCopies(dbPath),
    };
  } finally {
    await core.close();
  }
}

/** How many archive copies differ from their originals' bytes: the ones that got metadata written. */
function writtenCopies(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS n FROM archive_copies c JOIN files f ON f.id = c.file_id WHERE c.sha256 <> f.sha256').get() as { n: number };
    return row.n;
  } finally {
    db.close();
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
    const workers = await bundledExportWorkers(path.join(work, 'workers'));
    const createWorker = workers.durable;
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

    // ------------------------------------------------------------------ rounds
    // Every step starts from a synced disk and leaves its copy in place until the round ends (so
    // the next step writes to a disk that holds the same as it would in any other order).
    const timed = (cmd: string, args: string[]): number => {
      syncDisks();
      const start = performance.now();
      execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
      return (performance.now() - start) / 1000;
    };
    // The same library with both "write into copies" settings off: byte copies only.
    const bytesOnly = path.join(work, 'imported-bytes-only.db');
    await copyFile(template, bytesOnly);
    const core1 = createAppCore({ dbPath: bytesOnly, thumbnailCacheDir: path.join(work, 'thumbs'), createWorker, backgroundHashing: false });
    try {
      unwrap(await core1.handlers['settings:set']({ writeDatesIntoCopies: false, writeFolderTagsAsKeywords: false }), 'settings:set');
    } finally {
      await core1.close();
    }
    const steps = ['cp', 'verified', 'export', 'unsynced', 'bytes'] as const;
    type Step = (typeof steps)[number];
    const rows: Array<{ order: Step[]; cp: number; verified: number; durable: ExportRound; unsynced: ExportRound; bytes: ExportRound }> = [];
    for (let r = 0; r < rounds; r++) {
      // Rotated, and reversed every other round, so each step runs both before and after each other.
      const rotated = steps.map((_, i) => steps[(i + r) % steps.length]!);
      const order = r % 2 === 1 ? rotated.reverse() : rotated;
      const row: Partial<(typeof rows)[number]> = { order };
      for (const step of order) {
        switch (step) {
          case 'cp':
            row.cp = timed('cp', ['-a', tree, path.join(work, `cp-${r}`)]);
            break;
          case 'verified': {
            const dest = path.join(work, `verified-${r}`);
            // One shell so the three steps are timed together, as a user would run them.
            row.verified = timed('sh', ['-c', 'cp -a "$1" "$2" && sync && find "$2" -type f -exec sha256sum {} + > /dev/null', 'verified-copy', tree, dest]);
            break;
          }
          case 'export':
            row.durable = await timedExport(work, template, importJobId, `export-${r}`, workers.durable);
            break;
          case 'bytes':
            row.bytes = await timedExport(work, bytesOnly, importJobId, `bytes-${r}`, workers.durable);
            break;
          case 'unsynced':
            row.unsynced = await timedExport(work, template, importJobId, `unsynced-${r}`, workers.unsynced);
            break;
          default: {
            const never: never = step;
            throw new Error(`unknown step ${String(never)}`);
          }
        }
      }
      rows.push(row as (typeof rows)[number]);
      for (const name of [`cp-${r}`, `verified-${r}`, `export-${r}`, `unsynced-${r}`, `bytes-${r}`]) await rm(path.join(work, name), { recursive: true, force: true });
    }
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
      const pause = await core2.handlers['jobs:pause']({ id: exportJobId });
      if (pause.ok) {
        const paused = pause.value;
        if (pausedAt !== null) pauseMs = (pausedAt as number) - pauseCalled;
        unwrap(await core2.handlers['jobs:resume']({ id: exportJobId }), 'jobs:resume');
        const final = await core2.waitForJob(exportJobId);
        pauseOutcome = `paused at ${paused.filesDone}/${paused.filesTotal} files (status ${paused.status}), resumed -> ${final.status}, ${await countFiles(out2)} output files`;
      } else {
        // A small tree can be done before the pause arrives (results are reported in batches).
        pauseOutcome = `not measured: ${pause.error.message}`;
      }
      unsubscribe();
    } finally {
      await core2.close();
    }

    // ------------------------------------------------------------------ report
    const fmt = (x: number): string => x.toFixed(2);
    const signed = (x: number): string => `${x >= 0 ? '+' : ''}${fmt(x)}`;
    const lagOf = (res: ExportRound): string => `lag p99 ${res.lagP99.toFixed(1)} ms (max ${res.lagMax.toFixed(1)} ms)`;
    const filesOf = (res: ExportRound): string =>
      `${res.files} files, ${res.errors} errors, ${res.outputs} in the output, ${res.written} (${((100 * res.written) / Math.max(1, res.files)).toFixed(1)}%) with metadata written in`;
    console.log('');
    rows.forEach((row, i) => {
      console.log(`round ${i + 1} (order: ${row.order.join(', ')}):`);
      console.log(`  cp -a                     ${fmt(row.cp)} s`);
      console.log(`  cp -a; sync; sha256sum    ${fmt(row.verified)} s`);
      console.log(`  export (fsync on)         ${fmt(row.durable.seconds)} s  (${filesOf(row.durable)}, first file reported at ${row.durable.firstFileMs.toFixed(0)} ms, ${lagOf(row.durable)})`);
      console.log(`  export (fsync off)        ${fmt(row.unsynced.seconds)} s  (${filesOf(row.unsynced)})`);
      console.log(`  export, byte copies only  ${fmt(row.bytes.seconds)} s  (${filesOf(row.bytes)}; both "write into copies" settings off)`);
      console.log(
        `  ratios: verified/export ${fmt(row.verified / row.durable.seconds)}, cp/export ${fmt(row.cp / row.durable.seconds)}, export fsync on/off ${fmt(row.durable.seconds / row.unsynced.seconds)}; ` +
          `byte copies only: verified/export ${fmt(row.verified / row.bytes.seconds)}, cp/export ${fmt(row.cp / row.bytes.seconds)}`,
      );
    });
    const med = (f: (row: (typeof rows)[number]) => number): number => median(rows.map(f));
    const exportSeconds = med((row) => row.durable.seconds);
    const unsyncedSeconds = med((row) => row.unsynced.seconds);
    const cpSeconds = med((row) => row.cp);
    const verifiedSeconds = med((row) => row.verified);
    const throughput = (seconds: number): string =>
      `${(built.bytes / 1024 / 1024 / seconds).toFixed(1)} MB/s, ${(built.files / seconds).toFixed(0)} files/s`;
    console.log('');
    console.log(`medians of ${rounds} rounds (ratios: median of the per-round ratios):`);
    console.log(`export vs cp -a; sync; sha256sum: ${fmt(med((row) => row.verified / row.durable.seconds))}x  (target >= 1.0)`);
    console.log(`export vs cp -a:                  ${fmt(med((row) => row.cp / row.durable.seconds))}x  (target >= 0.5)`);
    const written = median(rows.map((row) => row.durable.written));
    console.log(`  (${written} of ${built.files} copies, ${((100 * written) / built.files).toFixed(1)}%, got metadata written in: the corrected dates and folder tags)`);
    console.log(`byte copies only (writing off), vs cp -a; sync; sha256sum: ${fmt(med((row) => row.verified / row.bytes.seconds))}x, vs cp -a: ${fmt(med((row) => row.cp / row.bytes.seconds))}x`);
    console.log(
      `cost of fsync: export ${fmt(exportSeconds)} s with, ${fmt(unsyncedSeconds)} s without; ` +
        `fsync on/off ${fmt(med((row) => row.durable.seconds / row.unsynced.seconds))}x, ${signed(med((row) => row.durable.seconds - row.unsynced.seconds))} s per export`,
    );
    // Throughput over the tree's bytes (what cp -a copies too).
    console.log(`throughput: export ${throughput(exportSeconds)} (fsync off: ${throughput(unsyncedSeconds)}); cp -a ${throughput(cpSeconds)}; cp -a; sync; sha256sum ${throughput(verifiedSeconds)}`);
    const durable = rows.map((row) => row.durable);
    console.log(`event-loop lag during export: p99 ${median(durable.map((r) => r.lagP99)).toFixed(1)} ms (median of rounds; worst ${Math.max(...durable.map((r) => r.lagP99)).toFixed(1)} ms), max ${Math.max(...durable.map((r) => r.lagMax)).toFixed(1)} ms  (target p99 < 20 ms)`);
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
