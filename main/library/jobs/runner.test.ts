/**
 * The runner's state machine with scripted fake workers (the real workers are covered by the
 * pipeline and crash-recovery tests): crash retries, halting, disk-full, FIFO order, restart;
 * then the pause-then-cancel race with the real workers.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../app-core.js';
import { createJob } from '../db/jobs-repo.js';
import { openDatabase } from '../db/open-db.js';
import { copyCorpus, corpusAvailable, listTree, makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { createWorkerFactory } from '../worker-factory.js';
import type { BatchedExportMessage, ExportWorkerData, ExportWorkerMessage, ImportWorkerData, ImportWorkerMessage, ImportedFile } from '../../protocol/workers.js';
import { CONTROL_CANCEL, CONTROL_PAUSE } from '../../protocol/workers.js';

type Script = (w: FakeWorker) => void;

class FakeWorker extends EventEmitter {
  received: unknown[] = [];
  control: Int32Array;
  constructor(public readonly data: ImportWorkerData | ExportWorkerData) {
    super();
    this.control = new Int32Array(data.control);
  }
  postMessage(m: unknown): void {
    this.received.push(m);
    this.emit('posted', m);
  }
  send(m: ImportWorkerMessage | ExportWorkerMessage): void {
    queueMicrotask(() => this.emit('message', m));
  }
  exit(code = 0): void {
    queueMicrotask(() => this.emit('exit', code));
  }
  terminate(): Promise<number> {
    this.exit(1);
    return Promise.resolve(1);
  }
}

function importedFile(root: string, i: number): ImportedFile {
  return {
    path: join(root, `IMG_${i}.jpg`),
    root,
    name: `IMG_${i}.jpg`,
    size: 1000 + i,
    mtimeMs: 0,
    sha256: i.toString(16).padStart(64, '0'),
    mediaType: 'image',
    mime: 'image/jpeg',
    width: 10,
    height: 10,
    candidates: [],
    detected: { local: `2020-01-01T00:00:${String(i % 60).padStart(2, '0')}.000`, offset: null },
    detectedSource: 'exif-datetime-original',
    confidence: 'medium',
    tags: [],
    warning: null,
  };
}

/** An import worker that reports `n` files and finishes. */
const importScript =
  (n: number): Script =>
  (w) => {
    const data = w.data as ImportWorkerData;
    const root = data.roots[0]!;
    w.send({ type: 'scanned', total: n, totalBytes: 0 });
    // In one batch, as the real worker sends them.
    w.send({ type: 'batch', messages: Array.from({ length: n }, (_, i) => ({ type: 'file' as const, file: importedFile(root, i + 1) })) });
    w.send({ type: 'done' });
    w.exit(0);
  };

/** A worker that does nothing but answer pause/cancel like the real ones. */
const obeysControl: Script = (w) => {
  w.on('posted', () => {
    const c = Atomics.load(w.control, 0);
    if (c === CONTROL_PAUSE) w.send({ type: 'paused' });
    if (c === CONTROL_CANCEL) {
      w.send({ type: 'cancelled' });
      w.exit(0);
    }
  });
};

describe('job runner', () => {
  let tmp: string;
  let src: string;
  let out: string;
  let core: AppCore;
  let scripts: Record<'import' | 'export', Script[]>;
  let started: FakeWorker[];

  const open = (): AppCore =>
    createAppCore({
      dbPath: join(tmp, 'mediaparser.db'),
      thumbnailCacheDir: join(tmp, 'thumbs'),
      retryDelayMs: 5,
      createWorker: (kind, data) => {
        const w = new FakeWorker(data);
        started.push(w);
        const script = scripts[kind as 'import' | 'export'].shift();
        if (!script) throw new Error(`no script for ${kind}`);
        queueMicrotask(() => script(w));
        return w as unknown as Worker;
      },
    });

  beforeEach(async () => {
    tmp = await makeTempDir('runner');
    src = join(tmp, 'src');
    out = join(tmp, 'out');
    await mkdir(src);
    await mkdir(out);
    scripts = { import: [], export: [] };
    started = [];
    core = open();
  });

  afterEach(async () => {
    await core.close();
    await removeDir(tmp);
  });

  async function completedImport(n: number): Promise<number> {
    scripts.import.push(importScript(n));
    const r = await core.handlers['import:start']({ folders: [src] });
    if (!r.ok) throw new Error(r.error.message);
    expect((await core.waitForJob(r.value.jobId)).status).toBe('completed');
    return r.value.jobId;
  }

  it('retries a job whose worker dies, then fails it after two retries', async () => {
    const crash: Script = (w) => w.exit(1);
    scripts.import.push(crash, crash, crash);
    const r = await core.handlers['import:start']({ folders: [src] });
    if (!r.ok) throw new Error(r.error.message);
    const job = await core.waitForJob(r.value.jobId);
    expect(job.status).toBe('failed');
    expect(job.retryCount).toBe(3);
    expect(job.error?.code).toBe('worker-died');
    expect(started).toHaveLength(3);
  });

  it('a worker crash followed by a good retry completes the job', async () => {
    scripts.import.push((w) => w.exit(1), importScript(3));
    const r = await core.handlers['import:start']({ folders: [src] });
    if (!r.ok) throw new Error(r.error.message);
    const job = await core.waitForJob(r.value.jobId);
    expect(job.status).toBe('completed');
    expect(job.retryCount).toBe(1);
    expect(job.filesDone).toBe(3);
  });

  it('halts an export when more than 10% of at least 10 files fail', async () => {
    const imp = await completedImport(20);
    scripts.export.push((w) => {
      w.on('posted', (m: { type: string; items?: { fileId: number }[] }) => {
        if (m.type === 'files') {
          // One batch per page, as the real worker sends them.
          const messages: BatchedExportMessage[] = m.items!.map((item, i) =>
            i % 3 === 0
              ? { type: 'file-failed', fileId: item.fileId, error: { code: 'not-found', message: 'gone' } }
              : { type: 'file-done', fileId: item.fileId, outcome: 'copied', relPath: `${item.fileId}.jpg`, sha256: 'x', size: 1, mtimeMs: 1, bytes: 1 },
          );
          w.send({ type: 'batch', messages });
        }
        if (m.type === 'control' && Atomics.load(w.control, 0) === CONTROL_CANCEL) {
          w.send({ type: 'cancelled' });
          w.exit(0);
        }
      });
      w.send({ type: 'need-files' });
    });
    const r = await core.handlers['jobs:export']({ importJobId: imp, outputDir: out });
    if (!r.ok) throw new Error(r.error.message);
    const job = await core.waitForJob(r.value.jobId);
    expect(job.status).toBe('halted');
    expect(job.errorCount).toBeGreaterThan(1);
    const details = await core.handlers['jobs:get']({ id: job.id });
    expect(details.ok && details.value.fileErrors.length).toBe(job.errorCount);
  });

  it('a full disk pauses the export with a disk-full error, and it can be resumed', async () => {
    const imp = await completedImport(2);
    scripts.export.push((w) => {
      w.send({ type: 'fatal', error: { code: 'disk-full', message: 'The output drive is full.' } });
      w.exit(0);
    });
    const r = await core.handlers['jobs:export']({ importJobId: imp, outputDir: out });
    if (!r.ok) throw new Error(r.error.message);
    const job = await core.waitForJob(r.value.jobId);
    expect(job.status).toBe('paused');
    expect(job.error?.code).toBe('disk-full');
    scripts.export.push((w) => {
      w.on('posted', (m: { type: string; items?: { fileId: number }[] }) => {
        if (m.type !== 'files') return;
        w.send({
          type: 'batch',
          messages: m.items!.flatMap((item): BatchedExportMessage[] => [
            { type: 'file-started', fileId: item.fileId, name: `IMG_${item.fileId}.jpg`, size: 1 },
            { type: 'file-done', fileId: item.fileId, outcome: 'copied', relPath: `${item.fileId}.jpg`, sha256: 'x', size: 1, mtimeMs: 1, bytes: 1 },
          ]),
        });
        w.send({ type: 'done' });
        w.exit(0);
      });
      w.send({ type: 'need-files' });
    });
    const resumed = await core.handlers['jobs:resume']({ id: job.id });
    expect(resumed.ok).toBe(true);
    const done = await core.waitForJob(job.id);
    expect(done.status).toBe('completed');
    expect(done.filesDone).toBe(2);
    const files = await core.handlers['files:list']({ filter: 'exported', offset: 0, limit: 10 });
    expect(files.ok && files.value.items.map((f) => f.outputPath).sort()).toEqual(
      files.ok ? files.value.items.map((f) => join(out, `${f.id}.jpg`)).sort() : [],
    );
    expect(files.ok && files.value.total).toBe(2);
  });

  it('pause is acknowledged by the worker and releases the slot for the next queued job', async () => {
    scripts.import.push((w) => {
      w.send({ type: 'scanned', total: 5, totalBytes: 0 });
      obeysControl(w);
    });
    scripts.import.push(importScript(1));
    const a = await core.handlers['import:start']({ folders: [src] });
    const b = await core.handlers['import:start']({ folders: [src] });
    if (!a.ok || !b.ok) throw new Error('start failed');
    const paused = await core.handlers['jobs:pause']({ id: a.value.jobId });
    expect(paused.ok && paused.value.status).toBe('paused');
    expect((await core.waitForJob(b.value.jobId)).status).toBe('completed');
  });

  it('the queue survives a restart and runs in FIFO order', async () => {
    await core.close();
    // Two jobs queued by a previous run of the app that stopped before starting them.
    const db = openDatabase(join(tmp, 'mediaparser.db'));
    const a = createJob(db.db, 'import', { sourceFolders: [join(src, 'a')] });
    const b = createJob(db.db, 'import', { sourceFolders: [join(src, 'b')] });
    db.close();
    scripts.import.push(importScript(1), importScript(1));
    started = [];
    core = open();
    expect((await core.waitForJob(a.id)).status).toBe('completed');
    expect((await core.waitForJob(b.id)).status).toBe('completed');
    expect(started.map((w) => (w.data as ImportWorkerData).roots[0])).toEqual([join(src, 'a'), join(src, 'b')]);
  });

  it('answers not-found and conflict for exports of unknown or unfinished imports', async () => {
    const missing = await core.handlers['jobs:export']({ importJobId: 999 });
    expect(!missing.ok && missing.error.code).toBe('not-found');
    scripts.import.push(obeysControl);
    const r = await core.handlers['import:start']({ folders: [src] });
    if (!r.ok) throw new Error(r.error.message);
    const running = await core.handlers['jobs:export']({ importJobId: r.value.jobId });
    expect(!running.ok && running.error.code).toBe('conflict');
  });
});

describe.skipIf(!corpusAvailable())('job runner with the real workers', () => {
  let tmp: string;
  let core: AppCore;
  /** Called with each export-worker message before the runner sees it. */
  let beforeRunner: (m: ExportWorkerMessage) => void;

  beforeEach(async () => {
    tmp = await makeTempDir('runner-real');
    beforeRunner = () => {};
    const realWorker = createWorkerFactory();
    core = createAppCore({
      dbPath: join(tmp, 'mediaparser.db'),
      thumbnailCacheDir: join(tmp, 'thumbs'),
      createWorker: (kind, data) => {
        const worker = realWorker(kind, data);
        // Registered before the runner's own listener, so it runs first for every message.
        if (kind === 'export') worker.on('message', (m: ExportWorkerMessage) => beforeRunner(m));
        return worker;
      },
    });
  });

  afterEach(async () => {
    await core.close();
    await removeDir(tmp);
  });

  it('a cancel that follows a pause before the worker acknowledged it ends the job cancelled', async () => {
    const src = join(tmp, 'src');
    const out = join(tmp, 'out');
    await copyCorpus(src, ['exiftool/Canon.jpg', 'exiftool/Sony.jpg', 'names/IMG_20190514_103000.jpg']);
    await mkdir(out);
    const imp = await core.handlers['import:start']({ folders: [src] });
    if (!imp.ok) throw new Error(imp.error.message);
    expect((await core.waitForJob(imp.value.jobId)).status).toBe('completed');

    const exp = await core.handlers['jobs:export']({ outputDir: out });
    if (!exp.ok) throw new Error(exp.error.message);
    const jobId = exp.value.jobId;
    const has = (m: ExportWorkerMessage, type: string): boolean =>
      m.type === type || (m.type === 'batch' && m.messages.some((x) => x.type === type));
    let pausing: ReturnType<AppCore['handlers']['jobs:pause']> | null = null;
    let cancelling: ReturnType<AppCore['handlers']['jobs:cancel']> | null = null;
    beforeRunner = (m) => {
      // The worker's first request: pause before it has a single file to copy.
      if (!pausing && has(m, 'need-files')) pausing = core.handlers['jobs:pause']({ id: jobId });
      // The worker has acknowledged the pause, but the runner has not read that yet: cancel now.
      if (pausing && !cancelling && has(m, 'paused')) cancelling = core.handlers['jobs:cancel']({ id: jobId });
    };
    const end = await core.waitForJob(jobId);
    expect(pausing).not.toBeNull();
    expect(cancelling).not.toBeNull();
    expect(end.status).toBe('cancelled');
    const cancelled = await cancelling!;
    expect(cancelled.ok && cancelled.value.status).toBe('cancelled');
    expect((await core.handlers['jobs:get']({ id: jobId })).ok).toBe(true);
    // A cancelled job is not offered for resuming as a paused one would be.
    expect(core.listResumable().map((j) => j.id)).not.toContain(jobId);
    expect(await listTree(out)).toEqual([]);
  });
});
