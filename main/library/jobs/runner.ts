/**
 * The job runner: one job at a time from a FIFO queue kept in the database (so it survives a
 * restart), and the job's state machine: start, pause, resume, cancel, retries after a worker
 * died, and the status a run ends in. Each run owns its worker and writes what the worker
 * reports (import-run.ts, export-run.ts); the main thread stays the single database writer and
 * workers only do file I/O and report back.
 */
import { appError, err, ok, type AppError, type Result } from '../../../shared/errors.js';
import type { JobFinishedEvent, JobProgress, JobStatus, JobStatusEvent, JobSummary } from '../../../shared/types.js';
import { RESUMABLE_STATUSES } from '../../../shared/types.js';
import type { ArchivesRepo } from '../db/archives-repo.js';
import type { FilesRepo } from '../db/files-repo.js';
import { getJob, markRunningAsInterrupted, nextQueuedJob, nowIso, updateJob } from '../db/jobs-repo.js';
import type { Db } from '../db/open-db.js';
import { CONTROL_CANCEL, CONTROL_PAUSE } from '../../protocol/workers.js';
import { ExportRun } from './export-run.js';
import { ImportRun } from './import-run.js';
import type { JobRun, RunDeps, StopMessage, WorkerFactory } from './job-run.js';

export type { WorkerFactory } from './job-run.js';

export type CoreEvent =
  | { channel: 'job:progress'; payload: JobProgress }
  | { channel: 'job:status'; payload: JobStatusEvent }
  | { channel: 'job:finished'; payload: JobFinishedEvent };

export interface RunnerDeps {
  db: Db;
  files: FilesRepo;
  archives: ArchivesRepo;
  createWorker: WorkerFactory;
  emit: (event: CoreEvent) => void;
  /** Delay before a crashed worker's job is retried (30 s in the app). */
  retryDelayMs?: number;
  /** Automatic retries after a worker crash before the job fails. */
  maxRetries?: number;
  /** Progress events at most this often. */
  progressIntervalMs?: number;
  /** Output paths / import rows are committed at most this often (and always before a status change). */
  commitIntervalMs?: number;
  /** Export pages sent to the worker. */
  pageSize?: number;
}

/** Statuses that end a wait for a job (`waitForJob`): every one but queued and running. */
const STOPPED_STATUSES: readonly JobStatus[] = ['paused', 'cancelled', 'completed', 'failed', 'halted', 'interrupted'];

/** Statuses in which a job is over (it gets a `completedAt`). */
const FINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'halted', 'cancelled'];

export class JobRunner {
  private active: JobRun | null = null;
  private closed = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly statusWaiters = new Set<(job: JobSummary) => void>();
  private readonly retryDelayMs: number;
  private readonly maxRetries: number;
  private readonly progressIntervalMs: number;
  /** What the runs use, and how they hand their stop messages and worker exits back here. */
  private readonly runDeps: RunDeps;

  constructor(private readonly deps: RunnerDeps) {
    this.retryDelayMs = deps.retryDelayMs ?? 30_000;
    this.maxRetries = deps.maxRetries ?? 2;
    this.progressIntervalMs = deps.progressIntervalMs ?? 100;
    this.runDeps = {
      db: deps.db,
      files: deps.files,
      archives: deps.archives,
      createWorker: deps.createWorker,
      commitIntervalMs: deps.commitIntervalMs ?? 500,
      pageSize: deps.pageSize ?? 500,
      onStopMessage: (run, message) => this.onStopMessage(run, message),
      onWorkerExit: (run, code) => this.onWorkerExit(run, code),
    };
  }

  /** Marks jobs that were running when the process died as interrupted, then starts the queue. */
  start(): number[] {
    const interrupted = markRunningAsInterrupted(this.deps.db);
    this.startNextQueued();
    return interrupted;
  }

  /** The job currently owning the worker slot, if any. */
  activeJob(): JobSummary | null {
    return this.active && !this.active.ended ? this.active.summary() : null;
  }

  enqueue(jobId: number): void {
    updateJob(this.deps.db, jobId, { status: 'queued', queuedAt: nowIso() });
    const job = getJob(this.deps.db, jobId);
    if (job) this.emitStatus(job);
    this.startNextQueued();
  }

  /** Resolves once the job leaves queued/running (paused, completed, failed, ...). */
  waitForJob(jobId: number): Promise<JobSummary> {
    return new Promise((resolve, reject) => {
      const check = (job: JobSummary | null): boolean => {
        if (!job) {
          reject(new Error(`job ${jobId} not found`));
          return true;
        }
        if (job.id === jobId && STOPPED_STATUSES.includes(job.status)) {
          resolve(job);
          return true;
        }
        return false;
      };
      if (check(getJob(this.deps.db, jobId))) return;
      const waiter = (job: JobSummary): void => {
        if (job.id === jobId && check(job)) this.statusWaiters.delete(waiter);
      };
      this.statusWaiters.add(waiter);
    });
  }

  async pause(jobId: number): Promise<Result<JobSummary>> {
    const job = getJob(this.deps.db, jobId);
    if (!job) return err('not-found', `There is no job ${jobId}.`);
    const run = this.active;
    if (run && run.job.id === jobId && !run.ended) {
      this.requestPause(run);
      await this.waitForJob(jobId);
      return ok(getJob(this.deps.db, jobId) ?? job);
    }
    if (job.status === 'queued') return ok(this.writeStatus(jobId, 'paused'));
    if (job.status === 'paused') return ok(job);
    return err('conflict', `This job is ${job.status}; only a running or queued job can be paused.`);
  }

  async resume(jobId: number): Promise<Result<JobSummary>> {
    const job = getJob(this.deps.db, jobId);
    if (!job) return err('not-found', `There is no job ${jobId}.`);
    if (this.active && this.active.job.id === jobId && !this.active.ended) return ok(this.active.summary());
    if (job.status === 'queued' || job.status === 'running') return ok(job);
    if (!RESUMABLE_STATUSES.includes(job.status)) {
      return err('conflict', `This job is ${job.status} and cannot be resumed.`);
    }
    updateJob(this.deps.db, jobId, { status: 'queued', queuedAt: nowIso(), error: null, retryCount: 0, completedAt: null });
    const queued = getJob(this.deps.db, jobId) ?? job;
    this.emitStatus(queued);
    this.startNextQueued();
    return ok(getJob(this.deps.db, jobId) ?? queued);
  }

  async cancel(jobId: number): Promise<Result<JobSummary>> {
    const job = getJob(this.deps.db, jobId);
    if (!job) return err('not-found', `There is no job ${jobId}.`);
    const run = this.active;
    if (run && run.job.id === jobId && !run.ended) {
      // A cancel overrides a pause whose acknowledgement has not been read yet.
      if (run.stop === null || run.stop === 'pause') {
        run.stop = 'cancel';
        run.sendControl(CONTROL_CANCEL);
      }
      await this.waitForJob(jobId);
      return ok(getJob(this.deps.db, jobId) ?? job);
    }
    if (job.status === 'completed' || job.status === 'cancelled') {
      return err('conflict', `This job is already ${job.status}.`);
    }
    return ok(this.writeStatus(jobId, 'cancelled'));
  }

  /** Pauses the running job (quitting the app) and waits until its worker is gone. */
  async pauseForQuit(): Promise<void> {
    const run = this.active;
    if (!run) return;
    if (!run.ended) this.requestPause(run);
    await run.exited;
  }

  async close(): Promise<void> {
    await this.pauseForQuit();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopProgressTimer();
  }

  // ------------------------------------------------------------------ internals

  private startNextQueued(): void {
    if (this.closed || this.active) return;
    const queued = nextQueuedJob(this.deps.db);
    if (!queued) return;
    const next = queued.job;
    const notBefore = queued.queuedAt ? Date.parse(queued.queuedAt) : null;
    if (notBefore !== null && notBefore > Date.now()) {
      // A crashed job waits out its retry delay; check again then.
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.startNextQueued(), notBefore - Date.now());
      return;
    }
    try {
      const started = next.type === 'import' ? ok(ImportRun.start(next, this.runDeps)) : ExportRun.start(next, this.runDeps);
      if (!started.ok) {
        this.recordJobEnd(next.id, 'failed', started.error);
        this.startNextQueued();
        return;
      }
      this.active = started.value;
      this.markRunning(started.value);
    } catch (e) {
      const error = appError('internal', 'The job could not be started.', e instanceof Error ? e.stack : String(e));
      console.error('[runner] start failed', e);
      this.active = null;
      this.recordJobEnd(next.id, 'failed', error);
      this.startNextQueued();
    }
  }

  private markRunning(run: JobRun): void {
    updateJob(this.deps.db, run.job.id, {
      status: 'running',
      startedAt: run.job.startedAt ?? nowIso(),
      progressCurrent: run.filesDone,
      progressTotal: run.filesTotal,
      bytesCurrent: run.bytesDone,
      bytesTotal: run.bytesTotal,
      error: null,
    });
    run.job = getJob(this.deps.db, run.job.id) ?? run.job;
    run.meter.reset(run.bytesDone);
    this.emitStatus(run.job);
    this.startProgressTimer();
  }

  private requestPause(run: JobRun): void {
    if (run.stop !== null) return;
    run.stop = 'pause';
    run.sendControl(CONTROL_PAUSE);
  }

  /** The messages with which every worker stops: they decide the status the run ends in. */
  private onStopMessage(run: JobRun, message: StopMessage): void {
    switch (message.type) {
      case 'paused':
        // Paused jobs release the worker slot: the worker is told to clean up its temp file and
        // exit, and a resume starts a fresh worker that continues with what is not done. A cancel
        // that came in after the pause, before the worker saw it, is the user's last word.
        this.endRun(run, run.stop === 'cancel' ? 'cancelled' : 'paused', null);
        run.sendControl(CONTROL_CANCEL);
        break;
      case 'cancelled':
        if (run.stop === 'halt') this.endRun(run, 'halted', run.stopError);
        else this.endRun(run, run.stop === 'pause' ? 'paused' : 'cancelled', null);
        break;
      case 'done':
        run.beforeCompleted();
        this.endRun(run, 'completed', null);
        break;
      case 'fatal':
        this.endRun(run, run.statusAfterFatal(message.error), message.error);
        run.sendControl(CONTROL_CANCEL);
        break;
      default: {
        const never: never = message;
        console.error('[runner] unknown worker message', never);
      }
    }
  }

  private onWorkerExit(run: JobRun, code: number): void {
    if (this.active === run) this.active = null;
    if (!run.ended) {
      // The worker died without finishing: retry it (30 s apart) before failing the job.
      run.commit();
      const job = getJob(this.deps.db, run.job.id);
      const retries = (job?.retryCount ?? 0) + 1;
      const error =
        run.stopError ?? appError('worker-died', `The background worker stopped unexpectedly (exit code ${code}).`);
      run.ended = true;
      if (retries <= this.maxRetries && !this.closed) {
        updateJob(this.deps.db, run.job.id, {
          status: 'queued',
          retryCount: retries,
          error,
          queuedAt: new Date(Date.now() + this.retryDelayMs).toISOString(),
        });
        const queued = getJob(this.deps.db, run.job.id);
        if (queued) this.emitStatus(queued);
      } else {
        updateJob(this.deps.db, run.job.id, { retryCount: retries });
        this.recordJobEnd(run.job.id, 'failed', error);
      }
    }
    if (!this.active) this.stopProgressTimer();
    this.startNextQueued();
  }

  /**
   * Ends this run of its job in `status`: commits everything first, ignores the worker's later
   * messages, sends the last progress, then records the end (`recordJobEnd`).
   */
  private endRun(run: JobRun, status: JobStatus, error: AppError | null): void {
    if (run.ended) return;
    run.commit();
    run.ended = true;
    run.clearInflight();
    this.emitProgress(run);
    this.recordJobEnd(run.job.id, status, error, run.outputDir);
  }

  /**
   * Writes the status a job stopped in (`writeStatus`) and, unless the job can go on by itself
   * (paused, queued), announces `job:finished` with its figures.
   */
  private recordJobEnd(jobId: number, status: JobStatus, error: AppError | null, outputDir: string | null = null): void {
    const job = this.writeStatus(jobId, status, error);
    if (status !== 'paused' && status !== 'queued') {
      this.deps.emit({
        channel: 'job:finished',
        payload: {
          jobId,
          type: job.type,
          status,
          filesDone: job.filesDone,
          filesTotal: job.filesTotal,
          errorCount: job.errorCount,
          error,
          outputDir: outputDir ?? job.options.outputDir ?? null,
          stats: job.stats,
        },
      });
    }
  }

  /**
   * Writes a job's status and error, clears its current file, stamps `completedAt` when the
   * status is final, and announces `job:status`.
   */
  private writeStatus(jobId: number, status: JobStatus, error: AppError | null = null): JobSummary {
    updateJob(this.deps.db, jobId, {
      status,
      error,
      currentFile: null,
      ...(FINAL_STATUSES.includes(status) ? { completedAt: nowIso() } : {}),
    });
    const job = getJob(this.deps.db, jobId);
    if (!job) throw new Error(`job ${jobId} vanished`);
    this.emitStatus(job);
    return job;
  }

  private emitStatus(job: JobSummary): void {
    this.deps.emit({ channel: 'job:status', payload: { jobId: job.id, type: job.type, status: job.status, error: job.error } });
    for (const waiter of [...this.statusWaiters]) waiter(job);
  }

  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      const run = this.active;
      if (run && !run.ended) this.emitProgress(run);
    }, this.progressIntervalMs);
    this.progressTimer.unref();
  }

  private stopProgressTimer(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = null;
  }

  private emitProgress(run: JobRun): void {
    const bytesDone = run.bytesDone + run.inflightBytes;
    const speed = run.meter.sample(bytesDone);
    const remaining = Math.max(0, run.bytesTotal - bytesDone);
    this.deps.emit({
      channel: 'job:progress',
      payload: {
        jobId: run.job.id,
        type: run.job.type,
        status: run.ended ? (getJob(this.deps.db, run.job.id)?.status ?? 'running') : 'running',
        filesDone: run.filesDone,
        filesTotal: run.filesTotal,
        bytesDone,
        bytesTotal: run.bytesTotal,
        currentFile: run.currentFile,
        errorCount: run.errorCount,
        bytesPerSecond: Math.round(speed),
        etaSeconds: speed > 0 && !run.ended ? Math.ceil(remaining / speed) : null,
      },
    });
  }
}
