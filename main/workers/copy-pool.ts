/**
 * Where the export's copies run. The export worker plans names strictly in export order and
 * hands each copy to one of:
 *  - copy threads (the default of the real worker): each copies, hashes and publishes whole
 *    files on its own thread, so two files are copied and verified at once on two cores. The
 *    sha256 check is as costly as the copy itself; one thread doing both left a core idle.
 *  - the export worker's own thread: used until the copy threads are up (a thread takes tens of
 *    ms to start, the first files need not wait for it), when none can be started, and by tests
 *    that inject a fake file system.
 *
 * Pause and cancel reach a copy thread through the same shared control word the runner sets,
 * checked between chunks; a paused copy thread blocks on the word (it has nothing else to do).
 * The worker can also stop its threads on its own (a full disk) through a second shared flag.
 *
 * node:* and the pure export modules only (no database).
 */
import { Worker } from 'node:worker_threads';
import { appError } from '../../shared/errors.js';
import { copyFileSafely, nodeFs, withoutFsync, type CopyControl, type CopyOptions, type SafeCopyOutcome, type SafeCopyRequest } from '../engines/export/copy.js';
import { CONTROL_CANCEL, CONTROL_RUN } from '../protocol/workers.js';

/** workerData of a copy thread (the export worker's own entry, started with this kind). */
export interface CopyThreadData {
  kind: 'export-copy';
  /** The runner's control word (RUN / PAUSE / CANCEL). */
  control: SharedArrayBuffer;
  /** Set to 1 by the export worker to stop every copy (a fatal error). */
  abort: SharedArrayBuffer;
  chunkSize?: number;
  wholeFileLimit?: number;
  retryDelaysMs?: readonly number[];
  /** Minimum gap between `bytes` reports of one file. */
  bytesIntervalMs: number;
  /** Benchmarks only (see ExportDeps.unsafeNoFsync): copy without fsync. */
  unsafeNoFsync?: boolean;
}

export type CopyRequest = Omit<SafeCopyRequest, 'onBytes'>;

export type ToCopyThread = { type: 'copy'; id: number; req: CopyRequest };
export type FromCopyThread =
  | { type: 'bytes'; id: number; bytesDone: number }
  /** Finished copies, sent together: waking the other thread costs more than a small copy here. */
  | { type: 'outcomes'; list: { id: number; outcome: SafeCopyOutcome }[] };

/**
 * Copies a thread holds at once. They start one after another, each once the one before has
 * written its bytes and only waits for its fsync (off the thread): the originals are still read
 * one at a time, in order, and the thread copies while the disk syncs.
 */
const COPIES_PER_THREAD = 3;

/** A copy thread reports finished copies in groups of at most this many. */
const OUTCOMES_PER_MESSAGE = 4;

/** Starts one copy thread; the export worker passes its own entry, tests the TypeScript source. */
export type CopyThreadSpawner = (data: CopyThreadData) => Worker;

/** Pause/cancel as a copy thread sees them: the runner's word, or the worker's abort flag. */
export class SharedWordControl implements CopyControl {
  constructor(
    private readonly word: Int32Array,
    private readonly abort: Int32Array,
  ) {}

  private state(): number {
    return Atomics.load(this.abort, 0) !== 0 ? CONTROL_CANCEL : Atomics.load(this.word, 0);
  }

  running(): boolean {
    return this.state() === CONTROL_RUN;
  }

  async checkpoint(): Promise<'run' | 'cancel'> {
    for (;;) {
      const s = this.state();
      if (s === CONTROL_CANCEL) return 'cancel';
      if (s === CONTROL_RUN) return 'run';
      // Paused: sleep until the word changes; wake now and then to see the abort flag too.
      Atomics.wait(this.word, 0, s, 50);
    }
  }
}

/** The body of a copy thread: copies requests one after another, reporting bytes and outcomes. */
export function serveCopies(data: CopyThreadData, port: { post(m: FromCopyThread): void; onMessage(h: (m: ToCopyThread) => void): void }): void {
  const control = new SharedWordControl(new Int32Array(data.control), new Int32Array(data.abort));
  const options: CopyOptions = {
    control,
    ...(data.unsafeNoFsync ? { fs: withoutFsync(nodeFs) } : {}),
    ...(data.chunkSize !== undefined ? { chunkSize: data.chunkSize } : {}),
    ...(data.wholeFileLimit !== undefined ? { wholeFileLimit: data.wholeFileLimit } : {}),
    ...(data.retryDelaysMs !== undefined ? { retryDelaysMs: data.retryDelaysMs } : {}),
  };
  let queued = 0;
  let active = 0;
  const waiting: ToCopyThread[] = [];
  let finished: { id: number; outcome: SafeCopyOutcome }[] = [];
  const copyOne = async (m: ToCopyThread, syncing: () => void): Promise<void> => {
    let lastBytesAt = 0;
    let outcome: SafeCopyOutcome;
    try {
      // A copy queued behind a pause waits here; behind a cancel it never starts.
      if (!control.running() && (await control.checkpoint()) === 'cancel') {
        outcome = { kind: 'cancelled' };
      } else {
        outcome = await copyFileSafely(
          {
            ...m.req,
            onSyncing: syncing,
            onBytes: (bytesDone) => {
              const now = performance.now();
              if (now - lastBytesAt >= data.bytesIntervalMs) {
                lastBytesAt = now;
                port.post({ type: 'bytes', id: m.id, bytesDone });
              }
            },
          },
          options,
        );
      }
    } catch (e) {
      outcome = {
        kind: 'failed',
        side: 'target',
        error: appError('internal', 'Exporting this file failed unexpectedly.', e instanceof Error ? (e.stack ?? e.message) : String(e)),
      };
    }
    queued--;
    finished.push({ id: m.id, outcome });
    // Report when the queue runs dry (the worker is waiting to send more) or every few files.
    if (queued === 0 || finished.length >= OUTCOMES_PER_MESSAGE) {
      port.post({ type: 'outcomes', list: finished });
      finished = [];
    }
  };
  /** True while a copy reads and writes (before its fsync): the next one waits for that. */
  let writing = false;
  const next = (): void => {
    if (writing || active >= COPIES_PER_THREAD || waiting.length === 0) return;
    active++;
    writing = true;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      writing = false;
      // After this copy has handed its fsync to the pool, not before.
      queueMicrotask(next);
    };
    void copyOne(waiting.shift()!, release).finally(() => {
      active--;
      release();
      next();
    });
  };
  port.onMessage((m) => {
    queued++;
    waiting.push(m);
    next();
  });
}

interface Pending {
  req: SafeCopyRequest;
  resolve: (o: SafeCopyOutcome) => void;
}

/** The export worker's side of one copy thread. */
class CopyThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  online = false;
  dead = false;
  /** Settles when the thread runs or is gone. */
  readonly ready: Promise<void>;
  private settleReady!: () => void;

  constructor(
    private readonly worker: Worker,
    /** Copies that were in flight when the thread died are redone elsewhere. */
    private readonly orphaned: (p: Pending[]) => void,
  ) {
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    worker.once('online', () => {
      this.online = true;
      this.settleReady();
    });
    worker.on('message', (m: FromCopyThread) => {
      if (m.type === 'bytes') {
        this.pending.get(m.id)?.req.onBytes?.(m.bytesDone);
        return;
      }
      for (const { id, outcome } of m.list) {
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        p.resolve(outcome);
      }
      if (this.pending.size === 0) worker.unref();
    });
    const died = (): void => {
      if (this.dead) return;
      this.dead = true;
      this.settleReady();
      const left = [...this.pending.values()];
      this.pending.clear();
      this.orphaned(left);
    };
    worker.on('error', died);
    worker.on('exit', died);
    // Only copies in flight keep the export worker alive.
    worker.unref();
  }

  get load(): number {
    return this.pending.size;
  }

  copy(req: SafeCopyRequest): Promise<SafeCopyOutcome> {
    const id = this.nextId++;
    const { onBytes: _onBytes, ...plain } = req;
    return new Promise((resolve) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { req, resolve });
      this.worker.postMessage({ type: 'copy', id, req: plain } satisfies ToCopyThread);
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/**
 * Files a copy thread holds at once: one copying, the others queued so it never waits for the
 * worker, which hears of finished copies a few at a time (OUTCOMES_PER_MESSAGE).
 */
const PER_THREAD = 8;

/**
 * The copy threads of one export. `copy` never throws; a copy thread that dies hands its copies to the
 * worker's own thread (the temp name is per file, a leftover is replaced).
 */
export class CopyPool {
  private readonly threads: CopyThread[] = [];
  private readonly abortWord: Int32Array;

  constructor(
    private readonly local: (req: SafeCopyRequest) => Promise<SafeCopyOutcome>,
    spawn: CopyThreadSpawner | null,
    count: number,
    data: Omit<CopyThreadData, 'kind' | 'abort'>,
    /** False: copies wait for the threads instead of starting on the worker's thread (tests). */
    private readonly localWhileStarting = true,
  ) {
    const abort = new SharedArrayBuffer(4);
    this.abortWord = new Int32Array(abort);
    if (!spawn) return;
    for (let i = 0; i < count; i++) {
      try {
        this.threads.push(
          new CopyThread(spawn({ kind: 'export-copy', abort, ...data }), (left) => {
            for (const p of left) void this.local(p.req).then(p.resolve);
          }),
        );
      } catch {
        // No thread (resource limits): the worker's own thread copies.
        break;
      }
    }
  }

  /** How many copies may be in flight at once. */
  get capacity(): number {
    return Math.max(1, this.threads.length * PER_THREAD);
  }

  /** Stops every copy thread's current copy (they clean up their temps); used on a fatal error. */
  abort(): void {
    Atomics.store(this.abortWord, 0, 1);
  }

  async copy(req: SafeCopyRequest): Promise<SafeCopyOutcome> {
    if (!this.localWhileStarting) {
      const starting = this.threads.filter((t) => !t.dead && !t.online);
      if (starting.length === this.threads.length && starting.length > 0) await Promise.race(starting.map((t) => t.ready));
    }
    let best: CopyThread | null = null;
    for (const t of this.threads) {
      if (!t.dead && t.online && (!best || t.load < best.load)) best = t;
    }
    // Before the threads are up, or if none could start, the worker's own thread copies.
    return best ? best.copy(req) : this.local(req);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
