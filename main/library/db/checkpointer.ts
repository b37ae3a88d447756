/**
 * WAL checkpoints on a thread of their own.
 *
 * With SQLite's automatic checkpoints, the commit that crosses the threshold copies the WAL into
 * the database file and fsyncs both, inside that commit, on the main thread: during an export,
 * while the copy threads fill the disk's write queue, one such commit stalled the event loop
 * (UI, IPC, progress) noticeably. Here the main connection never checkpoints; a second
 * connection on a small thread runs PASSIVE checkpoints (which never block the writer) about
 * once a second while there are new commits. It writes no rows: the main thread stays the only
 * writer of the data. If the thread cannot run, the main connection checkpoints itself again.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointWorkerData, CheckpointWorkerMessage } from '../../protocol/workers.js';
import { nativeBinding } from './native-binding.js';
import { createWorkerFactory } from '../worker-factory.js';

/** What the main connection uses when no checkpoint thread runs (see open-db.ts). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 4000;

export type { CheckpointWorkerData } from '../../protocol/workers.js';

export interface CheckpointResult {
  /** WAL frames, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface Checkpointer {
  /** True once the thread runs checkpoints; false if it could not (the main connection does them). */
  readonly ready: Promise<boolean>;
  /** Runs a checkpoint now (tests; the timer does it otherwise). Null when the thread is not running. */
  checkpointNow(): Promise<CheckpointResult | null>;
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** The better-sqlite3 entry the thread loads (tests pass a broken one). */
  driver?: string;
  /** Starts the thread (the app core passes its worker factory, which knows the bundle folder). */
  spawn?: (data: CheckpointWorkerData) => Worker;
}

/**
 * Starts the checkpoint thread for an open database (WAL mode). The main connection's automatic
 * checkpoints are switched off only once the thread has opened the database.
 */
export function startCheckpointer(sqlite: Database.Database, options: CheckpointerOptions = {}): Checkpointer {
  const intervalMs = options.intervalMs ?? 1000;
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
  let worker: Worker | null = null;
  let running = false;
  let lastChanges = -1;
  let inFlight: ((r: CheckpointResult | null) => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let settleReady: (running: boolean) => void = () => {};
  const ready = new Promise<boolean>((resolve) => (settleReady = resolve));

  const fallBack = (): void => {
    settleReady(false);
    if (!worker) return;
    worker = null;
    running = false;
    if (timer) clearInterval(timer);
    timer = null;
    for (const r of inFlight) r(null);
    inFlight = [];
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  };

  const request = (): Promise<CheckpointResult | null> => {
    const w = worker;
    if (!w || !running) return Promise.resolve(null);
    return new Promise((resolve) => {
      if (inFlight.length === 0) w.postMessage('checkpoint');
      inFlight.push(resolve);
    });
  };

  try {
    if (sqlite.memory) throw new Error('an in-memory database has no WAL');
    const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
    const binding = nativeBinding();
    const data: CheckpointWorkerData = { kind: 'checkpoint', driver, path: sqlite.name, ...(binding ? { nativeBinding: binding } : {}) };
    worker = (options.spawn ?? ((d) => createWorkerFactory()('checkpoint', d)))(data);
  } catch {
    worker = null;
    settleReady(false);
  }
  if (worker) {
    const w = worker;
    w.on('message', (m: CheckpointWorkerMessage) => {
      if ('ready' in m) {
        if (worker !== w) return;
        running = true;
        sqlite.pragma('wal_autocheckpoint = 0');
        timer = setInterval(() => {
          const now = totalChanges.get() as number;
          if (now === lastChanges || inFlight.length > 0) return;
          lastChanges = now;
          void request();
        }, intervalMs);
        timer.unref();
        settleReady(true);
        return;
      }
      const waiting = inFlight;
      inFlight = [];
      const result = m.ok ? { log: m.log, checkpointed: m.checkpointed } : null;
      for (const r of waiting) r(result);
    });
    w.on('error', fallBack);
    w.on('exit', fallBack);
    w.unref();
  }

  return {
    ready,
    checkpointNow: request,
    async close() {
      settleReady(false);
      const w = worker;
      if (timer) clearInterval(timer);
      timer = null;
      worker = null;
      running = false;
      for (const r of inFlight) r(null);
      inFlight = [];
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      // A checkpoint in progress finishes first; a thread that does not end is stopped.
      const stuck = setTimeout(() => void w.terminate(), 5000);
      await exited;
      clearTimeout(stuck);
    },
  };
}
