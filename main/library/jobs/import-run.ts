/**
 * An import run: starts the import worker and records what it reports. The files it analysed
 * are buffered and recorded in batches (FilesRepo.recordImported); once the worker is done, the
 * duplicate and export groups are worked out again over the whole library.
 */
import type { JobSummary } from '../../../shared/types.js';
import { jobFilePaths, updateJob } from '../db/jobs-repo.js';
import { readSettings } from '../db/settings-repo.js';
import type { ImportWorkerData, ImportWorkerMessage, ImportedFile } from '../../protocol/workers.js';
import { JobRun, type RunDeps } from './job-run.js';

type ImportResult =
  | { kind: 'ok'; file: ImportedFile }
  | { kind: 'failed'; path: string; root: string; size: number; message: string }
  | { kind: 'content-id'; path: string; contentId: string };

const isFileResult = (message: ImportWorkerMessage): boolean => message.type === 'file' || message.type === 'file-failed';

export class ImportRun extends JobRun {
  private unrecorded: ImportResult[] = [];
  /** File results taken from the message queue (flow control: ImportWorkerData.received). */
  private resultsTaken = 0;

  private constructor(job: JobSummary, worker: ImportRun['worker'], control: Int32Array, received: Int32Array, deps: RunDeps) {
    super(job, worker, control, deps);
    worker.on('message', (message: ImportWorkerMessage) => {
      this.receive(message);
      // Tell the worker how many results were read.
      const results = message.type === 'batch' ? message.messages.filter(isFileResult).length : isFileResult(message) ? 1 : 0;
      if (results > 0) {
        this.resultsTaken += results;
        Atomics.store(received, 0, this.resultsTaken);
        Atomics.notify(received, 0);
      }
    });
  }

  /** Starts the worker on the job's folders; files this job recorded before are skipped unread. */
  static start(job: JobSummary, deps: RunDeps): ImportRun {
    const settings = readSettings(deps.db);
    const skipPaths = jobFilePaths(deps.db, job.id);
    const control = new Int32Array(new SharedArrayBuffer(4));
    const received = new Int32Array(new SharedArrayBuffer(4));
    const data: ImportWorkerData = {
      kind: 'import',
      control: control.buffer as SharedArrayBuffer,
      roots: job.options.sourceFolders ?? [],
      options: { timeZone: settings.timeZone, useFileDatesAsLastResort: settings.useFileDatesAsLastResort, useGpsTimeZone: settings.useGpsTimeZone },
      skipPaths,
      received: received.buffer as SharedArrayBuffer,
    };
    const run = new ImportRun(job, deps.createWorker('import', data), control, received, deps);
    run.filesDone = skipPaths.length;
    run.filesTotal = skipPaths.length;
    return run;
  }

  override beforeCompleted(): void {
    this.commit();
    this.deps.files.recomputeDuplicateGroups();
    // Fidelity: Live Photos and RAW+JPEG pairs (main/rules/groups.ts).
    this.deps.files.recomputeExportGroups();
  }

  private receive(message: ImportWorkerMessage): void {
    if (this.ended) return;
    switch (message.type) {
      case 'scan-progress':
        this.filesTotal = Math.max(this.filesTotal, this.filesDone + message.found);
        this.currentFile = `Looking for photos and videos… ${message.found.toLocaleString('en-US')} found`;
        break;
      case 'scanned':
        this.filesTotal = this.filesDone + message.total;
        this.bytesTotal = this.bytesDone + message.totalBytes;
        // Hidden and system entries the scan left out: the import summary lists them, never silent.
        if (message.skipped) updateJob(this.deps.db, this.job.id, { importSkipped: message.skipped });
        break;
      case 'batch':
        for (const each of message.messages) this.receive(each);
        break;
      case 'file-started':
        this.currentFile = message.path;
        break;
      case 'file':
        this.unrecorded.push({ kind: 'ok', file: message.file });
        this.filesDone++;
        this.bytesDone += message.file.size;
        this.commitIfDue();
        break;
      case 'content-id':
        this.unrecorded.push({ kind: 'content-id', path: message.path, contentId: message.contentId });
        this.commitIfDue();
        break;
      case 'file-failed':
        this.unrecorded.push({ kind: 'failed', path: message.path, root: message.root, size: message.size, message: message.error.message });
        this.filesDone++;
        this.bytesDone += message.size;
        this.errorCount++;
        this.commitIfDue();
        break;
      default:
        this.deps.onStopMessage(this, message);
    }
  }

  protected writeResults(): void {
    if (this.unrecorded.length) {
      const batch = this.unrecorded;
      this.unrecorded = [];
      this.deps.files.recordImported(this.job.id, batch);
    }
    updateJob(this.deps.db, this.job.id, this.jobCounters());
  }
}
