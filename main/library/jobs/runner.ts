/**
 * The job runner: one job at a time from a FIFO queue kept in the database (so it survives a
 * restart). It owns each Worker, the job state machine and every database write for the job
 * (the single writer); workers only do file I/O and report back.
 */
import type { Worker } from 'node:worker_threads';
import { appError, err, ok, type AppError, type Result } from '../../../shared/errors.js';
import type { JobFinishedEvent, JobProgress, JobStatus, JobStatusEvent, JobSummary } from '../../../shared/types.js';
import { RESUMABLE_STATUSES } from '../../../shared/types.js';
import { validateNameTemplate } from '../../../shared/name-template.js';
import type { ArchivedResult, ArchivesRepo, ExportCursor, ExportScope } from '../db/archives-repo.js';
import type { FilesRepo } from '../db/files-repo.js';
import { getJob, jobFilePaths, markRunningAsInterrupted, nextQueuedJob, nowIso, resumePosition, updateJob } from '../db/jobs-repo.js';
import { ExportLedger } from './export-ledger.js';
import type { Db } from '../db/open-db.js';
import { readSettings } from '../db/settings-repo.js';
import {
  CONTROL_CANCEL,
  CONTROL_PAUSE,
  type ExportRunnerMessage,
  type ExportWorkerData,
  type ExportWorkerMessage,
  type ImportWorkerData,
  type ImportWorkerMessage,
  type ImportedFile,
} from '../../protocol/workers.js';
import { ProgressMeter } from './progress-meter.js';

export type CoreEvent =
  | { channel: 'job:progress'; payload: JobProgress }
  | { channel: 'job:status'; payload: JobStatusEvent }
  | { channel: 'job:finished'; payload: JobFinishedEvent };

export type WorkerFactory = (kind: 'import' | 'export', data: ImportWorkerData | ExportWorkerData) => Worker;

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

type StopReason = 'pause' | 'cancel' | 'halt' | 'disk-full' | 'fatal';

type PendingImport =
  | { kind: 'ok'; file: ImportedFile }
  | { kind: 'failed'; path: string; root: string; size: number; message: string }
  | { kind: 'content-id'; path: string; contentId: string };

interface ActiveRun {
  job: JobSummary;
  worker: Worker;
  control: Int32Array;
  meter: ProgressMeter;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes copied so far of the files in flight (export), for smooth byte progress. */
  currentBytes: number;
  /** Files the export worker is copying right now (it may copy a few at once), oldest first. */
  inflight: Map<number, { name: string; bytes: number }>;
  currentFile: string | null;
  errorCount: number;
  processedThisRun: number;
  failedThisRun: number;
  stop: StopReason | null;
  stopError: AppError | null;
  /** Set once the job reached its final status for this run; later worker messages are ignored. */
  settled: boolean;
  outputDir: string | null;
  /** Export: the archive, the files in scope, and the order/outcome bookkeeping (see ExportLedger). */
  export: { archiveId: number; scope: ExportScope; cursor: ExportCursor | null; retry: boolean; ledger: ExportLedger } | null;
  pendingImport: PendingImport[];
  pendingDone: ArchivedResult[];
  pendingFailed: { fileId: number; message: string }[];
  lastCommit: number;
  exited: Promise<void>;
}

const TERMINAL_FOR_WAIT: readonly JobStatus[] = ['paused', 'cancelled', 'completed', 'failed', 'halted', 'interrupted'];

export class JobRunner {
  private active: ActiveRun | null = null;
  private closed = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly statusWaiters = new Set<(job: JobSummary) => void>();
  private readonly retryDelayMs: number;
  private readonly maxRetries: number;
  private readonly progressIntervalMs: number;
  private readonly commitIntervalMs: number;
  private readonly pageSize: number;

  constructor(private readonly deps: RunnerDeps) {
    this.retryDelayMs = deps.retryDelayMs ?? 30_000;
    this.maxRetries = deps.maxRetries ?? 2;
    this.progressIntervalMs = deps.progressIntervalMs ?? 100;
    this.commitIntervalMs = deps.commitIntervalMs ?? 500;
    this.pageSize = deps.pageSize ?? 500;
  }

  /** Marks jobs that were running when the process died as interrupted, then starts the queue. */
  start(): number[] {
    const interrupted = markRunningAsInterrupted(this.deps.db);
    this.startNextQueued();
    return interrupted;
  }

  /** The job currently owning the worker slot, if any. */
  activeJob(): JobSummary | null {
    return this.active && !this.active.settled ? this.summaryOf(this.active) : null;
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
        if (job.id === jobId && TERMINAL_FOR_WAIT.includes(job.status)) {
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
    if (run && run.job.id === jobId && !run.settled) {
      if (run.stop === null) {
        run.stop = 'pause';
        this.signal(run, CONTROL_PAUSE);
      }
      await this.waitForJob(jobId);
      return ok(getJob(this.deps.db, jobId) ?? job);
    }
    if (job.status === 'queued') return ok(this.setStatus(jobId, 'paused'));
    if (job.status === 'paused') return ok(job);
    return err('conflict', `This job is ${job.status}; only a running or queued job can be paused.`);
  }

  async resume(jobId: number): Promise<Result<JobSummary>> {
    const job = getJob(this.deps.db, jobId);
    if (!job) return err('not-found', `There is no job ${jobId}.`);
    if (this.active && this.active.job.id === jobId && !this.active.settled) return ok(this.summaryOf(this.active));
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
    if (run && run.job.id === jobId && !run.settled) {
      if (run.stop === null || run.stop === 'pause') {
        run.stop = 'cancel';
        this.signal(run, CONTROL_CANCEL);
      }
      await this.waitForJob(jobId);
      return ok(getJob(this.deps.db, jobId) ?? job);
    }
    if (job.status === 'completed' || job.status === 'cancelled') {
      return err('conflict', `This job is already ${job.status}.`);
    }
    return ok(this.setStatus(jobId, 'cancelled', null, true));
  }

  /** Pauses the running job (quitting the app) and waits until its worker is gone. */
  async pauseForQuit(): Promise<void> {
    const run = this.active;
    if (!run) return;
    if (!run.settled && run.stop === null) {
      run.stop = 'pause';
      this.signal(run, CONTROL_PAUSE);
    }
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
      if (next.type === 'import') this.startImport(next);
      else this.startExport(next);
    } catch (e) {
      const error = appError('internal', 'The job could not be started.', e instanceof Error ? e.stack : String(e));
      console.error('[runner] start failed', e);
      this.active = null;
      this.finish(next.id, 'failed', error);
      this.startNextQueued();
    }
  }

  private newRun(job: JobSummary, worker: Worker, control: Int32Array): ActiveRun {
    let resolveExit!: () => void;
    const exited = new Promise<void>((r) => (resolveExit = r));
    const run: ActiveRun = {
      job,
      worker,
      control,
      meter: new ProgressMeter(),
      filesDone: 0,
      filesTotal: 0,
      bytesDone: 0,
      bytesTotal: 0,
      currentBytes: 0,
      inflight: new Map(),
      currentFile: null,
      errorCount: job.errorCount,
      processedThisRun: 0,
      failedThisRun: 0,
      stop: null,
      stopError: null,
      settled: false,
      outputDir: null,
      export: null,
      pendingImport: [],
      pendingDone: [],
      pendingFailed: [],
      lastCommit: Date.now(),
      exited,
    };
    worker.on('error', (e) => {
      console.error(`[runner] worker for job ${job.id} failed`, e);
      run.stopError ??= appError('worker-died', 'The background worker stopped unexpectedly.', e.stack ?? String(e));
    });
    worker.on('exit', (code) => {
      this.onWorkerExit(run, code);
      resolveExit();
    });
    return run;
  }

  private startImport(job: JobSummary): void {
    const settings = readSettings(this.deps.db);
    const roots = job.options.sourceFolders ?? [];
    const skipPaths = jobFilePaths(this.deps.db, job.id);
    const control = new Int32Array(new SharedArrayBuffer(4));
    const received = new Int32Array(new SharedArrayBuffer(4));
    const data: ImportWorkerData = {
      kind: 'import',
      control: control.buffer as SharedArrayBuffer,
      roots,
      options: { timeZone: settings.timeZone, useFileDatesAsLastResort: settings.useFileDatesAsLastResort, useGpsTimeZone: settings.useGpsTimeZone },
      skipPaths,
      received: received.buffer as SharedArrayBuffer,
    };
    const worker = this.deps.createWorker('import', data);
    const run = this.newRun(job, worker, control);
    run.filesDone = skipPaths.length;
    run.filesTotal = skipPaths.length;
    this.active = run;
    this.markRunning(run);
    let taken = 0;
    worker.on('message', (m: ImportWorkerMessage) => {
      this.onImportMessage(run, m);
      // Flow control (ImportWorkerData.received): tell the worker how many results were read.
      const isResult = (x: ImportWorkerMessage): boolean => x.type === 'file' || x.type === 'file-failed';
      const results = m.type === 'batch' ? m.messages.filter(isResult).length : isResult(m) ? 1 : 0;
      if (results > 0) {
        taken += results;
        Atomics.store(received, 0, taken);
        Atomics.notify(received, 0);
      }
    });
  }

  private startExport(job: JobSummary): void {
    const settings = readSettings(this.deps.db);
    const outputDir = job.options.outputDir ?? settings.outputDirectory;
    if (!outputDir) {
      this.finish(job.id, 'failed', appError('output-unavailable', 'Choose an output folder before exporting.'));
      this.startNextQueued();
      return;
    }
    const nameTemplate = job.options.nameTemplate ?? settings.nameTemplate;
    const templateProblem = validateNameTemplate(nameTemplate);
    if (templateProblem !== null) {
      this.finish(job.id, 'failed', appError('invalid-argument', `The naming template cannot be used: ${templateProblem}`));
      this.startNextQueued();
      return;
    }
    const archives = this.deps.archives;
    const archiveId = archives.ensure(outputDir);
    const scope: ExportScope = { importJobId: job.options.importJobId ?? null };
    const counts = archives.counts(scope, archiveId);
    const saved = resumePosition(this.deps.db, job.id);
    const after = saved === null ? null : (JSON.parse(saved) as ExportCursor);
    const ledger = new ExportLedger(after, job.stats, counts.discardedInArchive, after !== null ? job.filesDone : 0);
    const control = new Int32Array(new SharedArrayBuffer(4));
    const data: ExportWorkerData = {
      kind: 'export',
      control: control.buffer as SharedArrayBuffer,
      jobId: job.id,
      outputDir,
      // Fidelity: what the copies get written into them (main/rules/write-truth.ts).
      write: { dates: settings.writeDatesIntoCopies, tags: settings.writeFolderTagsAsKeywords, timeZone: settings.timeZone },
      // The template the job was started with (a resume names files the same way), else today's setting.
      nameTemplate,
    };
    const worker = this.deps.createWorker('export', data);
    const run = this.newRun(job, worker, control);
    run.outputDir = outputDir;
    run.export = { archiveId, scope, cursor: after, retry: after !== null, ledger };
    // A resumed job continues after the last position before which everything was done.
    run.filesDone = after !== null ? job.filesDone : 0;
    run.filesTotal = counts.files;
    run.bytesDone = after !== null ? job.bytesDone : 0;
    run.bytesTotal = run.bytesDone + counts.newBytes;
    this.active = run;
    this.markRunning(run);
    worker.on('message', (m: ExportWorkerMessage) => this.onExportMessage(run, m));
  }

  /** The next page for the export worker: first the files this job failed on before, then onwards. */
  private sendExportPage(run: ActiveRun): void {
    const ex = run.export!;
    if (ex.retry) {
      ex.retry = false;
      const retry = ex.ledger.retryable(this.deps.archives.failedItems(run.job.id, ex.archiveId));
      if (retry.items.length) {
        ex.ledger.sent(retry.items, retry.keys, true);
        run.worker.postMessage({ type: 'files', items: retry.items, last: false } satisfies ExportRunnerMessage);
        return;
      }
    }
    const page = this.deps.archives.exportPage(ex.scope, ex.archiveId, ex.cursor, this.pageSize);
    ex.cursor = page.keys[page.keys.length - 1] ?? ex.cursor;
    ex.ledger.sent(page.items, page.keys, false);
    run.worker.postMessage({ type: 'files', items: page.items, last: page.items.length < this.pageSize } satisfies ExportRunnerMessage);
  }

  private markRunning(run: ActiveRun): void {
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

  private onImportMessage(run: ActiveRun, m: ImportWorkerMessage): void {
    if (run.settled) return;
    switch (m.type) {
      case 'scan-progress':
        run.filesTotal = Math.max(run.filesTotal, run.filesDone + m.found);
        run.currentFile = `Looking for photos and videos… ${m.found.toLocaleString('en-US')} found`;
        break;
      case 'scanned':
        run.filesTotal = run.filesDone + m.total;
        run.bytesTotal = run.bytesDone + m.totalBytes;
        // Hidden and system entries the scan left out: the import summary lists them, never silent.
        if (m.skipped) updateJob(this.deps.db, run.job.id, { importSkipped: m.skipped });
        break;
      case 'batch':
        for (const each of m.messages) this.onImportMessage(run, each);
        break;
      case 'file-started':
        run.currentFile = m.path;
        break;
      case 'file':
        run.pendingImport.push({ kind: 'ok', file: m.file });
        run.filesDone++;
        run.bytesDone += m.file.size;
        run.processedThisRun++;
        this.maybeCommit(run);
        break;
      case 'content-id':
        run.pendingImport.push({ kind: 'content-id', path: m.path, contentId: m.contentId });
        this.maybeCommit(run);
        break;
      case 'file-failed':
        run.pendingImport.push({ kind: 'failed', path: m.path, root: m.root, size: m.size, message: m.error.message });
        run.filesDone++;
        run.bytesDone += m.size;
        run.errorCount++;
        run.processedThisRun++;
        this.maybeCommit(run);
        break;
      case 'paused':
      case 'cancelled':
        this.onControlAck(run, m.type);
        break;
      case 'done':
        this.commit(run);
        this.deps.files.recomputeDuplicateGroups();
        // Fidelity: Live Photos and RAW+JPEG pairs (main/rules/groups.ts).
        this.deps.files.recomputeExportGroups();
        this.settle(run, 'completed', null);
        break;
      case 'fatal':
        this.settle(run, 'failed', m.error);
        this.signal(run, CONTROL_CANCEL);
        break;
      default: {
        const never: never = m;
        console.error('[runner] unknown import message', never);
      }
    }
  }

  private onExportMessage(run: ActiveRun, m: ExportWorkerMessage): void {
    if (run.settled) return;
    switch (m.type) {
      case 'need-files':
        this.sendExportPage(run);
        break;
      case 'batch':
        for (const each of m.messages) this.onExportMessage(run, each);
        break;
      case 'file-started':
        run.inflight.set(m.fileId, { name: m.name, bytes: 0 });
        this.updateInflight(run);
        break;
      case 'bytes': {
        const f = run.inflight.get(m.fileId);
        if (f) f.bytes = m.bytesDone;
        this.updateInflight(run);
        break;
      }
      case 'file-done': {
        const counted = run.export!.ledger.done(m.fileId, m.outcome, m.bytes, m.movedAside !== undefined);
        // Fidelity: a group's members and the sidecars are recorded with their main file.
        if (m.outcome !== 'present' || m.companions?.length) {
          run.pendingDone.push({
            fileId: m.fileId,
            outcome: m.outcome,
            relPath: m.relPath,
            sha256: m.sha256,
            size: m.size,
            mtimeMs: m.mtimeMs,
            ...(m.companions?.length ? { companions: m.companions } : {}),
          });
        }
        for (const e of m.companionErrors ?? []) {
          run.pendingFailed.push({ fileId: e.fileId, message: e.error.message });
          run.errorCount++;
        }
        if (counted) run.filesDone++;
        run.bytesDone += m.bytes;
        // A copy found missing or changed in the archive is copied again: its bytes join the total.
        if (m.bytes > 0 && m.outcome === 'copied' && run.bytesDone > run.bytesTotal) run.bytesTotal = run.bytesDone;
        run.inflight.delete(m.fileId);
        this.updateInflight(run);
        run.processedThisRun++;
        this.maybeCommit(run);
        break;
      }
      case 'file-failed':
        run.pendingFailed.push({ fileId: m.fileId, message: m.error.message });
        if (run.export!.ledger.failed(m.fileId)) {
          run.filesDone++;
          run.errorCount++;
        }
        run.processedThisRun++;
        run.failedThisRun++;
        run.inflight.delete(m.fileId);
        this.updateInflight(run);
        this.maybeCommit(run);
        if (run.stop === null && run.processedThisRun >= 10 && run.failedThisRun * 10 > run.processedThisRun) {
          run.stop = 'halt';
          run.stopError = appError(
            'io',
            `Export halted: ${run.failedThisRun} of ${run.processedThisRun} files failed. Check the errors, then resume.`,
          );
          this.signal(run, CONTROL_CANCEL);
        }
        break;
      case 'paused':
      case 'cancelled':
        this.onControlAck(run, m.type);
        break;
      case 'done':
        this.settle(run, 'completed', null);
        break;
      case 'fatal':
        if (m.error.code === 'disk-full') {
          // Nothing half-written stays behind (the worker removed its temp); the user frees space and resumes.
          this.settle(run, 'paused', m.error);
        } else {
          this.settle(run, 'failed', m.error);
        }
        this.signal(run, CONTROL_CANCEL);
        break;
      default: {
        const never: never = m;
        console.error('[runner] unknown export message', never);
      }
    }
  }

  /** The oldest file in flight names the progress; all of them count towards the bytes. */
  private updateInflight(run: ActiveRun): void {
    let bytes = 0;
    for (const f of run.inflight.values()) bytes += f.bytes;
    run.currentBytes = bytes;
    const first = run.inflight.values().next();
    run.currentFile = first.done ? null : first.value.name;
  }

  /** Pause/cancel acknowledgements mean the same for every kind of worker. */
  private onControlAck(run: ActiveRun, type: 'paused' | 'cancelled'): void {
    if (type === 'paused') this.onPausedAck(run);
    else this.onCancelledAck(run);
  }

  private onPausedAck(run: ActiveRun): void {
    // Paused jobs release the worker slot: the worker is told to clean up its temp file and
    // exit, and a resume starts a fresh worker that continues with what is not done. A cancel
    // that came in after the pause, before the worker saw it, is the user's last word.
    this.settle(run, run.stop === 'cancel' ? 'cancelled' : 'paused', null);
    this.signal(run, CONTROL_CANCEL);
  }

  private onCancelledAck(run: ActiveRun): void {
    switch (run.stop) {
      case 'halt':
        this.settle(run, 'halted', run.stopError);
        break;
      case 'pause':
        this.settle(run, 'paused', null);
        break;
      default:
        this.settle(run, 'cancelled', null);
    }
  }

  private onWorkerExit(run: ActiveRun, code: number): void {
    if (this.active === run) this.active = null;
    if (!run.settled) {
      // The worker died without finishing: retry it (30 s apart) before failing the job.
      this.commit(run);
      const job = getJob(this.deps.db, run.job.id);
      const retries = (job?.retryCount ?? 0) + 1;
      const error =
        run.stopError ?? appError('worker-died', `The background worker stopped unexpectedly (exit code ${code}).`);
      run.settled = true;
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
        this.finish(run.job.id, 'failed', error);
      }
    }
    if (!this.active) this.stopProgressTimer();
    this.startNextQueued();
  }

  /** Ends this run's job in `status`, committing everything first. */
  private settle(run: ActiveRun, status: JobStatus, error: AppError | null): void {
    if (run.settled) return;
    this.commit(run);
    run.settled = true;
    run.inflight.clear();
    run.currentBytes = 0;
    run.currentFile = null;
    this.emitProgress(run);
    this.finish(run.job.id, status, error, run.outputDir);
  }

  private finish(jobId: number, status: JobStatus, error: AppError | null, outputDir: string | null = null): void {
    const done = status === 'completed' || status === 'failed' || status === 'halted' || status === 'cancelled';
    const job = this.setStatus(jobId, status, error, done);
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

  private setStatus(jobId: number, status: JobStatus, error: AppError | null = null, completed = false): JobSummary {
    updateJob(this.deps.db, jobId, {
      status,
      error,
      currentFile: null,
      ...(completed ? { completedAt: nowIso() } : {}),
    });
    const job = getJob(this.deps.db, jobId);
    if (!job) throw new Error(`job ${jobId} vanished`);
    this.emitStatus(job);
    return job;
  }

  private emitStatus(job: JobSummary): void {
    this.deps.emit({ channel: 'job:status', payload: { jobId: job.id, type: job.type, status: job.status, error: job.error } });
    for (const w of [...this.statusWaiters]) w(job);
  }

  private maybeCommit(run: ActiveRun): void {
    if (Date.now() - run.lastCommit >= this.commitIntervalMs) this.commit(run);
  }

  /** Writes buffered file results and the job's counters in one go. */
  private commit(run: ActiveRun): void {
    run.lastCommit = Date.now();
    if (run.pendingImport.length) {
      const batch = run.pendingImport;
      run.pendingImport = [];
      this.deps.files.recordImported(run.job.id, batch);
    }
    const ex = run.export;
    const done = run.pendingDone;
    const failed = run.pendingFailed;
    run.pendingDone = [];
    run.pendingFailed = [];
    // One transaction: the copies, the position a resume starts from and the counts agree.
    this.deps.files.transaction(() => {
      if (ex) {
        this.deps.archives.record(ex.archiveId, run.job.id, done, failed);
        run.errorCount = this.deps.archives.failedCount(run.job.id);
      }
      updateJob(this.deps.db, run.job.id, {
        progressCurrent: ex ? ex.ledger.filesDoneBefore() : run.filesDone,
        progressTotal: run.filesTotal,
        bytesCurrent: run.bytesDone,
        bytesTotal: run.bytesTotal,
        currentFile: run.currentFile,
        errorCount: run.errorCount,
        ...(ex ? { stats: ex.ledger.committedStats(run.errorCount), resumeAfter: ex.ledger.resumeAfterJson() } : {}),
      });
    });
  }

  private signal(run: ActiveRun, value: number): void {
    Atomics.store(run.control, 0, value);
    Atomics.notify(run.control, 0);
    try {
      run.worker.postMessage({ type: 'control' });
    } catch {
      // The worker may already be gone; its exit handler settles the job.
    }
  }

  private summaryOf(run: ActiveRun): JobSummary {
    return {
      ...run.job,
      status: run.settled ? run.job.status : 'running',
      filesDone: run.filesDone,
      filesTotal: run.filesTotal,
      bytesDone: run.bytesDone + run.currentBytes,
      bytesTotal: run.bytesTotal,
      currentFile: run.currentFile,
      errorCount: run.errorCount,
    };
  }

  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      const run = this.active;
      if (run && !run.settled) this.emitProgress(run);
    }, this.progressIntervalMs);
    this.progressTimer.unref();
  }

  private stopProgressTimer(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = null;
  }

  private emitProgress(run: ActiveRun): void {
    const bytesDone = run.bytesDone + run.currentBytes;
    const speed = run.meter.sample(bytesDone);
    const remaining = Math.max(0, run.bytesTotal - bytesDone);
    this.deps.emit({
      channel: 'job:progress',
      payload: {
        jobId: run.job.id,
        type: run.job.type,
        status: run.settled ? (getJob(this.deps.db, run.job.id)?.status ?? 'running') : 'running',
        filesDone: run.filesDone,
        filesTotal: run.filesTotal,
        bytesDone,
        bytesTotal: run.bytesTotal,
        currentFile: run.currentFile,
        errorCount: run.errorCount,
        bytesPerSecond: Math.round(speed),
        etaSeconds: speed > 0 && !run.settled ? Math.ceil(remaining / speed) : null,
      },
    });
  }
}

