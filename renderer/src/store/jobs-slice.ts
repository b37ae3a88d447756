import type { AppError } from '../../../shared/errors.js';
import type {
  JobFinishedEvent,
  JobProgress,
  JobStatus,
  JobStatusEvent,
  JobSummary,
  JobType,
} from '../../../shared/types.js';

export interface FileError {
  fileId: number;
  path: string;
  error: string;
}

/** A job as the UI shows it: the stored summary plus the live numbers only progress events carry. */
export interface JobView extends JobSummary {
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** A pause/resume/cancel the user asked for and main has not answered yet. */
  pending: 'pause' | 'resume' | 'cancel' | null;
  /** Status before an optimistic change, restored if main refuses it. */
  statusBeforePending: JobStatus | null;
  actionError: AppError | null;
  outputDir: string | null;
  /** When (client clock) this run's progress started arriving; the ETA waits until it means something. */
  runningSince: number | null;
  /** Main's time-left estimate, smoothed over ticks; shown as `etaSeconds` only once meaningful. */
  etaSmoothed: number | null;
  /** The user asked to cancel: a run that still ends "completed" finished before the cancel arrived. */
  cancelRequested: boolean;
}

/** The ETA is shown once a run has gone this long… */
export const ETA_AFTER_MS = 5_000;
/** …and done this share of its work: early guesses swing wildly. */
export const ETA_AFTER_FRACTION = 0.05;
/** Weight of a new estimate in the smoothed one. */
const ETA_SMOOTHING = 0.3;

export interface ImportStats {
  new: number;
  known: number;
  failed: number;
  /** Hidden and system entries the scan left out, the first few named. */
  skipped: number;
  skippedExamples?: string[];
}

export interface JobsState {
  byId: Record<number, JobView>;
  /** Job ids for the history screen, newest first. */
  order: number[];
  /** The job each screen follows (the one started here, or one found running at start-up). */
  current: Record<JobType, number | null>;
  fileErrors: Record<number, FileError[]>;
  /** What each finished import did (new, already known, failed, skipped), once asked. */
  importStats: Record<number, ImportStats>;
  listError: AppError | null;
  listLoading: boolean;
}

export const initialJobsState: JobsState = {
  byId: {},
  order: [],
  current: { import: null, export: null },
  fileErrors: {},
  importStats: {},
  listError: null,
  listLoading: false,
};

/** Statuses in which a job still has work ahead and the screens keep showing it. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running', 'paused'];

export function isFinishedStatus(status: JobStatus): boolean {
  return status === 'completed' || status === 'cancelled' || status === 'failed' || status === 'halted' || status === 'interrupted';
}

/** A job main has just accepted and not yet reported on. */
export function newJobSummary(
  id: number,
  type: JobType,
  status: JobStatus,
  options: JobSummary['options'] = {},
  filesTotal = 0,
  createdAt = '',
): JobSummary {
  return {
    id,
    type,
    status,
    filesDone: 0,
    filesTotal,
    bytesDone: 0,
    bytesTotal: 0,
    currentFile: null,
    errorCount: 0,
    error: null,
    retryCount: 0,
    options,
    stats: null,
    createdAt,
    startedAt: null,
    completedAt: null,
  };
}

function blankJob(jobId: number, type: JobType, status: JobStatus): JobView {
  return {
    ...newJobSummary(jobId, type, status),
    bytesPerSecond: 0,
    etaSeconds: null,
    pending: null,
    statusBeforePending: null,
    actionError: null,
    outputDir: null,
    runningSince: null,
    etaSmoothed: null,
    cancelRequested: false,
  };
}

/** Done counts never go backwards within one plan (same totals); a new plan starts over. */
function forward(prev: JobView, next: Pick<JobSummary, 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'>) {
  const samePlan = prev.filesTotal === next.filesTotal && prev.bytesTotal === next.bytesTotal;
  return {
    filesDone: samePlan ? Math.max(prev.filesDone, next.filesDone) : next.filesDone,
    filesTotal: next.filesTotal,
    bytesDone: samePlan ? Math.max(prev.bytesDone, next.bytesDone) : next.bytesDone,
    bytesTotal: next.bytesTotal,
  };
}

/** The share of the work done: by bytes when they are known, else by files. */
export function doneFraction(j: Pick<JobSummary, 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'>): number {
  if (j.bytesTotal > 0) return Math.min(1, j.bytesDone / j.bytesTotal);
  if (j.filesTotal > 0) return Math.min(1, j.filesDone / j.filesTotal);
  return 0;
}

function withOrder(order: number[], id: number): number[] {
  return order.includes(id) ? order : [id, ...order].sort((a, b) => b - a);
}

/** Merges a stored summary (from listJobs/getJob/pause...) into the view, keeping live-only numbers. */
export function upsertSummary(state: JobsState, summary: JobSummary): JobsState {
  const prev = state.byId[summary.id];
  const base = prev ?? blankJob(summary.id, summary.type, summary.status);
  const next: JobView = {
    ...base,
    ...summary,
    ...forward(base, summary),
    pending: null,
    statusBeforePending: null,
    outputDir: summary.options.outputDir ?? prev?.outputDir ?? null,
  };
  if (next.status !== 'running') {
    next.bytesPerSecond = 0;
    next.etaSeconds = null;
    next.etaSmoothed = null;
    next.runningSince = null;
  }
  return { ...state, byId: { ...state.byId, [summary.id]: next }, order: withOrder(state.order, summary.id) };
}

export function applyProgress(state: JobsState, p: JobProgress, now = Date.now()): JobsState {
  const prev = state.byId[p.jobId] ?? blankJob(p.jobId, p.type, p.status);
  // Paused (or being paused/cancelled) means nothing moves: a late tick from the worker is not news.
  const still =
    state.byId[p.jobId] !== undefined &&
    (prev.pending === 'pause' || prev.pending === 'cancel' || prev.status === 'paused' || prev.status === 'cancelled');
  if (still) return state;
  // Status events and api answers own the status. A progress tick may only show that a queued job
  // started: a late tick sent just before a pause must not flip "Paused" back to "Running".
  const known = state.byId[p.jobId] !== undefined;
  const status = !known || (prev.pending === null && (prev.status === 'queued' || prev.status === 'running')) ? p.status : prev.status;
  const counts = forward(prev, p);
  const runningSince = status === 'running' ? (prev.runningSince ?? now) : null;
  const etaSmoothed =
    p.etaSeconds === null ? null : prev.etaSmoothed === null ? p.etaSeconds : prev.etaSmoothed + ETA_SMOOTHING * (p.etaSeconds - prev.etaSmoothed);
  const meaningful = runningSince !== null && now - runningSince >= ETA_AFTER_MS && doneFraction(counts) >= ETA_AFTER_FRACTION;
  const next: JobView = {
    ...prev,
    status,
    ...counts,
    currentFile: p.currentFile,
    errorCount: Math.max(prev.errorCount, p.errorCount),
    bytesPerSecond: p.bytesPerSecond,
    runningSince,
    etaSmoothed,
    etaSeconds: meaningful && etaSmoothed !== null ? Math.round(etaSmoothed) : null,
  };
  // Follow a job started elsewhere (the tray, the CLI, a resume) unless the screen already follows
  // one that is still going.
  const followed = state.current[p.type];
  const followedJob = followed === null ? undefined : state.byId[followed];
  const keep = followed === p.jobId || (followedJob !== undefined && !isFinishedStatus(followedJob.status));
  const current = keep ? state.current : { ...state.current, [p.type]: p.jobId };
  return { ...state, byId: { ...state.byId, [p.jobId]: next }, order: withOrder(state.order, p.jobId), current };
}

export function applyStatus(state: JobsState, e: JobStatusEvent): JobsState {
  const prev = state.byId[e.jobId] ?? blankJob(e.jobId, e.type, e.status);
  const next: JobView = {
    ...prev,
    status: e.status,
    error: e.error,
    pending: null,
    statusBeforePending: null,
    bytesPerSecond: e.status === 'running' ? prev.bytesPerSecond : 0,
    etaSeconds: e.status === 'running' ? prev.etaSeconds : null,
    // A resumed run earns its ETA again.
    runningSince: e.status === 'running' ? prev.runningSince : null,
    etaSmoothed: e.status === 'running' ? prev.etaSmoothed : null,
    cancelRequested: e.status === 'running' ? false : prev.cancelRequested,
  };
  return { ...state, byId: { ...state.byId, [e.jobId]: next }, order: withOrder(state.order, e.jobId) };
}

export function applyFinished(state: JobsState, e: JobFinishedEvent): JobsState {
  const prev = state.byId[e.jobId] ?? blankJob(e.jobId, e.type, e.status);
  const next: JobView = {
    ...prev,
    status: e.status,
    filesDone: prev.filesTotal === e.filesTotal ? Math.max(prev.filesDone, e.filesDone) : e.filesDone,
    filesTotal: e.filesTotal,
    errorCount: e.errorCount,
    error: e.error,
    currentFile: null,
    bytesPerSecond: 0,
    etaSeconds: null,
    etaSmoothed: null,
    runningSince: null,
    pending: null,
    statusBeforePending: null,
    outputDir: e.outputDir ?? prev.outputDir,
    stats: e.stats ?? prev.stats,
  };
  return { ...state, byId: { ...state.byId, [e.jobId]: next }, order: withOrder(state.order, e.jobId) };
}

const OPTIMISTIC: Record<'pause' | 'resume' | 'cancel', JobStatus> = {
  pause: 'paused',
  resume: 'running',
  cancel: 'cancelled',
};

/** Shows the requested state at once so the buttons answer immediately; main's reply confirms or reverts it. */
export function beginJobAction(state: JobsState, id: number, action: 'pause' | 'resume' | 'cancel'): JobsState {
  const prev = state.byId[id];
  if (!prev) return state;
  const next: JobView = {
    ...prev,
    status: OPTIMISTIC[action],
    pending: action,
    statusBeforePending: prev.pending ? prev.statusBeforePending : prev.status,
    actionError: null,
    cancelRequested: action === 'cancel' ? true : action === 'resume' ? false : prev.cancelRequested,
  };
  return { ...state, byId: { ...state.byId, [id]: next } };
}

export function failJobAction(state: JobsState, id: number, error: AppError): JobsState {
  const prev = state.byId[id];
  if (!prev) return state;
  const next: JobView = {
    ...prev,
    status: prev.statusBeforePending ?? prev.status,
    pending: null,
    statusBeforePending: null,
    actionError: error,
  };
  return { ...state, byId: { ...state.byId, [id]: next } };
}

/** The newest job of a type that still needs attention, for the screens to follow after a restart. */
export function pickCurrent(jobs: JobSummary[], type: JobType): number | null {
  const candidates = jobs
    .filter((j) => j.type === type && (ACTIVE_STATUSES.includes(j.status) || j.status === 'interrupted'))
    .sort((a, b) => b.id - a.id);
  return candidates[0]?.id ?? null;
}
