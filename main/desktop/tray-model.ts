/**
 * What the tray, the taskbar progress bar and desktop notifications show for the current job,
 * as plain functions of the job's state. main.ts only hands the results to Electron.
 */
import type { AppError } from '../../shared/errors.js';
import { formatCount, formatEta } from '../../shared/format.js';
import type { JobFinishedEvent, JobProgress, JobStatus, JobSummary, JobType } from '../../shared/types.js';
import type { EventChannel } from '../../shared/contract.js';

/** The job the tray follows: its latest progress, with the status and error of the latest event. */
export interface JobView extends JobProgress {
  error: AppError | null;
}

/** Windows truncates tray tooltips beyond 127 characters. */
const TOOLTIP_MAX = 127;

/**
 * Share of the job done, 0..1: by files (what the tooltip counts), by bytes when the file total
 * is not known yet; null when neither is.
 */
export function jobFraction(p: Pick<JobProgress, 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'>): number | null {
  if (p.filesTotal > 0) return Math.min(1, Math.max(0, p.filesDone / p.filesTotal));
  if (p.bytesTotal > 0) return Math.min(1, Math.max(0, p.bytesDone / p.bytesTotal));
  return null;
}

/** Whole percent; never shows 100% before the last file is done. */
function percent(p: JobProgress): number | null {
  const fraction = jobFraction(p);
  if (fraction === null) return null;
  const rounded = Math.round(fraction * 100);
  return rounded === 100 && p.filesDone < p.filesTotal ? 99 : rounded;
}

function noun(type: JobType): { ing: string; name: string; past: string } {
  return type === 'import'
    ? { ing: 'Importing', name: 'Import', past: 'imported' }
    : { ing: 'Exporting', name: 'Export', past: 'exported' };
}

/** `1,234 of 5,000 — 25%`, or just `1,234 files` while the total is unknown. */
function counts(p: JobProgress): string {
  if (p.filesTotal <= 0) return p.filesDone > 0 ? `${formatCount(p.filesDone)} files` : '';
  const pct = percent(p);
  return `${formatCount(p.filesDone)} of ${formatCount(p.filesTotal)}${pct === null ? '' : ` — ${pct}%`}`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

function clip(text: string): string {
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

/**
 * The tray tooltip, also the first (disabled) menu label because Linux trays often show no
 * tooltip: e.g. `Exporting 1,234 of 5,000 — 25%, 3 min left`.
 */
export function trayTooltip(view: JobView | null): string {
  if (view === null) return 'MediaParser';
  const n = noun(view.type);
  const c = counts(view);
  const at = c ? ` at ${c}` : '';
  switch (view.status) {
    case 'queued':
      return clip(`${n.name} waiting to start`);
    case 'running': {
      const eta = formatEta(view.etaSeconds);
      const head = c ? `${n.ing} ${c}` : `${n.ing}…`;
      return clip(eta ? `${head}, ${eta}` : head);
    }
    case 'paused':
      return clip(`${n.name} paused${at}`);
    case 'interrupted':
      return clip(`${n.name} interrupted${at} — can be resumed`);
    case 'halted':
      return clip(`${n.name} halted${at}${view.error ? `: ${view.error.message}` : ''}`);
    case 'failed':
      return clip(`${n.name} failed${view.error ? `: ${view.error.message}` : ''}`);
    case 'cancelled':
      return clip(`${n.name} cancelled${at}`);
    case 'completed': {
      const errors = view.errorCount > 0 ? `, ${plural(view.errorCount, 'error')}` : '';
      return clip(`${n.name} finished: ${plural(view.filesDone, 'file')} ${n.past}${errors}`);
    }
    default: {
      const never: never = view.status;
      return clip(`${n.name}: ${String(never)}`);
    }
  }
}

export type ProgressBarMode = 'none' | 'normal' | 'indeterminate' | 'error' | 'paused';

/**
 * The taskbar progress bar. Electron removes the bar for a negative value and shows an
 * indeterminate bar for a value above 1, so `progress` is chosen to match `mode` on every OS
 * (the mode itself is honoured on Windows only).
 */
export function progressBarState(view: JobView | null): { progress: number; mode: ProgressBarMode } {
  if (view === null) return { progress: -1, mode: 'none' };
  const fraction = jobFraction(view);
  switch (view.status) {
    case 'queued':
      return { progress: 2, mode: 'indeterminate' };
    case 'running':
      return fraction === null ? { progress: 2, mode: 'indeterminate' } : { progress: fraction, mode: 'normal' };
    case 'paused':
    case 'interrupted':
      return { progress: fraction ?? 0, mode: 'paused' };
    case 'halted':
    case 'failed':
      return { progress: fraction ?? 1, mode: 'error' };
    case 'completed':
    case 'cancelled':
      return { progress: -1, mode: 'none' };
    default: {
      const never: never = view.status;
      throw new Error(`Unexpected job status: ${String(never)}`);
    }
  }
}

export type TrayItemId = 'status' | 'show' | 'pause-resume' | 'cancel' | 'quit';

export interface TrayMenuItem {
  id: TrayItemId;
  label: string;
  enabled: boolean;
}

const PAUSABLE: readonly JobStatus[] = ['queued', 'running'];
const TRAY_RESUMABLE: readonly JobStatus[] = ['paused', 'interrupted', 'halted'];
const CANCELLABLE: readonly JobStatus[] = ['queued', 'running', 'paused', 'interrupted', 'halted'];

/** What the Pause/Resume item would do for this job, if anything. */
export function pauseResumeAction(view: JobView | null): 'pause' | 'resume' | null {
  if (view === null) return null;
  if (PAUSABLE.includes(view.status)) return 'pause';
  if (TRAY_RESUMABLE.includes(view.status)) return 'resume';
  return null;
}

/** The tray menu: status line, Show window, Pause/Resume, Cancel, Quit. */
export function trayMenuModel(view: JobView | null): TrayMenuItem[] {
  const action = pauseResumeAction(view);
  const running = view !== null && PAUSABLE.includes(view.status);
  return [
    { id: 'status', label: trayTooltip(view), enabled: false },
    { id: 'show', label: 'Show window', enabled: true },
    { id: 'pause-resume', label: action === 'resume' ? 'Resume' : 'Pause', enabled: action !== null },
    { id: 'cancel', label: 'Cancel', enabled: view !== null && CANCELLABLE.includes(view.status) },
    { id: 'quit', label: running ? `Quit (pauses the ${noun(view.type).name.toLowerCase()})` : 'Quit', enabled: true },
  ];
}

/** A desktop notification for a job that ended on its own; none for what the user did (pause, cancel). */
export function notificationFor(event: JobFinishedEvent): { title: string; body: string } | null {
  const n = noun(event.type);
  const errors = event.errorCount > 0 ? ` ${plural(event.errorCount, 'file')} could not be ${n.past}.` : '';
  switch (event.status) {
    case 'completed': {
      const where = event.type === 'export' && event.outputDir ? ` to ${event.outputDir}` : '';
      return { title: `${n.name} finished`, body: `${plural(event.filesDone, 'file')} ${n.past}${where}.${errors}` };
    }
    case 'halted':
      return {
        title: `${n.name} halted`,
        body: `${event.error?.message ?? 'The job stopped.'} Fix the problem, then resume it from Jobs.`,
      };
    case 'failed':
      return {
        title: `${n.name} failed`,
        body: `${event.error?.message ?? 'Something went wrong.'}${errors}`,
      };
    case 'queued':
    case 'running':
    case 'paused':
    case 'cancelled':
    case 'interrupted':
      return null;
    default: {
      const never: never = event.status;
      throw new Error(`Unexpected job status: ${String(never)}`);
    }
  }
}

/** A job as the tray shows it, from a summary (start-up, `runner.active()`). */
export function jobViewFromSummary(job: JobSummary): JobView {
  return {
    jobId: job.id,
    type: job.type,
    status: job.status,
    filesDone: job.filesDone,
    filesTotal: job.filesTotal,
    bytesDone: job.bytesDone,
    bytesTotal: job.bytesTotal,
    currentFile: job.currentFile,
    errorCount: job.errorCount,
    bytesPerSecond: 0,
    etaSeconds: null,
    error: job.error,
  };
}

/**
 * Folds one core event into the tray's view. A progress or status event for another job makes
 * that job the one followed (only one job runs at a time, and the newest is what the user cares about).
 */
export function reduceJobView(view: JobView | null, event: { channel: EventChannel; payload: unknown }): JobView | null {
  switch (event.channel) {
    case 'job:progress': {
      const p = event.payload as JobProgress;
      const error = view !== null && view.jobId === p.jobId && p.status === view.status ? view.error : null;
      return { ...p, error };
    }
    case 'job:status': {
      const s = event.payload as { jobId: number; type: JobType; status: JobStatus; error: AppError | null };
      if (view !== null && view.jobId === s.jobId) {
        // A status without new counts: keep the counts, drop a stale ETA once the job stops running.
        return { ...view, status: s.status, error: s.error, etaSeconds: s.status === 'running' ? view.etaSeconds : null };
      }
      return {
        jobId: s.jobId,
        type: s.type,
        status: s.status,
        filesDone: 0,
        filesTotal: 0,
        bytesDone: 0,
        bytesTotal: 0,
        currentFile: null,
        errorCount: 0,
        bytesPerSecond: 0,
        etaSeconds: null,
        error: s.error,
      };
    }
    case 'job:finished': {
      const f = event.payload as JobFinishedEvent;
      const base = view !== null && view.jobId === f.jobId ? view : null;
      return {
        jobId: f.jobId,
        type: f.type,
        status: f.status,
        filesDone: f.filesDone,
        filesTotal: f.filesTotal,
        bytesDone: base?.bytesDone ?? 0,
        bytesTotal: base?.bytesTotal ?? 0,
        currentFile: null,
        errorCount: f.errorCount,
        bytesPerSecond: 0,
        etaSeconds: null,
        error: f.error,
      };
    }
    // A verification is not a job: the tray follows jobs only.
    case 'verify:progress':
    case 'verify:finished':
      return view;
    default: {
      const never: never = event.channel;
      throw new Error(`Unexpected event channel: ${String(never)}`);
    }
  }
}

/** Rebuilding a native menu ten times a second is wasteful: only the status line may lag, by up to `minIntervalMs`. */
export function shouldRebuildMenu(
  previous: TrayMenuItem[] | null,
  next: TrayMenuItem[],
  msSinceLastBuild: number,
  minIntervalMs = 1000,
): boolean {
  if (previous === null || previous.length !== next.length) return true;
  let statusChanged = false;
  for (let i = 0; i < next.length; i++) {
    const a = previous[i]!;
    const b = next[i]!;
    if (a.id !== b.id || a.enabled !== b.enabled) return true;
    if (a.label !== b.label) {
      if (b.id !== 'status') return true;
      statusChanged = true;
    }
  }
  return statusChanged && msSinceLastBuild >= minIntervalMs;
}
