/**
 * Runs archive verifications on worker threads and turns their messages into contract events
 * (`verify:progress`, throttled to about ten a second, and `verify:finished`). Main thread:
 * only async checks here; the hashing is the worker's (main/workers/verify-worker.ts).
 *
 * Separate from the job runner on purpose: a verification writes nothing (no database, no
 * archive), so it needs no job row, no resume and no single-writer lock, and it may run while an
 * import or export does.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { appError, err, ok, type AppError, type Result } from '../../shared/errors.js';
import type { VerifyFinishedEvent, VerifyProgress } from '../../shared/verify-report.js';
import { CONTROL_CANCEL, CONTROL_RUN } from '../protocol/workers.js';
import { errnoCode, errnoToAppError } from '../rules/errno.js';
import { createWorkerFactory } from './worker-factory.js';
import { MANIFEST_NAME } from '../../shared/naming.js';
import type { VerifyWorkerData, VerifyWorkerMessage } from '../protocol/verify.js';

export type VerifyEvent =
  | { channel: 'verify:progress'; payload: VerifyProgress }
  | { channel: 'verify:finished'; payload: VerifyFinishedEvent };

export interface VerifyServiceOptions {
  emit: (event: VerifyEvent) => void;
  /** Folder of the bundled `verify-worker.cjs` (packaged app, CLI bundle); else the TypeScript source runs through tsx. */
  workerDir?: string;
  /** Injected worker start (tests). */
  createWorker?: (data: VerifyWorkerData) => Worker;
  /** Minimum time between progress events of one verification (default 100 ms). */
  progressIntervalMs?: number;
  /** Read size passed to the worker (tests). */
  chunkSize?: number;
  /** Minimum time between the worker's progress messages (tests; default 100 ms). */
  workerProgressIntervalMs?: number;
}

export interface VerifyService {
  /** Starts verifying the archive at `root` (absolute). The same root already being verified answers with that run's id. */
  start(root: string): Promise<Result<{ verifyId: number; root: string }>>;
  /** Asks a running verification to stop between chunks; `cancelled: false` when it is not running. */
  cancel(verifyId: number): Result<{ cancelled: boolean }>;
  /** The finished event of a run started here (resolves at once for one that already ended). */
  wait(verifyId: number): Promise<VerifyFinishedEvent>;
  close(): Promise<void>;
}

interface Run {
  id: number;
  root: string;
  worker: Worker;
  control: Int32Array;
  finished: VerifyFinishedEvent | null;
  waiters: ((e: VerifyFinishedEvent) => void)[];
  lastProgressAt: number;
  pendingProgress: VerifyProgress | null;
  progressTimer: NodeJS.Timeout | null;
}

/** Why a folder cannot be verified, checked before a worker starts (so the answer comes at once). */
async function checkArchive(root: string): Promise<AppError | null> {
  try {
    if (!(await stat(root)).isDirectory()) return appError('invalid-argument', `${root} is not a folder.`);
  } catch (e) {
    const error = errnoToAppError(e, root);
    return error.code === 'not-found' ? appError('not-found', `The folder ${root} does not exist (is the drive connected?).`) : error;
  }
  try {
    await stat(join(root, MANIFEST_NAME));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      return appError(
        'not-found',
        `There is no MediaParser manifest (${MANIFEST_NAME}) in ${root}: MediaParser did not export into this folder, or it was exported by a version that kept no manifest.`,
      );
    }
    return errnoToAppError(e, MANIFEST_NAME);
  }
  return null;
}

export function createVerifyService(options: VerifyServiceOptions): VerifyService {
  const interval = options.progressIntervalMs ?? 100;
  const spawn =
    options.createWorker ?? ((data: VerifyWorkerData) => createWorkerFactory(options.workerDir)('verify', data));
  const runs = new Map<number, Run>();
  let nextId = 1;
  let closed = false;

  function emitProgress(run: Run, progress: VerifyProgress): void {
    const now = Date.now();
    const wait = run.lastProgressAt + interval - now;
    if (wait <= 0) {
      run.lastProgressAt = now;
      run.pendingProgress = null;
      options.emit({ channel: 'verify:progress', payload: progress });
      return;
    }
    run.pendingProgress = progress;
    run.progressTimer ??= setTimeout(() => {
      run.progressTimer = null;
      const pending = run.pendingProgress;
      if (pending !== null && run.finished === null) emitProgress(run, pending);
    }, wait);
  }

  function finish(run: Run, status: VerifyFinishedEvent['status'], report: VerifyFinishedEvent['report'], error: AppError | null): void {
    if (run.finished !== null) return;
    if (run.progressTimer) clearTimeout(run.progressTimer);
    run.progressTimer = null;
    run.finished = { verifyId: run.id, root: run.root, status, report, error };
    options.emit({ channel: 'verify:finished', payload: run.finished });
    for (const w of run.waiters.splice(0)) w(run.finished);
  }

  function onMessage(run: Run, message: VerifyWorkerMessage): void {
    switch (message.type) {
      case 'progress': {
        const { type: _type, ...counts } = message;
        emitProgress(run, { verifyId: run.id, root: run.root, ...counts });
        break;
      }
      case 'done':
        finish(run, 'completed', message.report, null);
        break;
      case 'cancelled':
        finish(run, 'cancelled', null, null);
        break;
      case 'failed':
        finish(run, 'failed', null, message.error);
        break;
      default: {
        const never: never = message;
        throw new Error(`Unexpected verify worker message: ${JSON.stringify(never)}`);
      }
    }
  }

  return {
    async start(requested) {
      if (closed) return err('conflict', 'MediaParser is shutting down.');
      if (!isAbsolute(requested)) return err('invalid-argument', `Please give a full folder path (got "${requested}").`);
      const root = resolve(requested);
      for (const run of runs.values()) if (run.root === root && run.finished === null) return ok({ verifyId: run.id, root });
      const problem = await checkArchive(root);
      if (problem !== null) return { ok: false, error: problem };
      const control = new Int32Array(new SharedArrayBuffer(4));
      Atomics.store(control, 0, CONTROL_RUN);
      const data: VerifyWorkerData = {
        kind: 'verify',
        control: control.buffer as SharedArrayBuffer,
        root,
        ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
        ...(options.workerProgressIntervalMs !== undefined ? { progressIntervalMs: options.workerProgressIntervalMs } : {}),
      };
      let worker: Worker;
      try {
        worker = spawn(data);
      } catch (e) {
        return err('internal', 'The verification could not be started.', e instanceof Error ? e.message : String(e));
      }
      const run: Run = {
        id: nextId++,
        root,
        worker,
        control,
        finished: null,
        waiters: [],
        lastProgressAt: 0,
        pendingProgress: null,
        progressTimer: null,
      };
      runs.set(run.id, run);
      worker.on('message', (m: VerifyWorkerMessage) => onMessage(run, m));
      worker.on('error', (e) => finish(run, 'failed', null, appError('worker-died', 'The verification stopped unexpectedly.', e.stack ?? e.message)));
      worker.on('exit', (code) => {
        finish(run, 'failed', null, appError('worker-died', 'The verification stopped unexpectedly.', `exit code ${code}`));
        // Only the newest finished runs are kept for `wait`; their reports can be large.
        for (const [id, other] of runs) if (other.finished !== null && id < run.id - 20) runs.delete(id);
      });
      return ok({ verifyId: run.id, root });
    },

    cancel(verifyId) {
      const run = runs.get(verifyId);
      if (!run) return err('not-found', `There is no verification ${verifyId}.`);
      if (run.finished !== null) return ok({ cancelled: false });
      Atomics.store(run.control, 0, CONTROL_CANCEL);
      return ok({ cancelled: true });
    },

    wait(verifyId) {
      const run = runs.get(verifyId);
      if (!run) return Promise.reject(new Error(`There is no verification ${verifyId}.`));
      if (run.finished !== null) return Promise.resolve(run.finished);
      return new Promise((resolveWait) => run.waiters.push(resolveWait));
    },

    async close() {
      closed = true;
      const running = [...runs.values()].filter((r) => r.finished === null);
      for (const run of running) Atomics.store(run.control, 0, CONTROL_CANCEL);
      await Promise.all(
        running.map(async (run) => {
          await run.worker.terminate();
          finish(run, 'cancelled', null, null);
        }),
      );
    },
  };
}
