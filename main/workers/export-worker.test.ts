import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CaptureTime } from '../../shared/capture-time.js';
import { MANIFEST_NAME, readManifest } from '../engines/archive/manifest.js';
import { nodeFs, sha256File, type ExportFs } from '../engines/export/copy.js';
import type { CopyThreadData, FromCopyThread } from './copy-pool.js';
import { exportBatchingPost, runExport, type ExportDeps } from './export-worker.js';
import { FakeRunner } from '../../test-support/fake-runner.js';
import { exportFolders, hugeSource } from '../../test-support/export-items.js';
import {
  CONTROL_CANCEL,
  CONTROL_PAUSE,
  CONTROL_RUN,
  type ExportItem,
  type ExportRunnerMessage,
  type ExportWorkerData,
  type ExportWorkerMessage,
} from '../protocol/workers.js';

const dirs = exportFolders('mp-export-');

const ct = (local: string, offset: string | null = null): CaptureTime => ({ local, offset });
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

let nextId = 1;
async function source(name: string, content: string | Buffer, timestamp: CaptureTime | null, opts: { mode?: number; mtime?: Date } = {}): Promise<ExportItem> {
  const p = path.join(dirs.src, `${nextId}-${name}`);
  await fsp.writeFile(p, content);
  if (opts.mode !== undefined) await fsp.chmod(p, opts.mode);
  const mtime = opts.mtime ?? new Date('2019-05-14T10:30:00.123Z');
  await fsp.utimes(p, new Date('2020-01-01T00:00:00Z'), mtime);
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { fileId: nextId++, sourcePath: p, originalName: name, size: buf.length, sha256: sha(buf), timestamp, timestampSource: null, confidence: 'high', archived: null };
}


/** A 200 MB original (sparse) dated 2022-02-02. */
const hugeItem = (fileId: number, header = 'header'): Promise<ExportItem> => hugeSource(path.join(dirs.src, `huge-${fileId}.mov`), fileId, ct('2022-02-02T02:02:02.000'), header);

/** Pauses a running export once bytes flow; checks the pause came within 250 ms and the temp holds part of the file. */
async function pauseMidFile(runner: FakeRunner, temp: string, size: number): Promise<void> {
  await runner.waitFor('bytes');
  const t0 = performance.now();
  runner.signal(CONTROL_PAUSE);
  await runner.waitFor('paused');
  expect(performance.now() - t0).toBeLessThan(250);
  const partial = (await fsp.stat(temp)).size;
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(size);
}

async function exportAll(items: ExportItem[], deps: ExportDeps = {}, jobId = 7): Promise<FakeRunner> {
  const runner = new FakeRunner(items, 2);
  await runExport(runner.data(dirs.out, jobId), runner, { retryDelaysMs: [1, 1], ...deps });
  return runner;
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== MANIFEST_NAME)
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('runExport', () => {
  it('names files by local capture time in year folders, undated ones in unknown/, preserving mtime and mode', async () => {
    const items = [
      await source('IMG_1.JPG', 'new-year-ny', ct('2024-12-31T22:00:00.000', '-05:00'), { mode: 0o640 }),
      await source('clip.MOV', 'video', ct('2019-05-14T10:30:00.500', '+02:00')),
      await source('家族写真.jpg', 'undated', null),
      await source('CON', 'reserved', null),
    ];
    const runner = await exportAll(items);
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(await listTree(dirs.out)).toEqual(['2019/20190514_103000.mov', '2024/20241231_220000.jpg', 'unknown/_CON', 'unknown/家族写真.jpg']);
    const done = runner.doneById();
    const first = done.get(items[0]!.fileId)!;
    expect(first.outputPath).toBe(path.join(dirs.out, '2024', '20241231_220000.jpg'));
    expect(path.isAbsolute(first.outputPath)).toBe(true);
    expect(first.adopted).toBe(false);
    expect(first.bytes).toBe(items[0]!.size);
    // Stat before reading the output: reading it moves its access time.
    const [s, o] = await Promise.all([fsp.stat(items[0]!.sourcePath), fsp.stat(first.outputPath)]);
    // Times travel as double seconds through libuv: equal to well under a microsecond.
    expect(Math.abs(o.mtimeMs - s.mtimeMs)).toBeLessThan(0.001);
    expect(Math.abs(o.atimeMs - new Date('2020-01-01T00:00:00Z').getTime())).toBeLessThan(0.001);
    expect(o.mode & 0o777).toBe(0o640);
    // Reading the original did not move its access time either (it was older than a day: relatime would have).
    expect(s.atimeMs).toBe(new Date('2020-01-01T00:00:00Z').getTime());
    expect(await fsp.readFile(first.outputPath, 'utf8')).toBe('new-year-ny');
    expect(runner.of('file-started').map((m) => m.fileId)).toEqual(items.map((i) => i.fileId));
  });

  it('suffixes collisions in export order (also case-only ones) and never overwrites a different file', async () => {
    const t = ct('2024-12-31T22:00:00.000', '-05:00');
    await fsp.mkdir(path.join(dirs.out, '2024'));
    await fsp.writeFile(path.join(dirs.out, '2024', '20241231_220000.JPG'), 'someone else');
    const items = [
      await source('a.jpg', 'first', t),
      await source('b.jpg', 'second', t),
      await source('Photo.jpg', 'p1', null),
      await source('photo.JPG', 'p2', null),
    ];
    const runner = await exportAll(items);
    expect(await listTree(dirs.out)).toEqual([
      '2024/20241231_220000.JPG',
      '2024/20241231_220000_001.jpg',
      '2024/20241231_220000_002.jpg',
      'unknown/Photo.jpg',
      'unknown/photo_001.jpg',
    ]);
    expect(await fsp.readFile(path.join(dirs.out, '2024', '20241231_220000.JPG'), 'utf8')).toBe('someone else');
    const done = runner.doneById();
    expect(await fsp.readFile(done.get(items[0]!.fileId)!.outputPath, 'utf8')).toBe('first');
    expect(await fsp.readFile(done.get(items[1]!.fileId)!.outputPath, 'utf8')).toBe('second');
  });

  it('adopts byte-identical targets: a second export copies nothing and makes no _001', async () => {
    const t = ct('2021-03-04T12:30:45.000');
    const items = [await source('a.jpg', 'same bytes', t), await source('b.png', 'png', ct('2020-01-01T00:00:00.000')), await source('x.gif', 'gif', null)];
    const first = await exportAll(items);
    expect(first.done().every((m) => !m.adopted)).toBe(true);
    const before = await listTree(dirs.out);
    const mtimes = await Promise.all(before.map(async (f) => (await fsp.stat(path.join(dirs.out, f))).ctimeMs));

    const second = await exportAll(items, {}, 8);
    expect(second.of('file-done')).toHaveLength(3);
    expect(second.done().every((m) => m.adopted)).toBe(true);
    expect(await listTree(dirs.out)).toEqual(before);
    expect(await Promise.all(before.map(async (f) => (await fsp.stat(path.join(dirs.out, f))).ctimeMs))).toEqual(mtimes);
    expect(second.doneById().get(items[0]!.fileId)!.outputPath).toBe(first.doneById().get(items[0]!.fileId)!.outputPath);
  });

  it('adopts an identical file of the same run instead of writing a duplicate', async () => {
    const t = ct('2021-03-04T12:30:45.000');
    const items = [await source('a.jpg', 'dup', t), await source('b.jpg', 'dup', t), await source('c.jpg', 'other', t)];
    const runner = await exportAll(items);
    expect(await listTree(dirs.out)).toEqual(['2021/20210304_123045.jpg', '2021/20210304_123045_001.jpg']);
    const done = runner.doneById();
    expect(done.get(items[1]!.fileId)).toMatchObject({ adopted: true, outputPath: done.get(items[0]!.fileId)!.outputPath });
    expect(await fsp.readFile(done.get(items[2]!.fileId)!.outputPath, 'utf8')).toBe('other');
  });

  it('fails one file whose original vanished and goes on', async () => {
    const items = [await source('gone.jpg', 'x', ct('2020-01-01T00:00:00.000')), await source('ok.jpg', 'y', ct('2020-01-02T00:00:00.000'))];
    await fsp.unlink(items[0]!.sourcePath);
    const runner = await exportAll(items);
    const failed = runner.of('file-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ fileId: items[0]!.fileId, error: { code: 'not-found' } });
    expect(failed[0]!.error.message).toMatch(/no longer there/);
    expect(runner.doneById().has(items[1]!.fileId)).toBe(true);
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(await listTree(dirs.out)).toEqual(['2020/20200102_000000.jpg']);
  });

  it('refuses an original that changed since the import and leaves nothing behind (small and chunked paths)', async () => {
    const small = await source('small.jpg', 'original', ct('2020-01-01T00:00:00.000'));
    const big = await source('big.jpg', Buffer.alloc(64 * 1024, 1), ct('2020-01-02T00:00:00.000'));
    await fsp.writeFile(small.sourcePath, 'ORIGINAL'); // same size, different bytes
    await fsp.writeFile(big.sourcePath, Buffer.alloc(64 * 1024, 2));
    const runner = await exportAll([small, big], { chunkSize: 4096, wholeFileLimit: 1024 });
    expect(runner.of('file-failed').map((m) => m.error.code)).toEqual(['source-changed', 'source-changed']);
    expect(await listTree(dirs.out)).toEqual([]);
  });

  it('fails the job before copying when the output root is missing or unwritable', async () => {
    const item = await source('a.jpg', 'x', ct('2020-01-01T00:00:00.000'));
    const notADir = path.join(dirs.root, 'file.txt');
    await fsp.writeFile(notADir, 'x');
    for (const outputDir of [notADir, path.join(notADir, 'below'), path.join(dirs.root, 'missing'), '/proc']) {
      const runner = new FakeRunner([item], 2);
      await runExport(runner.data(outputDir, 7), runner);
      expect(runner.messages).toHaveLength(1);
      expect(runner.messages[0]).toMatchObject({ type: 'fatal', error: { code: 'output-unavailable' } });
    }
    expect(await listTree(dirs.out)).toEqual([]);
  });

  it('stops with disk-full on ENOSPC and removes the temp (first write and mid-file)', async () => {
    for (const failAt of [0, 3]) {
      const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      const tempFds = new Set<number>();
      let calls = 0;
      const fs: ExportFs = {
        ...nodeFs,
        openSync: (p, flags, mode) => {
          const fd = nodeFs.openSync(p, flags, mode);
          if (String(p).includes('.mediaparser-') && flags === 'wx') tempFds.add(fd);
          return fd;
        },
        writeSync: (fd, buffer, offset, length) => {
          if (tempFds.has(fd) && calls++ >= failAt) throw enospc();
          return nodeFs.writeSync(fd, buffer, offset, length);
        },
      };
      const items = [await source('a.jpg', Buffer.alloc(100, 3), ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'never started', ct('2020-01-02T00:00:00.000'))];
      const runner = await exportAll(items, { fs, chunkSize: 16, wholeFileLimit: failAt === 0 ? 1 << 20 : 0, concurrency: 1 });
      expect(runner.messages.at(-1)).toMatchObject({ type: 'fatal', error: { code: 'disk-full' } });
      expect(runner.messages.at(-1)).toMatchObject({ error: { message: expect.stringMatching(/no space left/) } });
      expect(runner.of('file-done')).toHaveLength(0);
      expect(runner.of('file-failed')).toHaveLength(0);
      expect(runner.of('file-started')).toHaveLength(1);
      expect(await listTree(dirs.out)).toEqual([]);
    }
  });

  it('retries transient errors twice, then fails the file as busy', async () => {
    let failures = 2;
    const flaky: ExportFs = {
      ...nodeFs,
      openSync: (p, flags, mode) => {
        if (flags === 'wx' && failures-- > 0) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
        return nodeFs.openSync(p, flags, mode);
      },
    };
    const item = await source('a.jpg', 'x', ct('2020-01-01T00:00:00.000'));
    const ok = await exportAll([item], { fs: flaky });
    expect(ok.of('file-done')).toHaveLength(1);

    failures = 3;
    await fsp.rm(dirs.out, { recursive: true });
    await fsp.mkdir(dirs.out);
    const bad = await exportAll([item], { fs: flaky });
    expect(bad.of('file-failed')[0]?.error.code).toBe('busy');
    expect(await listTree(dirs.out)).toEqual([]);
  });

  it('publishes by rename where hard links are not supported (each file written once, link tried once per folder), and re-plans when a name appears meanwhile', async () => {
    let intruded = false;
    const links: string[] = [];
    const renames: string[] = [];
    const tempWrites = new Map<string, number>();
    const tempFds = new Map<number, string>();
    const fs: ExportFs = {
      ...nodeFs,
      openSync: (p, flags, mode) => {
        const fd = nodeFs.openSync(p, flags, mode);
        if (flags === 'wx') tempFds.set(fd, String(p));
        return fd;
      },
      writeSync: (fd, buffer, offset, length) => {
        const t = tempFds.get(fd);
        if (t) tempWrites.set(t, (tempWrites.get(t) ?? 0) + length);
        return nodeFs.writeSync(fd, buffer, offset, length);
      },
      linkSync: (a, b) => {
        links.push(String(b));
        throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
      },
      renameSync: (a, b) => {
        renames.push(b);
        nodeFs.renameSync(a, b);
      },
      lstatSync: (p) => {
        if (!intruded && p.endsWith('20200101_000000.jpg')) {
          // Another program grabs the name between our plan and our publish.
          intruded = true;
          writeFileSync(p, 'intruder');
        }
        return nodeFs.lstatSync(p);
      },
    };
    const items = [await source('a.jpg', 'mine', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'also mine', ct('2020-01-02T00:00:00.000'))];
    const runner = await exportAll(items, { fs, concurrency: 1 });
    const done = runner.doneById();
    const a = done.get(items[0]!.fileId)!;
    expect(a.outputPath).toBe(path.join(dirs.out, '2020', '20200101_000000_001.jpg'));
    expect(await fsp.readFile(a.outputPath, 'utf8')).toBe('mine');
    expect(await fsp.readFile(path.join(dirs.out, '2020', '20200101_000000.jpg'), 'utf8')).toBe('intruder');
    expect(await fsp.readFile(done.get(items[1]!.fileId)!.outputPath, 'utf8')).toBe('also mine');
    expect(Math.abs((await fsp.stat(a.outputPath)).mtimeMs - (await fsp.stat(items[0]!.sourcePath)).mtimeMs)).toBeLessThan(0.001);
    expect(await listTree(dirs.out)).toHaveLength(3);
    // One link attempt for the folder; every later file went straight to the rename.
    expect(links).toEqual([path.join(dirs.out, '2020', '20200101_000000.jpg')]);
    expect(renames.map((r) => path.basename(r))).toEqual(['20200101_000000_001.jpg', '20200102_000000.jpg']);
    // Each copy's bytes were written once (the first temp was written, then re-planned: 2 temps for a).
    expect([...tempWrites.values()].reduce((x, y) => x + y, 0)).toBe(2 * 'mine'.length + 'also mine'.length);
  });

  it('fails a file beyond _999 with collision-limit', async () => {
    await fsp.mkdir(path.join(dirs.out, '2020'));
    await fsp.writeFile(path.join(dirs.out, '2020', '20200101_000000.jpg'), 'base');
    await Promise.all(
      Array.from({ length: 999 }, (_, i) => fsp.writeFile(path.join(dirs.out, '2020', `20200101_000000_${String(i + 1).padStart(3, '0')}.jpg`), `n${i}`)),
    );
    const item = await source('a.jpg', 'new content', ct('2020-01-01T00:00:00.000'));
    const runner = await exportAll([item]);
    expect(runner.of('file-failed')[0]?.error.code).toBe('collision-limit');
    expect(runner.of('file-failed')[0]?.error.message).toMatch(/more than 999/);
  });

  it('removes stray temps from an earlier crash but not the user’s files', async () => {
    await fsp.mkdir(path.join(dirs.out, '2020'));
    await fsp.writeFile(path.join(dirs.out, '2020', '.mediaparser-3-9.tmp'), 'crash leftover of an older version');
    await fsp.writeFile(path.join(dirs.out, '.mediaparser-3-0123abcd-1.tmp'), 'crash leftover');
    await fsp.writeFile(path.join(dirs.out, '2020', 'notes.tmp'), 'user');
    await fsp.writeFile(path.join(dirs.out, '.hidden'), 'user');
    await exportAll([]);
    expect(await listTree(dirs.out)).toEqual(['.hidden', '2020/notes.tmp']);
  });

  describe('a 200 MB file', () => {
    let big: ExportItem;
    beforeEach(async () => {
      big = await hugeItem(99);
    });

    it('acknowledges a pause mid-file within 250 ms, keeps the partial temp, and cancel removes it', async () => {
      const runner = new FakeRunner([big], 2);
      const running = runExport(runner.data(dirs.out), runner, { chunkSize: 256 * 1024, runNonce: 'feed' });
      await pauseMidFile(runner, path.join(dirs.out, '2022', '.mediaparser-7-feed-99.tmp'), big.size);

      runner.signal(CONTROL_CANCEL);
      await running;
      expect(runner.messages.at(-1)).toEqual({ type: 'cancelled' });
      expect(runner.of('file-done')).toHaveLength(0);
      expect(runner.of('file-failed')).toHaveLength(0);
      expect(await listTree(dirs.out)).toEqual([]);
    });

    it('never takes another run’s temp for its own: a cancel removes only this run’s temps', async () => {
      const runner = new FakeRunner([big], 2);
      const running = runExport(runner.data(dirs.out), runner, { chunkSize: 256 * 1024, runNonce: 'feed' });
      await runner.waitFor('bytes');
      // Another writer's temp for the same job and file appears while this run copies it.
      const foreign = path.join(dirs.out, '2022', '.mediaparser-7-beef-99.tmp');
      await fsp.writeFile(foreign, 'another run');
      runner.signal(CONTROL_CANCEL);
      await running;
      expect(runner.messages.at(-1)).toEqual({ type: 'cancelled' });
      expect(await listTree(dirs.out)).toEqual(['2022/.mediaparser-7-beef-99.tmp']);
      expect(await fsp.readFile(foreign, 'utf8')).toBe('another run');
    });

    it('resumes after a pause and finishes the file intact', async () => {
      const runner = new FakeRunner([big], 2);
      const running = runExport(runner.data(dirs.out), runner, { chunkSize: 256 * 1024 });
      await runner.waitFor('bytes');
      runner.signal(CONTROL_PAUSE);
      await runner.waitFor('paused');
      // (The runner itself releases a paused worker with a cancel; a word set back to RUN
      // lets the worker go on where it stood.)
      runner.signal(CONTROL_RUN);
      await running;
      expect(runner.messages.at(-1)).toEqual({ type: 'done' });
      const done = runner.done()[0]!;
      expect(await sha256File(done.outputPath)).toBe(big.sha256);
      expect(await listTree(dirs.out)).toEqual(['2022/20220202_020202.mov']);
    });
  });

  it('runs as a real worker thread', async () => {
    const items = [await source('a.jpg', 'x', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'y', null)];
    const control = new SharedArrayBuffer(4);
    const workerData: ExportWorkerData = { kind: 'export', control, jobId: 3, outputDir: dirs.out };
    // `--import tsx` alone does not install tsx's loader inside worker threads on Node 20: register it explicitly.
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const execArgv = ['--import', `data:text/javascript,import { register } from ${JSON.stringify(tsxApi)}; register();`];
    const worker = new Worker(new URL('./export-worker.ts', import.meta.url), { workerData, execArgv });
    const messages: ExportWorkerMessage[] = [];
    let sent = false;
    const exited = new Promise<number>((resolve, reject) => {
      worker.on('message', (m: ExportWorkerMessage) => {
        messages.push(m);
        if (m.type === 'need-files') {
          const msg: ExportRunnerMessage = { type: 'files', items: sent ? [] : items, last: true };
          sent = true;
          worker.postMessage(msg);
        }
      });
      worker.on('error', reject);
      worker.on('exit', resolve);
    });
    expect(await exited).toBe(0);
    expect(messages.at(-1)).toEqual({ type: 'done' });
    expect(await listTree(dirs.out)).toEqual(['2020/20200101_000000.jpg', 'unknown/b.jpg']);
  });
});

/** Starts copy threads from the TypeScript source (tsx's loader registered in the thread). */
function sourceSpawner(started: Worker[]): (d: CopyThreadData) => Worker {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const execArgv = ['--import', `data:text/javascript,import { register } from ${JSON.stringify(tsxApi)}; register();`];
  return (d) => {
    const w = new Worker(new URL('./export-worker.ts', import.meta.url), { workerData: d, execArgv });
    started.push(w);
    return w;
  };
}

/** Counts the copies each thread reported back. */
function outcomesOf(workers: Worker[]): number[] {
  const counts = workers.map(() => 0);
  workers.forEach((w, i) => w.on('message', (m: FromCopyThread) => {
    if (m.type === 'outcomes') counts[i]! += m.list.length;
  }));
  return counts;
}

describe('runExport with copy threads', () => {
  it('copies, verifies and names every file on two threads, in export order', async () => {
    const items: ExportItem[] = [];
    for (let i = 0; i < 24; i++) {
      items.push(await source(`IMG_${i}.jpg`, `photo ${i}`.repeat(100 + i), ct(`2021-06-0${1 + (i % 3)}T10:00:00.000`)));
    }
    items.push(await source('big.mov', Buffer.alloc(3 * 1024 * 1024 + 7, 5), ct('2021-06-01T10:00:00.000')));
    items.push(await source('changed.jpg', 'original', ct('2021-06-04T10:00:00.000')));
    await fsp.writeFile(items.at(-1)!.sourcePath, 'ORIGINAL');
    const workers: Worker[] = [];
    const spawn = sourceSpawner(workers);
    let counts: number[] = [];
    const runner = new FakeRunner(items, 5);
    await runExport(runner.data(dirs.out), runner, {
      copyThreads: {
        count: 2,
        waitForThreads: true,
        spawn: (d) => {
          const w = spawn(d);
          counts = outcomesOf(workers);
          return w;
        },
      },
      chunkSize: 256 * 1024,
      wholeFileLimit: 1024 * 1024,
    });
    expect(workers).toHaveLength(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(26);
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(runner.of('file-failed').map((m) => [m.fileId, m.error.code])).toEqual([[items.at(-1)!.fileId, 'source-changed']]);
    const done = runner.doneById();
    expect(done.size).toBe(25);
    for (const item of items.slice(0, 25)) expect(await sha256File(done.get(item.fileId)!.outputPath)).toBe(item.sha256);
    // Same day and second: suffixes follow the export order, not the order the threads finished in.
    const day1 = items.filter((_, i) => i < 24 && i % 3 === 0).map((it) => path.basename(done.get(it.fileId)!.outputPath));
    expect(day1[0]).toBe('20210601_100000.jpg');
    expect(day1.slice(1)).toEqual(day1.slice(1).map((_, k) => `20210601_100000_${String(k + 1).padStart(3, '0')}.jpg`));
    expect((await listTree(dirs.out)).filter((f) => f.includes('.mediaparser-'))).toEqual([]);
    const [s, o] = await Promise.all([fsp.stat(items[0]!.sourcePath), fsp.stat(done.get(items[0]!.fileId)!.outputPath)]);
    expect(Math.abs(o.mtimeMs - s.mtimeMs)).toBeLessThan(0.001);
  });

  it('pauses a copy thread mid-file within 250 ms, resumes it, and a cancel removes its temp', async () => {
    const huge = await hugeItem(1);
    const { size, sha256: sum } = huge;

    // Pause then resume: the file finishes intact.
    const first = new FakeRunner([huge], 2);
    const workers: Worker[] = [];
    const running = runExport(first.data(dirs.out), first, { copyThreads: { count: 1, waitForThreads: true, spawn: sourceSpawner(workers) }, chunkSize: 256 * 1024, runNonce: 'feed' });
    await pauseMidFile(first, path.join(dirs.out, '2022', '.mediaparser-7-feed-1.tmp'), size);
    first.signal(CONTROL_RUN);
    await running;
    expect(first.messages.at(-1)).toEqual({ type: 'done' });
    expect(await sha256File(first.done()[0]!.outputPath)).toBe(sum);

    // Pause then cancel: nothing of the second copy stays.
    // Other bytes: the archive's manifest would otherwise let it adopt the first copy.
    const second = new FakeRunner([{ ...(await hugeItem(2, 'other')), timestamp: ct('2023-03-03T03:03:03.000') }]);
    const again = runExport(second.data(dirs.out), second, { copyThreads: { count: 1, waitForThreads: true, spawn: sourceSpawner([]) }, chunkSize: 256 * 1024 });
    await second.waitFor('bytes');
    second.signal(CONTROL_PAUSE);
    await second.waitFor('paused');
    second.signal(CONTROL_CANCEL);
    await again;
    expect(second.messages.at(-1)).toEqual({ type: 'cancelled' });
    expect(await listTree(dirs.out)).toEqual(['2022/20220202_020202.mov']);
  });

  it('redoes the copies of a thread that dies on the worker thread, losing nothing', async () => {
    const items = [await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'bbb', ct('2020-01-02T00:00:00.000'))];
    const runner = new FakeRunner(items, 2);
    // A "copy thread" that takes work and then dies without answering.
    const dying = (): Worker =>
      new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(3));", { eval: true });
    await runExport(runner.data(dirs.out), runner, { copyThreads: { count: 1, waitForThreads: true, spawn: dying } });
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(await listTree(dirs.out)).toEqual(['2020/20200101_000000.jpg', '2020/20200102_000000.jpg']);
  });
});

/** The library's record of a copy, as the runner pages it in for a later export. */
function recorded(item: ExportItem, done: ReturnType<FakeRunner['done']>[number]): ExportItem {
  return { ...item, archived: { relPath: done.relPath, sha256: done.sha256, size: done.size, mtimeMs: done.mtimeMs } };
}

describe('runExport in an archive that already holds copies', () => {
  it('leaves recorded copies alone: present, nothing written, nothing hashed', async () => {
    const items = [await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'bbb', null)];
    const first = await exportAll(items);
    const again = items.map((it) => recorded(it, first.doneById().get(it.fileId)!));
    const ctimes = await Promise.all((await listTree(dirs.out)).map(async (f) => (await fsp.stat(path.join(dirs.out, f))).ctimeMs));
    const second = await exportAll(again, {}, 8);
    expect(second.done().map((m) => m.outcome)).toEqual(['present', 'present']);
    expect(second.done().map((m) => m.bytes)).toEqual([0, 0]);
    expect(await Promise.all((await listTree(dirs.out)).map(async (f) => (await fsp.stat(path.join(dirs.out, f))).ctimeMs))).toEqual(ctimes);
  });

  it('copies again what was deleted from the archive, and sets a changed copy aside before replacing it', async () => {
    const items = [await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'bbb', ct('2020-01-02T00:00:00.000'))];
    const first = await exportAll(items);
    const again = items.map((it) => recorded(it, first.doneById().get(it.fileId)!));
    await fsp.unlink(path.join(dirs.out, '2020', '20200101_000000.jpg'));
    await fsp.writeFile(path.join(dirs.out, '2020', '20200102_000000.jpg'), 'edited by another program');
    const second = await exportAll(again, {}, 8);
    const done = second.doneById();
    expect(done.get(items[0]!.fileId)).toMatchObject({ outcome: 'copied', relPath: '2020/20200101_000000.jpg' });
    expect(done.get(items[1]!.fileId)).toMatchObject({ outcome: 'copied', relPath: '2020/20200102_000000.jpg' });
    const aside = done.get(items[1]!.fileId)!.movedAside!;
    expect(aside).toMatch(/^2020\/20200102_000000_changed_\d{8}T\d{6}\.jpg$/);
    expect(await fsp.readFile(path.join(dirs.out, aside), 'utf8')).toBe('edited by another program');
    expect(await fsp.readFile(path.join(dirs.out, '2020', '20200102_000000.jpg'), 'utf8')).toBe('bbb');
    expect(await fsp.readFile(path.join(dirs.out, '2020', '20200101_000000.jpg'), 'utf8')).toBe('aaa');
    const manifest = readManifest(dirs.out);
    expect(manifest.asides.get(aside)).toMatchObject({ op: 'aside', from: '2020/20200102_000000.jpg', sha256: sha('edited by another program') });
    expect(manifest.copies.get('2020/20200102_000000.jpg')).toMatchObject({ sha256: sha('bbb'), source: items[1]!.sourcePath });
  });

  it('renames a copy whose date changed (no second copy) and records the move in the manifest', async () => {
    const item = await source('a.jpg', 'aaa', ct('2003-12-04T06:46:52.000'));
    const first = await exportAll([item]);
    const redated = { ...recorded(item, first.done()[0]!), timestamp: ct('2011-11-11T11:11:11.000'), timestampSource: 'user' as const };
    const second = await exportAll([redated], {}, 8);
    expect(second.done()[0]).toMatchObject({ outcome: 'renamed', relPath: '2011/20111111_111111.jpg', from: '2003/20031204_064652.jpg', bytes: 0 });
    expect(await listTree(dirs.out)).toEqual(['2011/20111111_111111.jpg']);
    const manifest = readManifest(dirs.out);
    expect([...manifest.copies.keys()]).toEqual(['2011/20111111_111111.jpg']);
    expect(manifest.copies.get('2011/20111111_111111.jpg')).toMatchObject({ op: 'move', captured: '2011-11-11T11:11:11', captureSource: 'user' });
  });

  it('adopts copies a manifest lists (an archive whose library was lost) without copying', async () => {
    const items = [await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000')), await source('b.jpg', 'bbb', null)];
    await exportAll(items);
    // A new library: same originals, no records, and a date that differs from the archive's name.
    const fresh = [{ ...items[0]!, fileId: 100, timestamp: ct('2021-06-06T06:06:06.000') }, { ...items[1]!, fileId: 101 }];
    const second = await exportAll(fresh, {}, 9);
    expect(second.done().map((m) => [m.outcome, m.relPath])).toEqual([
      ['adopted', '2020/20200101_000000.jpg'],
      ['adopted', 'unknown/b.jpg'],
    ]);
    expect(await listTree(dirs.out)).toEqual(['2020/20200101_000000.jpg', 'unknown/b.jpg']);
  });

  it('reports a copy only once its folder is synced and the manifest lists it', async () => {
    const item = await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000'));
    const runner = new FakeRunner([item], 2);
    let listedWhenReported: boolean | null = null;
    const post = runner.post.bind(runner);
    runner.post = (m) => {
      if (m.type === 'file-done') listedWhenReported = readManifest(dirs.out).copies.has(m.relPath);
      post(m);
    };
    await runExport(runner.data(dirs.out), runner);
    expect(listedWhenReported).toBe(true);
    const record = readManifest(dirs.out).copies.get('2020/20200101_000000.jpg')!;
    expect(record).toMatchObject({ op: 'add', sha256: item.sha256, size: 3, source: item.sourcePath, captured: '2020-01-01T00:00:00', job: 7 });
  });
});

describe('runExport for benchmarks (unsafeNoFsync)', () => {
  it('skips every fsync (copies, folders, manifest) only when asked, and the copies are the same', async () => {
    const item = await source('a.jpg', 'aaa', ct('2020-01-01T00:00:00.000'));
    let fsyncs = 0;
    const counting: ExportFs = {
      ...nodeFs,
      fsyncSync: (fd) => {
        fsyncs++;
        nodeFs.fsyncSync(fd);
      },
      fsync: async (fd) => {
        fsyncs++;
        await nodeFs.fsync(fd);
      },
    };
    const durable = await exportAll([item], { fs: counting });
    // The temp, its folder and the archive root that gained that folder (with the batch), the
    // manifest and the root again, which gained the manifest.
    expect(fsyncs).toBe(5);
    expect(durable.done().map((m) => [m.outcome, m.relPath])).toEqual([['copied', '2020/20200101_000000.jpg']]);

    fsyncs = 0;
    const second = path.join(dirs.root, 'unsynced');
    await fsp.mkdir(second);
    const runner = new FakeRunner([item]);
    await runExport(runner.data(second, 7), runner, { fs: counting, unsafeNoFsync: true });
    expect(fsyncs).toBe(0);
    expect(runner.done().map((m) => [m.outcome, m.relPath])).toEqual([['copied', '2020/20200101_000000.jpg']]);
    expect(await listTree(second)).toEqual(await listTree(dirs.out));
    expect(readManifest(second).copies.get('2020/20200101_000000.jpg')).toMatchObject({ sha256: item.sha256, size: 3 });
  });
});

describe('exportBatchingPost', () => {
  it('sends per-file messages together, in order, and everything else only after them', () => {
    const sent: ExportWorkerMessage[] = [];
    const post = exportBatchingPost((m) => sent.push(m), 60_000, 3);
    post({ type: 'file-started', fileId: 1, name: 'a', size: 1 });
    post({ type: 'file-done', fileId: 1, outcome: 'copied', relPath: 'a', sha256: 'x', size: 1, mtimeMs: 1, bytes: 1 });
    expect(sent).toEqual([]);
    post({ type: 'need-files' });
    expect(sent.map((m) => m.type)).toEqual(['batch', 'need-files']);
    expect(sent[0]).toEqual({
      type: 'batch',
      messages: [
        { type: 'file-started', fileId: 1, name: 'a', size: 1 },
        { type: 'file-done', fileId: 1, outcome: 'copied', relPath: 'a', sha256: 'x', size: 1, mtimeMs: 1, bytes: 1 },
      ],
    });
    for (let i = 2; i <= 4; i++) post({ type: 'file-started', fileId: i, name: 'x', size: 1 });
    expect(sent).toHaveLength(3); // the third filled the batch
    post({ type: 'file-failed', fileId: 9, error: { code: 'io', message: 'x' } });
    post({ type: 'done' });
    expect(sent.slice(3)).toEqual([{ type: 'file-failed', fileId: 9, error: { code: 'io', message: 'x' } }, { type: 'done' }]);
  });
});
