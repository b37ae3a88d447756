/**
 * Test support: a job as the library lists it (a JobSummary), for tests of what the desktop shell
 * shows about jobs. Used by tests only.
 */
import type { JobSummary } from '../shared/types.js';

/** An export job that was interrupted at 1234 of 5000 files, unless `over` says otherwise. */
export function jobSummary(over: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 1,
    type: 'export',
    status: 'interrupted',
    filesDone: 1234,
    filesTotal: 5000,
    bytesDone: 0,
    bytesTotal: 0,
    currentFile: null,
    errorCount: 0,
    error: null,
    retryCount: 0,
    options: {},
    stats: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    completedAt: null,
    ...over,
  };
}
