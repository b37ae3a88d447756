/// <reference lib="dom" />
/**
 * `npm run bench:ui [-- --files N] [-- --tree DIR] [-- --keep]`
 *
 * Browsing a large library in Chromium against `mediaparser serve` (issue 11): a synthetic
 * library of N (default 100,000) small real JPEGs with varied dates (make-library.ts) is
 * recorded in a fresh database through the app's own FilesRepo (each file's real sha256, size,
 * mtime and EXIF date; every 9th file left undated and every 5th unsure, so the filters have
 * work to do; `bench:import` times the import itself), then served, and Playwright measures:
 *   - first screen: a click on Library until the first cards are on screen (target < 300 ms)
 *   - filter switch: a click on a filter until the new count and cards show (target < 200 ms)
 *   - scroll: p95 of the frame times while wheeling through the grid (target < 20 ms)
 *   - the serve process's peak RSS while browsing (target < 400 MB)
 * It prints numbers only; it does not pass or fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { FilesRepo } from '../main/library/db/files-repo.js';
import { createJob, updateJob } from '../main/library/db/jobs-repo.js';
import { openDatabase } from '../main/library/db/open-db.js';
import { scanFolders } from '../main/engines/import/scan.js';
import type { ImportedFile } from '../main/protocol/workers.js';
import { buildJpegLibrary } from './make-library.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const DATE = /(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

/** Records every file of `tree` as an import would, in batches, through FilesRepo. */
async function seedLibrary(tree: string, dbPath: string): Promise<number> {
  const db = openDatabase(dbPath);
  try {
    const files = new FilesRepo(db.sqlite);
    const job = createJob(db.db, 'import', { sourceFolders: [tree] }, 'running');
    let batch: { kind: 'ok'; file: ImportedFile }[] = [];
    let n = 0;
    for await (const entry of scanFolders([tree])) {
      const bytes = await readFile(entry.path);
      const m = DATE.exec(bytes.toString('latin1', 0, Math.min(bytes.length, 64 * 1024)));
      const local = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000` : null;
      const undated = n % 9 === 4 || local === null;
      const unsure = !undated && n % 5 === 2;
      const detected = undated ? null : { local: local!, offset: null };
      batch.push({
        kind: 'ok',
        file: {
          path: entry.path,
          root: entry.root,
          name: path.basename(entry.path),
          size: bytes.length,
          mtimeMs: entry.mtimeMs,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          mediaType: 'image',
          mime: 'image/jpeg',
          width: null,
          height: null,
          candidates: detected
            ? [{ ...detected, source: unsure ? 'file-mtime' : 'exif-datetime-original', raw: m![0], plausible: true }]
            : [],
          detected,
          detectedSource: detected ? (unsure ? 'file-mtime' : 'exif-datetime-original') : null,
          confidence: undated ? 'none' : unsure ? 'low' : 'high',
          tags: [],
          warning: null,
        },
      });
      n++;
      if (batch.length >= 2000) {
        files.recordImported(job.id, batch);
        batch = [];
      }
    }
    if (batch.length) files.recordImported(job.id, batch);
    files.recomputeDuplicateGroups();
    updateJob(db.db, job.id, { status: 'completed', progressCurrent: n, progressTotal: n, completedAt: new Date().toISOString() });
    return n;
  } finally {
    db.close();
  }
}

function rssMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

async function startServe(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(repo, 'bin', 'mediaparser.mjs'), 'serve', '--port', '0', '--db', dbPath], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const look = (d: Buffer): void => {
      printed += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(printed);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${printed}`)));
  });
  return { child, url };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '100000' },
      tree: { type: 'string' },
      /** Reuse a database seeded by an earlier run (with --keep) from the same --tree. */
      db: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.files);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`--files must be a positive integer, got ${values.files}`);
  if (!existsSync(path.join(repo, 'dist', 'renderer', 'index.html'))) {
    console.log('Building the renderer (npm run build:renderer) ...');
    const built = spawnSync('npm', ['run', 'build:renderer'], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build:renderer failed');
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'mp-bench-ui-'));
  const tree = values.tree ? path.resolve(values.tree) : path.join(work, 'library');
  let serve: { child: ChildProcess; url: string } | null = null;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    // --tree names a library to reuse; one that is not there yet (or is empty) is built first.
    if (!values.tree || !existsSync(tree) || readdirSync(tree).length === 0) {
      console.log(`Building a library of ${count} small JPEGs in ${tree} ...`);
      await buildJpegLibrary(tree, count);
    }
    const dbPath = values.db ? path.resolve(values.db) : path.join(work, 'library.db');
    const t0 = performance.now();
    let seeded: number;
    if (values.db && existsSync(dbPath)) {
      const db = openDatabase(dbPath);
      seeded = db.sqlite.prepare('SELECT COUNT(*) FROM files').pluck().get() as number;
      db.close();
      console.log(`  ${seeded} files in ${dbPath}`);
    } else {
      seeded = await seedLibrary(tree, dbPath);
      console.log(`  ${seeded} files recorded in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${os.availableParallelism()} CPUs, Node ${process.version}`);
    }

    serve = await startServe(dbPath);
    const pid = serve.child.pid!;
    let peakRss = 0;
    const sampler = setInterval(() => {
      const m = rssMb(pid);
      if (m) peakRss = Math.max(peakRss, m.rss);
    }, 50);

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(serve.url);
    await page.getByTestId('nav-library').waitFor();
    const cards = page.locator('[data-testid="file-grid"] [data-testid^="file-card-"]');

    // First screen: click on Library until cards are on screen (measured in the page).
    const firstScreen: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) {
        await page.getByTestId('nav-import').click();
        await page.getByTestId('file-grid').waitFor({ state: 'detached' });
      }
      const started = await page.evaluate(() => performance.now());
      await page.getByTestId('nav-library').click();
      await cards.first().waitFor();
      firstScreen.push((await page.evaluate(() => performance.now())) - started);
    }

    // Filter switches: click until the count and the first card of the new list show.
    const filterTimes: number[] = [];
    const count0 = page.getByTestId('library-count');
    for (const filter of ['needs-review', 'undated', 'all', 'needs-review', 'undated', 'all']) {
      const before = await count0.textContent();
      const started = await page.evaluate(() => performance.now());
      await page.getByTestId(`filter-${filter}`).click();
      await page.waitForFunction((b) => {
        const text = document.querySelector('[data-testid="library-count"]')?.textContent ?? '';
        return text !== b && !/Loading/.test(text) && document.querySelector('[data-testid="file-grid"] [data-testid^="file-card-"]') !== null;
      }, before);
      filterTimes.push((await page.evaluate(() => performance.now())) - started);
    }

    // Scroll: frame times (requestAnimationFrame deltas) while wheeling down the grid.
    const grid = page.getByTestId('file-grid');
    const box = await grid.boundingBox();
    await page.mouse.move((box?.x ?? 0) + 200, (box?.y ?? 0) + 200);
    // A string: tsx's helpers (esbuild keepNames) do not exist in the page.
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__stop = false;
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (!window.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    for (let i = 0; i < 120; i++) {
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(16);
    }
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__stop = true;
      return w.__frames.slice(1);
    });
    clearInterval(sampler);
    const hwm = rssMb(pid)?.hwm ?? NaN;

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log('');
    console.log(`Library of ${seeded.toLocaleString('en-US')} files, serve mode, Chromium`);
    console.log(`  first screen of the library: median ${ms(percentile(firstScreen, 50))}, max ${ms(Math.max(...firstScreen))} (target < 300 ms)`);
    console.log(`  filter switch:               median ${ms(percentile(filterTimes, 50))}, max ${ms(Math.max(...filterTimes))} (target < 200 ms)`);
    console.log(`  scroll frame time:           p95 ${percentile(frames, 95).toFixed(1)} ms, median ${percentile(frames, 50).toFixed(1)} ms over ${frames.length} frames (target p95 < 20 ms)`);
    console.log(`  serve process RSS:           peak ${peakRss.toFixed(0)} MB while browsing (VmHWM ${hwm.toFixed(0)} MB since start) (target < 400 MB)`);
    const load = os.loadavg()[0]!;
    if (load > os.availableParallelism()) console.log(`Note: load average ${load.toFixed(1)} on ${os.availableParallelism()} CPUs: times are inflated by other work.`);
  } finally {
    await browser.close();
    serve?.child.kill('SIGTERM');
    if (values.keep) console.log(`Kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
