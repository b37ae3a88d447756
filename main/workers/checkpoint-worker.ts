/**
 * The WAL checkpoint thread (main/library/db/checkpointer.ts): a second connection to the library
 * that runs PASSIVE checkpoints when asked and writes no rows. Started by the checkpointer like
 * the other workers (`checkpoint-worker.cjs` in a bundle, this file through tsx from sources).
 *
 * The one worker that opens the database, and only for this: it imports no database code; the
 * driver it loads is the one the main thread resolved and hands over, and it never reads or
 * writes a row (the runner stays the single writer of the data).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CheckpointWorkerData, CheckpointWorkerMessage } from '../protocol/workers.js';

/** What this thread uses of the driver (better-sqlite3). */
interface Connection {
  pragma(source: string): unknown;
  close(): void;
}
type Driver = new (path: string, options: { fileMustExist: boolean; nativeBinding?: string }) => Connection;

function serveCheckpoints(data: CheckpointWorkerData, port: NonNullable<typeof parentPort>): void {
  const post = (m: CheckpointWorkerMessage): void => port.postMessage(m);
  // The driver is loaded here, by the path the main thread resolved (tests pass a broken one).
  // (A CommonJS bundle has __filename and no import.meta; the sources are ESM.)
  const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  const Driver = load(data.driver) as Driver;
  try {
    os.setPriority(10);
  } catch {
    // Not permitted or not supported: run at normal priority.
  }
  const db = new Driver(data.path, { fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  db.pragma('busy_timeout = 2000');
  port.on('message', (m: 'checkpoint' | 'close') => {
    if (m === 'checkpoint') {
      try {
        const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        post({ ok: true, busy: r?.busy ?? 0, log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 });
      } catch (e) {
        post({ ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    } else if (m === 'close') {
      db.close();
      port.close();
    }
  });
  post({ ready: true });
}

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === 'checkpoint') {
  serveCheckpoints(workerData as CheckpointWorkerData, parentPort);
}
