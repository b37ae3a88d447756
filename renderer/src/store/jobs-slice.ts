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
}

export interface ImportStats {
  new: number;
  known: number;
  failed: number;
  skipped: number;
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
  };
}

function withOrder(order: number[], id: number): number[] {
  return order.includes(id) ? order : [id, ...order].sort((a, b) => b - a);
}

/** Merges a stored summary (from listJobs/getJob/pause...) into the view, keeping live-only numbers. */
export function upsertSummary(state: JobsState, summary: JobSummary): JobsState {
  const prev = state.byId[summary.id];
  const next: JobView = {
    ...(prev ?? blankJob(summary.id, summary.type, summary.status)),
    ...summary,
    pending: null,
    statusBeforePending: null,
    outputDir: summary.options.outputDir ?? prev?.outputDir ?? null,
  };
  if (next.status !== 'running') {
    next.bytesPerSecond = 0;
    next.etaSeconds = null;
  }
  return { ...state, byId: { ...state.byId, [summary.id]: next }, order: withOrder(state.order, summary.id) };
}

export function applyProgress(state: JobsState, p: JobProgress): JobsState {
  const prev = state.byId[p.jobId] ?? blankJob(p.jobId, p.type, p.status);
  // Status events and api answers own the status. A progress tick may only show that a queued job
  // started: a late tick sent just before a pause must not flip "Paused" back to "Running".
  const known = state.byId[p.jobId] !== undefined;
  const status = !known || (prev.pending === null && (prev.status === 'queued' || prev.status === 'running')) ? p.status : prev.status;
  const next: JobView = {
    ...prev,
    status,
    filesDone: p.filesDone,
    filesTotal: p.filesTotal,
    bytesDone: p.bytesDone,
    bytesTotal: p.bytesTotal,
    currentFile: p.currentFile,
    errorCount: p.errorCount,
    bytesPerSecond: p.bytesPerSecond,
    etaSeconds: p.etaSeconds,
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
  };
  return { ...state, byId: { ...state.byId, [e.jobId]: next }, order: withOrder(state.order, e.jobId) };
}

export function applyFinished(state: JobsState, e: JobFinishedEvent): JobsState {
  const prev = state.byId[e.jobId] ?? blankJob(e.jobId, e.type, e.status);
  const next: JobView = {
    ...prev,
    status: e.status,
    filesDone: e.filesDone,
    filesTotal: e.filesTotal,
    errorCount: e.errorCount,
    error: e.error,
    currentFile: null,
    bytesPerSecond: 0,
    etaSeconds: null,
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
