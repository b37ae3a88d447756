/**
 * Verify worker thread: re-hashes one archive against its manifest (main/engines/archive/verify.ts)
 * and reports progress and the result to the verify service. File I/O only: no database.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { appError } from '../../shared/errors.js';
import { verifyArchive } from '../engines/archive/verify.js';
import type { VerifyWorkerData, VerifyWorkerMessage } from '../protocol/verify.js';
import { CONTROL_CANCEL } from '../protocol/workers.js';

/** Runs one verification, posting throttled progress and exactly one final message. */
export function runVerify(data: VerifyWorkerData, post: (message: VerifyWorkerMessage) => void, control: Int32Array): void {
  const interval = data.progressIntervalMs ?? 100;
  let last = 0;
  try {
    const outcome = verifyArchive(data.root, {
      shouldCancel: () => Atomics.load(control, 0) === CONTROL_CANCEL,
      ...(data.chunkSize !== undefined ? { chunkSize: data.chunkSize } : {}),
      onProgress: (p) => {
        const now = Date.now();
        // The first and the last (every file counted) always go out; the service throttles again.
        if (now - last < interval && p.filesDone < p.filesTotal && p.bytesDone > 0) return;
        last = now;
        post({ type: 'progress', ...p });
      },
    });
    post(outcome.type === 'done' ? { type: 'done', report: outcome.report } : outcome);
  } catch (e) {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    post({ type: 'failed', error: appError('internal', 'The verification stopped because of an unexpected error.', detail) });
  }
}

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === 'verify') {
  const data = workerData as VerifyWorkerData;
  const port = parentPort;
  runVerify(data, (message) => port.postMessage(message), new Int32Array(data.control));
  port.close();
}
