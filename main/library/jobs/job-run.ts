/**
 * What import and export runs have in common: one run of a job on its own worker, the control
 * word shared with that worker, the progress figures, why the run is stopping, and the commit
 * rhythm of its buffered results. Each kind (import-run.ts, export-run.ts) says what its
 * worker's messages do to the database; the messages every worker sends when it stops (paused,
 * cancelled, done, fatal) go to the runner, which owns the job's status.
 */
import type { Worker } from 'node:worker_threads';
import { appError, type AppError } from '../../../shared/errors.js';
import type { JobStatus, JobSummary } from '../../../shared/types.js';
import type { ArchivesRepo } from '../db/archives-repo.js';
import type { FilesRepo } from '../db/files-repo.js';
import type { JobPatch } from '../db/jobs-repo.js';
import type { Db } from '../db/open-db.js';
import type { ExportWorkerData, ExportWorkerMessage, ImportWorkerData, ImportWorkerMessage } from '../../protocol/workers.js';
import { ProgressMeter } from './progress-meter.js';

export type WorkerFactory = (kind: 'import' | 'export', data: ImportWorkerData | ExportWorkerData) => Worker;

/** The messages with which a worker of either kind stops; the runner decides what they make of the job. */
export type StopMessage = Extract<ImportWorkerMessage | ExportWorkerMessage, { type: 'paused' | 'cancelled' | 'done' | 'fatal' }>;

/** Why the runner asked the worker to stop ('halt': too many export failures). */
export type StopReason = 'pause' | 'cancel' | 'halt';

export interface RunDeps {
  db: Db;
  files: FilesRepo;
  archives: ArchivesRepo;
  createWorker: WorkerFactory;
  /** Buffered results are committed at most this often (and always before a status change). */
  commitIntervalMs: number;
  /** Export pages sent to the worker. */
  pageSize: number;
  /** The runner's handling of a stop message. */
  onStopMessage(run: JobRun, message: StopMessage): void;
  /** The runner's handling of the worker's exit (a retry when the run had not ended). */
  onWorkerExit(run: JobRun, code: number): void;
}

export abstract class JobRun {
  readonly meter = new ProgressMeter();
  filesDone = 0;
  filesTotal = 0;
  bytesDone = 0;
  bytesTotal = 0;
  /** Bytes copied so far of the files in flight (export), for smooth byte progress. */
  inflightBytes = 0;
  currentFile: string | null = null;
  errorCount: number;
  stop: StopReason | null = null;
  stopError: AppError | null = null;
  /** Set once the job reached its final status for this run; later worker messages are ignored. */
  ended = false;
  /** The export's archive folder (named in `job:finished`); null for an import. */
  outputDir: string | null = null;
  /** Resolves once the worker has exited and the runner has handled it. */
  readonly exited: Promise<void>;
  private lastCommit = Date.now();

  protected constructor(
    public job: JobSummary,
    readonly worker: Worker,
    private readonly control: Int32Array,
    protected readonly deps: RunDeps,
  ) {
    this.errorCount = job.errorCount;
    worker.on('error', (error) => {
      console.error(`[runner] worker for job ${job.id} failed`, error);
      this.stopError ??= appError('worker-died', 'The background worker stopped unexpectedly.', error.stack ?? String(error));
    });
    this.exited = new Promise((resolve) => {
      worker.on('exit', (code) => {
        deps.onWorkerExit(this, code);
        resolve();
      });
    });
  }

  /** Called on the worker's `done`, before the job is marked completed. */
  beforeCompleted(): void {}

  /** The status a fatal error from the worker leaves the job in. */
  statusAfterFatal(_error: AppError): JobStatus {
    return 'failed';
  }

  /** Writes the control word (pause/cancel) and wakes the worker to read it. */
  sendControl(value: number): void {
    Atomics.store(this.control, 0, value);
    Atomics.notify(this.control, 0);
    try {
      this.worker.postMessage({ type: 'control' });
    } catch {
      // The worker may already be gone; its exit handler ends the run.
    }
  }

  /** Writes buffered file results and the job's counters in one go. */
  commit(): void {
    this.lastCommit = Date.now();
    this.writeResults();
  }

  protected commitIfDue(): void {
    if (Date.now() - this.lastCommit >= this.deps.commitIntervalMs) this.commit();
  }

  /** Records the buffered results of this kind and the job's counters (`jobCounters`). */
  protected abstract writeResults(): void;

  protected jobCounters(): JobPatch {
    return {
      progressCurrent: this.filesDone,
      progressTotal: this.filesTotal,
      bytesCurrent: this.bytesDone,
      bytesTotal: this.bytesTotal,
      currentFile: this.currentFile,
      errorCount: this.errorCount,
    };
  }

  /** Forgets the files in flight once the run has ended. */
  clearInflight(): void {
    this.inflightBytes = 0;
    this.currentFile = null;
  }

  /** The job as it stands in this run (the database holds the figures of the last commit). */
  summary(): JobSummary {
    return {
      ...this.job,
      status: this.ended ? this.job.status : 'running',
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone + this.inflightBytes,
      bytesTotal: this.bytesTotal,
      currentFile: this.currentFile,
      errorCount: this.errorCount,
    };
  }
}
