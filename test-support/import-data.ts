/**
 * Test support: the workerData an import worker starts with, for tests that run its loop on
 * their own folders. Used by tests only.
 */
import type { ImportWorkerData } from '../main/protocol/workers.js';

/** An import of `roots` in UTC with no file-date fallback, nothing to skip, unless `over` says otherwise. */
export function importWorkerData(roots: string[], over: Partial<ImportWorkerData> = {}): ImportWorkerData {
  return { kind: 'import', control: new SharedArrayBuffer(4), roots, options: { timeZone: 'UTC', useFileDatesAsLastResort: false }, skipPaths: [], ...over };
}
