/**
 * `npm run bench:import [-- --files N] [-- --rounds R] [-- --jpegs] [-- --keep]`
 *
 * `--jpegs`: the tree is N small real JPEGs with varied dates (make-library.ts, the 100k-file
 * library of issue 11) instead of the household mix. Every timed run reports its peak RSS (the
 * import process: main thread and worker thread; ExifTool's perl processes are not included).
 *
 * Builds a tree of real media (corpus copies of every kind: phone photos and videos, camera raw
 * files, camcorder AVCHD clips, AVI, 3GP/3G2; see make-tree.ts), then on that same tree times:
 *  (a) the MediaParser import through the CLI (`mediaparser import <tree> --db <tmp> --json`:
 *      scan, hash, metadata, dates, database writes), and the import worker engine alone;
 *  (b) the baseline `exiftool -r -json -DateTimeOriginal -CreateDate -MediaCreateDate <tree>`
 *      (Debian's libimage-exiftool-perl).
 * R rounds (default 3), the order turning each round; it prints the medians, the median of the
 * per-round ratios exiftool time / import time (target >= 3x) and files/s for each, then times the
 * near-duplicate hashing the app runs in the background after an import (not part of the import).
 * It prints numbers only; it does not pass or fail.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scanFolders } from '../main/engines/import/scan.js';
import { runImport } from '../main/workers/import-worker.js';
import type { ImportWorkerData } from '../main/protocol/workers.js';
import { buildJpegLibrary } from './make-library.js';
import { buildBenchTree } from './make-tree.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Timed {
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system) of the process and its children (perl workers included). */
  cpuSeconds: number;
  /** CPU seconds other processes on the machine used meanwhile (null where /proc/stat is missing). */
  otherCpuSeconds: number | null;
  /** Peak resident memory of the timed program (MB), null where /proc is missing. */
  peakRssMb: number | null;
  detail: string;
}

/** VmHWM (peak RSS, MB) of every descendant of `pid`, largest first; [] without /proc. */
function descendantPeaks(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number): void => {
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return;
    }
    for (const c of children) {
      try {
        const status = readFileSync(`/proc/${c}/status`, 'utf8');
        const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? '';
        // The import process itself, not ExifTool's perl.
        if (name !== 'perl') out.push(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      } catch {
        // exited meanwhile
      }
      visit(c);
    }
  };
  visit(pid);
  return out.sort((a, b) => b - a);
}

/** CPU seconds the whole machine has been busy (Linux /proc/stat), or null elsewhere. */
function machineBusySeconds(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const busy = cpu.slice(0, 8).reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    return busy / 100; // USER_HZ
  } catch {
    return null;
  }
}

/**
 * Runs a command through `sh` and reads its CPU time with the shell's `times` builtin, so the
 * figures include child processes (ExifTool's perl, the import's worker and ExifTool pool).
 * Wall time is the target metric; CPU time shows the work done even on a busy machine.
 */
async function timed(
  cmd: string,
  args: string[],
  stdoutFile: string,
): Promise<{ code: number; seconds: number; cpuSeconds: number; otherCpuSeconds: number | null; peakRssMb: number | null; stderr: string }> {
  const script = '"$@" > "$OUT"; code=$?; times >&2; exit $code';
  return new Promise((resolve, reject) => {
    const busy0 = machineBusySeconds();
    const t0 = performance.now();
    const child = spawn('sh', ['-c', script, 'sh', cmd, ...args], { cwd: repo, env: { ...process.env, OUT: stdoutFile }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakRssMb: number | null = null;
    // VmHWM only grows, so sampling it catches the peak up to the last sample before exit.
    const sampler = setInterval(() => {
      const peak = descendantPeaks(child.pid ?? -1)[0];
      if (peak !== undefined) peakRssMb = Math.max(peakRssMb ?? 0, peak);
    }, 100);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(sampler);
      const seconds = (performance.now() - t0) / 1000;
      // `times` prints "<shell user> <shell sys>\n<children user> <children sys>" as 0m1.234s.
      const lines = stderr.trim().split('\n');
      const toS = (t: string): number => {
        const m = /(\d+)m([\d.]+)s/.exec(t);
        return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
      };
      const children = (lines.at(-1) ?? '').trim().split(/\s+/);
      const cpuSeconds = toS(children[0] ?? '') + toS(children[1] ?? '');
      const busy1 = machineBusySeconds();
      // What the rest of the machine did meanwhile: wall times are only comparable when it is ~0.
      const otherCpuSeconds = busy0 === null || busy1 === null ? null : Math.max(0, busy1 - busy0 - cpuSeconds);
      resolve({ code: code ?? -1, seconds, cpuSeconds, otherCpuSeconds, peakRssMb, stderr: lines.slice(0, -2).join('\n') });
    });
  });
}

/**
 * The near-duplicate hashing that follows an import in the app (similar-indexer.ts; not part of
 * the import, which the CLI ends without it): timed on the first round's library, in this process.
 */
async function timeBackgroundHashing(dbPath: string, work: string): Promise<void> {
  const { createAppCore } = await import('../main/library/app-core.js');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const core = createAppCore({ dbPath, thumbnailCacheDir: path.join(work, 'thumbs'), writer: { kind: 'serve' } });
  try {
    const pictures = core.similar.pending();
    await core.similar.settled();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `Background hashing for near-duplicates (after the import, not part of it): ${pictures} pictures in ${seconds.toFixed(2)} s ` +
        `(${(pictures / seconds).toFixed(0)} pictures/s, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU incl. the worker thread)`,
    );
  } finally {
    await core.close();
  }
}

/** Reads every file once so both contenders start with the same (warm) page cache. */
async function warmCache(tree: string): Promise<void> {
  for await (const entry of scanFolders([tree])) {
    await new Promise<void>((resolve, reject) => {
      createReadStream(entry.path, { highWaterMark: 1 << 20 }).on('data', () => undefined).once('end', resolve).once('error', reject);
    });
  }
}

/** Debian's ExifTool (libimage-exiftool-perl), not the copy bundled with exiftool-vendored. */
function findSystemExiftool(): string | null {
  for (const candidate of ['/usr/bin/exiftool', '/usr/local/bin/exiftool']) if (existsSync(candidate)) return candidate;
  return null;
}

async function timeExiftool(tree: string, work: string): Promise<Timed | null> {
  const exiftool = findSystemExiftool();
  if (!exiftool) return null;
  const version = spawnSync(exiftool, ['-ver'], { encoding: 'utf8' }).stdout.trim();
  const out = path.join(work, 'exiftool.json');
  const r = await timed(exiftool, ['-r', '-json', '-DateTimeOriginal', '-CreateDate', '-MediaCreateDate', tree], out);
  let records = -1;
  try {
    records = (JSON.parse(await readFile(out, 'utf8')) as unknown[]).length;
  } catch {
    // reported as -1 records
  }
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, otherCpuSeconds: r.otherCpuSeconds, peakRssMb: null, detail: `ExifTool ${version}, ${records} records, exit ${r.code}` };
}

async function timeCli(tree: string, work: string, dbName = 'bench.db'): Promise<Timed | null> {
  const bin = path.join(repo, 'bin', 'mediaparser.mjs');
  if (!existsSync(bin) || !existsSync(path.join(repo, 'main', 'cli', 'main.ts'))) return null;
  const out = path.join(work, 'cli.json');
  const r = await timed(process.execPath, [bin, 'import', tree, '--db', path.join(work, dbName), '--json'], out);
  let detail = `exit ${r.code}`;
  const stdout = await readFile(out, 'utf8').catch(() => '');
  try {
    const o = JSON.parse(stdout) as { status?: string; fileCount?: number; errors?: number };
    detail = `status ${o.status}, ${o.fileCount} files, ${o.errors} errors, exit ${r.code}`;
  } catch {
    detail += `; output: ${(stdout + r.stderr).trim().slice(0, 300)}`;
  }
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, otherCpuSeconds: r.otherCpuSeconds, peakRssMb: r.peakRssMb, detail };
}

/** The import engine alone (scan, hash, metadata, dates; no database), in its own process. */
async function timeEngine(tree: string, work: string): Promise<Timed> {
  const out = path.join(work, 'engine.json');
  const r = await timed(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--engine', tree], out);
  const detail = await readFile(out, 'utf8').catch(() => r.stderr);
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, otherCpuSeconds: r.otherCpuSeconds, peakRssMb: r.peakRssMb, detail: detail.trim() || `exit ${r.code}` };
}

/** `--engine <tree>`: runs the worker code in this process and prints a one-line summary. */
async function engineOnly(tree: string): Promise<void> {
  const data: ImportWorkerData = {
    kind: 'import',
    control: new SharedArrayBuffer(4),
    roots: [tree],
    options: { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, useFileDatesAsLastResort: false },
    skipPaths: [],
  };
  let files = 0;
  let failed = 0;
  let warnings = 0;
  let dated = 0;
  await runImport(
    data,
    (m) => {
      if (m.type === 'file') {
        files++;
        if (m.file.warning) warnings++;
        if (m.file.detected) dated++;
      } else if (m.type === 'file-failed') failed++;
    },
    new Int32Array(data.control),
  );
  console.log(`${files} files (${dated} dated, ${warnings} warnings), ${failed} failed`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '3000' },
      keep: { type: 'boolean', default: false },
      /** Reuse a tree built by an earlier `--keep` run. */
      tree: { type: 'string' },
      engine: { type: 'string' },
      jpegs: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  if (values.engine) return engineOnly(values.engine);
  const count = Number(values.files);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`--files must be a positive integer, got ${values.files}`);

  const work = await mkdtemp(path.join(os.tmpdir(), 'mp-bench-import-'));
  const tree = values.tree ? path.resolve(values.tree) : path.join(work, 'tree');
  try {
    let built: { files: number; bytes: number; mix: Record<string, number> };
    if (values.tree) {
      built = { files: 0, bytes: 0, mix: {} };
      for await (const e of scanFolders([tree])) {
        built.files++;
        built.bytes += e.size;
        const ext = path.extname(e.path).slice(1).toLowerCase();
        built.mix[ext] = (built.mix[ext] ?? 0) + 1;
      }
      console.log(`Using the existing tree ${tree}`);
    } else {
      console.log(`Building a tree of ${count} ${values.jpegs ? 'small JPEGs' : 'media files'} in ${tree} ...`);
      built = values.jpegs ? { ...(await buildJpegLibrary(tree, count)), mix: { jpg: count } } : await buildBenchTree(tree, count);
    }
    console.log(`  ${built.files} files, ${(built.bytes / 1024 / 1024).toFixed(1)} MiB; ${os.availableParallelism()} CPUs, Node ${process.version}`);
    const mix = Object.entries(built.mix).sort((a, b) => b[1] - a[1]);
    console.log(`  mix: ${mix.map(([ext, n]) => `${n} ${ext}`).join(', ')}`);
    await warmCache(tree);

    const load = os.loadavg()[0]!;
    // Rounds in an order that turns from round to round, so a drift in the machine's speed hits
    // each contender alike; medians per contender, and the median of the per-round ratios.
    const runs: Array<{ exif: Timed | null; cli: Timed | null; engine: Timed }> = [];
    for (let r = 0; r < rounds; r++) {
      const row: Partial<(typeof runs)[number]> = {};
      const steps = ['exif', 'cli', 'engine'] as const;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[(i + r) % steps.length]!;
        if (step === 'exif') row.exif = await timeExiftool(tree, work);
        else if (step === 'cli') row.cli = await timeCli(tree, work, `bench-${r}.db`);
        else row.engine = await timeEngine(tree, work);
      }
      runs.push(row as (typeof runs)[number]);
      const e = row.exif;
      const c = row.cli;
      console.log(`  round ${r + 1}: exiftool ${e ? `${e.seconds.toFixed(2)} s` : 'n/a'}, import ${c ? `${c.seconds.toFixed(2)} s` : 'n/a'}, engine ${row.engine!.seconds.toFixed(2)} s${e && c ? `; ratio ${(e.seconds / c.seconds).toFixed(2)}x` : ''}`);
    }
    const medianOf = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    /** The run with the median wall time (its CPU, RSS and detail go with it). */
    const medianRun = (list: Array<Timed | null>): Timed | null => {
      const got = list.filter((t): t is Timed => t !== null).sort((a, b) => a.seconds - b.seconds);
      return got.length === 0 ? null : got[(got.length - 1) >> 1]!;
    };
    const exif = medianRun(runs.map((r) => r.exif));
    const cli = medianRun(runs.map((r) => r.cli));
    const engine = medianRun(runs.map((r) => r.engine))!;
    const ratioRuns = runs.filter((r) => r.exif && r.cli);

    const rate = (t: Timed | null): string => (t ? `${(built.files / t.seconds).toFixed(0)} files/s` : 'n/a');
    const line = (label: string, t: Timed | null): void => {
      const wall = t ? `${t.seconds.toFixed(2)} s`.padStart(9) : '      n/a';
      const cpu = t ? `${t.cpuSeconds.toFixed(2)} s`.padStart(9) : '      n/a';
      const other = t?.otherCpuSeconds != null ? `${t.otherCpuSeconds.toFixed(2)} s`.padStart(9) : '      n/a';
      const rss = t?.peakRssMb != null ? `${t.peakRssMb.toFixed(0)} MB`.padStart(9) : '      n/a';
      console.log(`${label.padEnd(34)} ${wall} ${cpu} ${other}  ${rate(t).padStart(13)} ${rss}  ${t?.detail ?? 'not available'}`);
    };
    console.log('');
    console.log(`${''.padEnd(34)} ${'wall'.padStart(9)} ${'cpu'.padStart(9)} ${'others'.padStart(9)}  ${'rate'.padStart(13)} ${'peak RSS'.padStart(9)}`);
    line('exiftool -r -json (baseline)', exif);
    line('mediaparser import (CLI, with DB)', cli);
    line('import engine only (worker code)', engine);
    console.log('');
    console.log(`(medians of ${rounds} rounds; peak RSS and detail of the median run)`);
    if (exif && cli) {
      const wallRatio = medianOf(ratioRuns.map((r) => r.exif!.seconds / r.cli!.seconds));
      const cpuRatio = medianOf(ratioRuns.map((r) => r.exif!.cpuSeconds / r.cli!.cpuSeconds));
      console.log(`Ratio exiftool / mediaparser import (CLI): ${wallRatio.toFixed(2)}x wall (target >= 3x), ${cpuRatio.toFixed(2)}x CPU`);
    }
    if (exif) {
      console.log(`Ratio exiftool / import engine:           ${(exif.seconds / engine.seconds).toFixed(2)}x wall, ${(exif.cpuSeconds / engine.cpuSeconds).toFixed(2)}x CPU`);
    }
    if (load > os.availableParallelism()) {
      console.log(`Note: load average ${load.toFixed(1)} on ${os.availableParallelism()} CPUs at the start: wall times are inflated by other work.`);
    }
    const disturbed = [exif, cli, engine].filter((t) => t?.otherCpuSeconds != null && t.otherCpuSeconds > 0.1 * t.seconds);
    if (disturbed.length > 0) {
      console.log('Note: other processes used the CPU during a timed run ("others" column): its wall time is inflated; run again on a quiet machine.');
    }
    if (cli) await timeBackgroundHashing(path.join(work, 'bench-0.db'), work);
    if (!exif) console.log('ExifTool is not installed (apt-get install libimage-exiftool-perl): no baseline ratio.');
    if (!cli) console.log('The CLI is not available yet: timed the import engine only.');
  } finally {
    if (values.keep) console.log(`Kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
