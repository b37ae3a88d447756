/**
 * Faults with the copy threads running, as they do on every machine with two cores or more: a
 * copy thread that dies mid-copy, a source that vanishes or turns into a FIFO mid-export, EBUSY
 * inside a copy thread (injected by a preload that patches node:fs, so the production copy-thread
 * code runs unchanged), and a real disk that fills up (tmpfs; needs root: skips elsewhere, saying
 * why, and fails under CI).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CaptureTime } from '../../shared/capture-time.js';
import { sha256File } from '../engines/export/copy.js';
import { listTree } from '../../test-support/corpus.js';
import { mountOrSkip, mountTmpfs } from '../../test-support/mounts.js';
import { runExport, type ExportDeps } from './export-worker.js';
import type { ExportItem } from '../protocol/workers.js';
import { sourceCopyThreads, type FsFault } from '../../test-support/copy-threads.js';
import { FakeRunner } from '../../test-support/fake-runner.js';
import { exportFolders, hugeSource } from '../../test-support/export-items.js';

const dirs = exportFolders('mp-faults-');

const ct = (local: string): CaptureTime => ({ local, offset: null });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let nextId = 1;
async function source(name: string, content: Buffer, local: string): Promise<ExportItem> {
  const p = path.join(dirs.src, name);
  await fsp.writeFile(p, content);
  return { fileId: nextId++, sourcePath: p, originalName: name, size: content.length, sha256: sha(content), timestamp: ct(local), timestampSource: null, confidence: 'high', archived: null };
}

const threads = (count: number, opts: Parameters<typeof sourceCopyThreads>[0] = {}): ExportDeps => ({
  copyThreads: { count, waitForThreads: true, spawn: sourceCopyThreads(opts) },
  retryDelaysMs: [1, 1],
  chunkSize: 256 * 1024,
});

const temps = (tree: string[]): string[] => tree.filter((p) => p.split('/').pop()!.startsWith('.mediaparser-'));

/** Every file in `dir` is a reported copy with its source's bytes; returns the tree. */
async function onlyVerifiedCopies(runner: FakeRunner, items: ExportItem[], dir: string): Promise<string[]> {
  const tree = await listTree(dir);
  expect(temps(tree)).toEqual([]);
  const done = runner.doneById();
  const outputs = [...done.values()].map((m) => path.relative(dir, m.outputPath).split(path.sep).join('/'));
  expect(tree).toEqual([...new Set(outputs)].sort());
  for (const item of items) {
    const d = done.get(item.fileId);
    if (d) expect(await sha256File(d.outputPath), item.originalName).toBe(item.sha256);
  }
  return tree;
}

describe('export faults with the copy threads running', () => {
  it('a copy thread killed mid-copy: the job does not hang and the file is copied again, intact', async () => {
    const huge = await hugeSource(path.join(dirs.src, 'huge.mov'), nextId++, ct('2022-02-02T02:02:02.000'));
    const small = await source('small.jpg', randomBytes(5000), '2022-03-03T03:03:03.000');
    const started: Worker[] = [];
    const runner = new FakeRunner([huge, small]);
    const running = runExport(runner.data(dirs.out), runner, threads(1, { started }));
    await runner.waitFor('bytes', (m) => m.fileId === huge.fileId);
    expect(started).toHaveLength(1);
    // The thread dies with the temp half written.
    expect(temps(await listTree(dirs.out))).toHaveLength(1);
    await started[0]!.terminate();
    await running;
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(runner.of('file-failed')).toEqual([]);
    expect([...runner.doneById().keys()].sort()).toEqual([huge.fileId, small.fileId].sort());
    expect(await onlyVerifiedCopies(runner, [huge, small], dirs.out)).toEqual(['2022/20220202_020202.mov', '2022/20220303_030303.jpg']);
  }, 60_000);

  it.skipIf(process.platform === 'win32')('a source that vanishes or becomes a FIFO mid-export fails that file within a second; the others are exported', async () => {
    const huge = await hugeSource(path.join(dirs.src, 'huge.mov'), nextId++, ct('2020-01-01T00:00:00.000'));
    const a = await source('a.jpg', randomBytes(3000), '2021-01-01T00:00:00.000');
    const fifo = await source('fifo.jpg', randomBytes(3000), '2021-01-02T00:00:00.000');
    const gone = await source('gone.jpg', randomBytes(3000), '2021-01-03T00:00:00.000');
    const b = await source('b.jpg', randomBytes(3000), '2021-01-04T00:00:00.000');
    const items = [huge, a, fifo, gone, b];
    const runner = new FakeRunner(items, 10);
    // One thread: the small files wait in its queue behind the large one, which is being copied.
    const running = runExport(runner.data(dirs.out), runner, threads(1));
    await runner.waitFor('bytes', (m) => m.fileId === huge.fileId);
    await fsp.rm(fifo.sourcePath);
    execFileSync('mkfifo', [fifo.sourcePath]);
    await fsp.rm(gone.sourcePath);
    await running;
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    const failed = new Map(runner.of('file-failed').map((m) => [m.fileId, m.error]));
    expect(failed.get(fifo.fileId)).toMatchObject({ code: 'source-changed' });
    expect(failed.get(fifo.fileId)?.detail).toMatch(/FIFO/);
    expect(failed.get(gone.fileId)).toMatchObject({ code: 'not-found' });
    expect(failed.size).toBe(2);
    // Reached at once: the FIFO is not waited on (an open would block for good), the next files
    // follow straight after. The bound leaves room for a loaded machine's scheduling.
    const hugeDone = runner.timeOf('file-done', (m) => m.fileId === huge.fileId);
    expect(runner.timeOf('file-failed', (m) => m.fileId === fifo.fileId) - hugeDone).toBeLessThan(3000);
    expect([...runner.doneById().keys()].sort()).toEqual([huge.fileId, a.fileId, b.fileId].sort());
    await onlyVerifiedCopies(runner, items, dirs.out);
  }, 60_000);

  it('EBUSY inside a copy thread is retried twice; a third one fails that file as busy, the others go on', async () => {
    const retried = await source('retried.jpg', randomBytes(4000), '2021-05-01T00:00:00.000');
    const busy = await source('busy.jpg', randomBytes(4000), '2021-05-02T00:00:00.000');
    const fine = await source('fine.jpg', randomBytes(4000), '2021-05-03T00:00:00.000');
    const faults: FsFault[] = [
      { call: 'openSync', pathIncludes: `-${retried.fileId}.tmp`, errno: 'EBUSY', times: 2 },
      { call: 'openSync', pathIncludes: `-${busy.fileId}.tmp`, errno: 'EBUSY', times: 3 },
    ];
    const started: Worker[] = [];
    const runner = new FakeRunner([retried, busy, fine]);
    await runExport(runner.data(dirs.out), runner, threads(1, { started, faults }));
    expect(started).toHaveLength(1);
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });
    expect(runner.of('file-failed').map((m) => [m.fileId, m.error.code])).toEqual([[busy.fileId, 'busy']]);
    expect(runner.of('file-failed')[0]!.error.detail).toMatch(/injected by a test/);
    expect([...runner.doneById().keys()].sort()).toEqual([retried.fileId, fine.fileId].sort());
    await onlyVerifiedCopies(runner, [retried, busy, fine], dirs.out);
  }, 60_000);

  it('a real disk that fills up stops the export with disk-full, leaves nothing partial, and the resumed export completes once space is freed', async ({ skip }) => {
    const mounted = mountOrSkip(await mountTmpfs(path.join(dirs.root, 'small-disk'), '6m'));
    if (typeof mounted === 'string') return skip(mounted);
    try {
      const archive = path.join(mounted.dir, 'archive');
      await fsp.mkdir(archive);
      // The user's other files take half the drive.
      const filler = path.join(mounted.dir, 'other-stuff.bin');
      await fsp.writeFile(filler, randomBytes(3 * 1024 * 1024));
      const items: ExportItem[] = [];
      for (let i = 0; i < 8; i++) items.push(await source(`p${i}.jpg`, randomBytes(512 * 1024), `2023-04-0${1 + (i % 3)}T10:00:0${i}.000`));

      const first = new FakeRunner(items);
      await runExport(first.data(archive), first, threads(2));
      expect(first.messages.at(-1)).toMatchObject({ type: 'fatal', error: { code: 'disk-full' } });
      expect(first.of('file-failed')).toEqual([]);
      expect(first.of('file-done').length).toBeLessThan(items.length);
      // Nothing partial: every file there is a whole copy (some may be unreported: the manifest
      // could not be written on the full disk, so they were not recorded, and the resume adopts them).
      const shas = new Set(items.map((i) => i.sha256));
      const firstTree = await listTree(archive);
      expect(temps(firstTree)).toEqual([]);
      for (const f of firstTree) expect(shas.has(await sha256File(path.join(archive, f))), f).toBe(true);

      // Space freed: the export goes on with the files not yet done (as the runner pages them).
      await fsp.rm(filler);
      const left = items.filter((i) => !first.doneById().has(i.fileId));
      const second = new FakeRunner(left);
      first.data(archive);
      await runExport(second.data(archive, 8), second, threads(2));
      expect(second.messages.at(-1)).toEqual({ type: 'done' });
      expect(second.of('file-failed')).toEqual([]);
      const both = new FakeRunner([]);
      both.data(archive);
      for (const m of [...first.of('file-done'), ...second.of('file-done')]) both.post(m);
      const tree = await onlyVerifiedCopies(both, items, archive);
      expect(tree).toHaveLength(items.length);
    } finally {
      await mounted.unmount();
    }
  }, 60_000);
});
