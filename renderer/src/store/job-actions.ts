/** Jobs: the list, one job's details, pause/resume/cancel, starting an import, and a job's end. */
import type { JobFinishedEvent, JobType } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { applyFinished, beginJobAction, failJobAction, pickCurrent, type JobsState, newJobSummary, upsertSummary } from './jobs-slice.js';
import { loadTags, narrow, reloadLibrary } from './library-actions.js';
import { getState, setSlice } from './store.js';
import { navigate, setImportError } from './ui-actions.js';

export async function loadJobs(): Promise<void> {
  setSlice('jobs', (j) => ({ ...j, listLoading: true }));
  const result = await call(() => api().listJobs({ limit: 200 }));
  if (!result.ok) {
    setSlice('jobs', (j) => ({ ...j, listLoading: false, listError: result.error }));
    return;
  }
  setSlice('jobs', (j) => {
    let next: JobsState = { ...j, listLoading: false, listError: null, order: result.value.map((s) => s.id).sort((a, b) => b - a) };
    for (const summary of result.value) next = upsertSummary(next, summary);
    const current = { ...next.current };
    for (const type of ['import', 'export'] as JobType[]) {
      if (current[type] === null) current[type] = pickCurrent(result.value, type);
    }
    return { ...next, current };
  });
}

export async function refreshJob(id: number): Promise<void> {
  const result = await call(() => api().getJob({ id }));
  if (!result.ok) return;
  const { fileErrors, importStats, ...summary } = result.value;
  setSlice('jobs', (j) => ({
    ...upsertSummary(j, summary),
    fileErrors: { ...j.fileErrors, [id]: fileErrors },
    importStats: importStats ? { ...j.importStats, [id]: importStats } : j.importStats,
  }));
}

async function jobAction(id: number, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
  setSlice('jobs', (j) => beginJobAction(j, id, action));
  const run =
    action === 'pause' ? () => api().pauseJob({ id }) : action === 'resume' ? () => api().resumeJob({ id }) : () => api().cancelJob({ id });
  const result = await call(run);
  if (result.ok) setSlice('jobs', (j) => upsertSummary(j, result.value));
  else setSlice('jobs', (j) => failJobAction(j, id, result.error));
}

export const pauseJob = (id: number): Promise<void> => jobAction(id, 'pause');

export const cancelJob = (id: number): Promise<void> => jobAction(id, 'cancel');

/** Resumes and makes the job the one its screen follows (resuming from the history screen). */
export async function resumeJob(id: number): Promise<void> {
  const job = getState().jobs.byId[id];
  if (job) setSlice('jobs', (j) => ({ ...j, current: { ...j.current, [job.type]: id } }));
  await jobAction(id, 'resume');
}

export async function startImport(): Promise<void> {
  const folders = getState().ui.sourceFolders;
  if (folders.length === 0) {
    setImportError({ code: 'invalid-argument', message: 'Add at least one folder first.' });
    return;
  }
  setSlice('ui', (ui) => ({ ...ui, importStarting: true, importError: null }));
  const result = await call(() => api().startImport({ folders }));
  if (!result.ok) {
    setSlice('ui', (ui) => ({ ...ui, importStarting: false, importError: result.error }));
    return;
  }
  const jobId = result.value.jobId;
  setSlice('jobs', (j) => {
    const existing = j.byId[jobId];
    const base = existing
      ? j
      : upsertSummary(j, newJobSummary(jobId, 'import', 'queued', { sourceFolders: folders }, 0, new Date().toISOString()));
    return { ...base, current: { ...base.current, import: jobId } };
  });
  setSlice('ui', (ui) => ({ ...ui, importStarting: false, sourceFolders: [] }));
}

/** Lets the Export screen start over after a finished export. */
export function clearCurrentJob(type: JobType): void {
  setSlice('jobs', (j) => ({ ...j, current: { ...j.current, [type]: null } }));
}

/** Called by the subscriptions module when main says a job ended. */
export function jobFinished(e: JobFinishedEvent): void {
  setSlice('jobs', (j) => applyFinished(j, e));
  void refreshJob(e.jobId);
  if (e.type === 'import') {
    // New rows and tags exist now; whatever the library showed is out of date.
    reloadLibrary();
    void loadTags();
  } else {
    reloadLibrary();
  }
}

/** "Review the files" after an import: the files the app is unsure about, or all when there are none. */
export function reviewImported(): void {
  const unsure = getState().library.counts?.['needs-review'];
  navigate('library');
  narrow({ filter: unsure === 0 ? 'all' : 'needs-review', tag: null, folder: null, search: '' });
}
