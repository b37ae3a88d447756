/**
 * Messages between the verify service (main thread) and the verify worker thread.
 * The worker imports these with `import type`; nothing here runs.
 *
 * Cancel travels in a shared control word (CONTROL_CANCEL of main/protocol/workers.ts): the
 * worker hashes with blocking reads, so it sees a cancel between chunks, not through messages.
 */
import type { AppError } from '../../shared/errors.js';
import type { VerifyReport } from '../../shared/verify-report.js';

export interface VerifyWorkerData {
  kind: 'verify';
  control: SharedArrayBuffer;
  /** Absolute path of the archive root. */
  root: string;
  /** Read size in bytes (tests use small chunks to see progress and cancel inside a file). */
  chunkSize?: number;
  /** Minimum time between progress messages (default 100 ms). */
  progressIntervalMs?: number;
}

export type VerifyWorkerMessage =
  | { type: 'progress'; filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number; currentFile: string | null }
  | { type: 'done'; report: VerifyReport }
  | { type: 'cancelled' }
  | { type: 'failed'; error: AppError };
