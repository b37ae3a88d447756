/**
 * An export run: starts the export worker, hands it the files page by page (first those this
 * job failed on before, when resuming), and records what it reports. Outcomes go through the
 * ExportLedger so that the committed position and figures stay exact while copies finish out of
 * order; too many failures halt the run; a full disk pauses it.
 */
import { appError, err, ok, type AppError, type Result } from '../../../shared/errors.js';
import type { JobStatus, JobSummary } from '../../../shared/types.js';
import { validateNameTemplate } from '../../../shared/name-template.js';
import type { ArchivedResult, ExportCursor, ExportScope } from '../db/archives-repo.js';
import { resumePosition, updateJob } from '../db/jobs-repo.js';
import { readSettings } from '../db/settings-repo.js';
import { CONTROL_CANCEL, type ExportRunnerMessage, type ExportWorkerData, type ExportWorkerMessage } from '../../protocol/workers.js';
import { ExportLedger } from './export-ledger.js';
import { JobRun, type RunDeps } from './job-run.js';

/** Where an export run starts: the archive, the files in scope and the saved position. */
interface ExportStart {
  outputDir: string;
  archiveId: number;
  scope: ExportScope;
  after: ExportCursor | null;
  ledger: ExportLedger;
}

export class ExportRun extends JobRun {
  private readonly archiveId: number;
  private readonly scope: ExportScope;
  /** The last position sent to the worker; the next page starts after it. */
  private cursor: ExportCursor | null;
  /** A resumed run first sends the files this job failed on before. */
  private retryFailedFirst: boolean;
  private readonly ledger: ExportLedger;
  /** Files the worker is copying right now (it may copy a few at once), oldest first. */
  private readonly inflight = new Map<number, { name: string; bytes: number }>();
  private unrecordedDone: ArchivedResult[] = [];
  private unrecordedFailed: { fileId: number; message: string }[] = [];
  /** Files finished and failed in this run, for the halt rule. */
  private processedThisRun = 0;
  private failedThisRun = 0;

  private constructor(job: JobSummary, worker: ExportRun['worker'], control: Int32Array, start: ExportStart, deps: RunDeps) {
    super(job, worker, control, deps);
    this.outputDir = start.outputDir;
    this.archiveId = start.archiveId;
    this.scope = start.scope;
    this.cursor = start.after;
    this.retryFailedFirst = start.after !== null;
    this.ledger = start.ledger;
    worker.on('message', (message: ExportWorkerMessage) => this.receive(message));
  }

  /** Starts the worker on the job's archive, or says why the job cannot run. */
  static start(job: JobSummary, deps: RunDeps): Result<ExportRun> {
    const settings = readSettings(deps.db);
    const outputDir = job.options.outputDir ?? settings.outputDirectory;
    if (!outputDir) return err('output-unavailable', 'Choose an output folder before exporting.');
    const nameTemplate = job.options.nameTemplate ?? settings.nameTemplate;
    const templateProblem = validateNameTemplate(nameTemplate);
    if (templateProblem !== null) return err('invalid-argument', `The naming template cannot be used: ${templateProblem}`);
    const archiveId = deps.archives.ensure(outputDir);
    const scope: ExportScope = { importJobId: job.options.importJobId ?? null };
    const counts = deps.archives.counts(scope, archiveId);
    const saved = resumePosition(deps.db, job.id);
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
    const worker = deps.createWorker('export', data);
    const run = new ExportRun(job, worker, control, { outputDir, archiveId, scope, after, ledger }, deps);
    // A resumed job continues after the last position before which everything was done.
    run.filesDone = after !== null ? job.filesDone : 0;
    run.filesTotal = counts.files;
    run.bytesDone = after !== null ? job.bytesDone : 0;
    run.bytesTotal = run.bytesDone + counts.newBytes;
    return ok(run);
  }

  override statusAfterFatal(error: AppError): JobStatus {
    // Nothing half-written stays behind (the worker removed its temp); the user frees space and resumes.
    return error.code === 'disk-full' ? 'paused' : 'failed';
  }

  override clearInflight(): void {
    this.inflight.clear();
    super.clearInflight();
  }

  private receive(message: ExportWorkerMessage): void {
    if (this.ended) return;
    switch (message.type) {
      case 'need-files':
        this.sendPage();
        break;
      case 'batch':
        for (const each of message.messages) this.receive(each);
        break;
      case 'file-started':
        this.inflight.set(message.fileId, { name: message.name, bytes: 0 });
        this.updateInflightProgress();
        break;
      case 'bytes': {
        const file = this.inflight.get(message.fileId);
        if (file) file.bytes = message.bytesDone;
        this.updateInflightProgress();
        break;
      }
      case 'file-done':
        this.onFileDone(message);
        break;
      case 'file-failed':
        this.onFileFailed(message);
        break;
      default:
        this.deps.onStopMessage(this, message);
    }
  }

  /** The next page for the worker: first the files this job failed on before, then onwards. */
  private sendPage(): void {
    if (this.retryFailedFirst) {
      this.retryFailedFirst = false;
      const retry = this.ledger.retryable(this.deps.archives.failedItems(this.job.id, this.archiveId));
      if (retry.items.length) {
        this.ledger.sent(retry.items, retry.keys, true);
        this.worker.postMessage({ type: 'files', items: retry.items, last: false } satisfies ExportRunnerMessage);
        return;
      }
    }
    const pageSize = this.deps.pageSize;
    const page = this.deps.archives.exportPage(this.scope, this.archiveId, this.cursor, pageSize);
    this.cursor = page.keys[page.keys.length - 1] ?? this.cursor;
    this.ledger.sent(page.items, page.keys, false);
    this.worker.postMessage({ type: 'files', items: page.items, last: page.items.length < pageSize } satisfies ExportRunnerMessage);
  }

  private onFileDone(message: Extract<ExportWorkerMessage, { type: 'file-done' }>): void {
    const counted = this.ledger.done(message.fileId, message.outcome, message.bytes, message.movedAside !== undefined);
    // Fidelity: a group's members and the sidecars are recorded with their main file.
    if (message.outcome !== 'present' || message.companions?.length) {
      this.unrecordedDone.push({
        fileId: message.fileId,
        outcome: message.outcome,
        relPath: message.relPath,
        sha256: message.sha256,
        size: message.size,
        mtimeMs: message.mtimeMs,
        ...(message.companions?.length ? { companions: message.companions } : {}),
      });
    }
    for (const companionError of message.companionErrors ?? []) {
      this.unrecordedFailed.push({ fileId: companionError.fileId, message: companionError.error.message });
      this.errorCount++;
    }
    if (counted) this.filesDone++;
    this.bytesDone += message.bytes;
    // A copy found missing or changed in the archive is copied again: its bytes join the total.
    if (message.bytes > 0 && message.outcome === 'copied' && this.bytesDone > this.bytesTotal) this.bytesTotal = this.bytesDone;
    this.inflight.delete(message.fileId);
    this.updateInflightProgress();
    this.processedThisRun++;
    this.commitIfDue();
  }

  /** Records the failure; more than one in ten of at least ten files halts the run. */
  private onFileFailed(message: Extract<ExportWorkerMessage, { type: 'file-failed' }>): void {
    this.unrecordedFailed.push({ fileId: message.fileId, message: message.error.message });
    if (this.ledger.failed(message.fileId)) {
      this.filesDone++;
      this.errorCount++;
    }
    this.processedThisRun++;
    this.failedThisRun++;
    this.inflight.delete(message.fileId);
    this.updateInflightProgress();
    this.commitIfDue();
    if (this.stop === null && this.processedThisRun >= 10 && this.failedThisRun * 10 > this.processedThisRun) {
      this.stop = 'halt';
      this.stopError = appError(
        'io',
        `Export halted: ${this.failedThisRun} of ${this.processedThisRun} files failed. Check the errors, then resume.`,
      );
      this.sendControl(CONTROL_CANCEL);
    }
  }

  /** The oldest file in flight names the progress; all of them count towards the bytes. */
  private updateInflightProgress(): void {
    let bytes = 0;
    for (const file of this.inflight.values()) bytes += file.bytes;
    this.inflightBytes = bytes;
    const oldest = this.inflight.values().next();
    this.currentFile = oldest.done ? null : oldest.value.name;
  }

  protected writeResults(): void {
    const done = this.unrecordedDone;
    const failed = this.unrecordedFailed;
    this.unrecordedDone = [];
    this.unrecordedFailed = [];
    // One transaction: the copies, the position a resume starts from and the counts agree.
    this.deps.files.transaction(() => {
      this.deps.archives.record(this.archiveId, this.job.id, done, failed);
      this.errorCount = this.deps.archives.failedCount(this.job.id);
      updateJob(this.deps.db, this.job.id, {
        ...this.jobCounters(),
        progressCurrent: this.ledger.filesDoneBefore(),
        stats: this.ledger.committedStats(this.errorCount),
        resumeAfter: this.ledger.resumeAfterJson(),
      });
    });
  }
}
