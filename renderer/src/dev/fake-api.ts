/**
 * An in-memory `Api` for the renderer tests that need what a real core does not give on demand:
 * a chosen error, an answer held back, events pushed at a given moment (progress, verify), a
 * folder dialog, a canned preview. It records every call and answers from a small model of
 * files/jobs/settings; the library's own behaviour (lists, counts, edits, names) is tested on a
 * real core instead (test-support/real-api.ts). Only tests import it.
 */
import type { Api } from '../../../shared/contract.js';
import { DEFAULT_NAME_TEMPLATE } from '../../../shared/name-template.js';
import type { AppError, Result } from '../../../shared/errors.js';
import type {
  ExportPreview,
  FileFilter,
  FileSummary,
  JobFinishedEvent,
  JobProgress,
  JobStatus,
  JobStatusEvent,
  JobSummary,
  Settings,
  TimelineDay,
} from '../../../shared/types.js';
import type { VerifyFinishedEvent, VerifyProgress } from '../../../shared/verify-report.js';

export interface RecordedCall {
  method: string;
  request: unknown;
}

export interface FakeApiOptions {
  files?: FileSummary[];
  jobs?: JobSummary[];
  settings?: Partial<Settings>;
  nativeDialogs?: boolean;
  /** Folder tree for listDirs: path -> child folder names. The first key is the start folder. */
  dirs?: Record<string, string[]>;
  /** What pickFolder answers. */
  pickedFolders?: string[];
  preview?: ExportPreview;
  /** Pictures listSimilar says are still being hashed, one answer per call (the last one repeats). */
  similarPending?: number[];
}

export interface FakeApi {
  api: Api;
  calls: RecordedCall[];
  /** Requests sent to one method, oldest first. */
  callsOf(method: string): unknown[];
  files: FileSummary[];
  jobs: Map<number, JobSummary>;
  settings: Settings;
  emitProgress(p: JobProgress): void;
  emitStatus(e: JobStatusEvent): void;
  emitFinished(e: JobFinishedEvent): void;
  emitVerifyProgress(p: VerifyProgress): void;
  emitVerifyFinished(e: VerifyFinishedEvent): void;
  /** The next call to `method` answers with this error instead. */
  failNext(method: string, error: AppError): void;
  /** The next call to `method` waits until `release()` is called, to observe optimistic UI. */
  holdNext(method: string): { release(): void };
  listenerCount(): number;
}

export function makeFile(id: number, overrides: Partial<FileSummary> = {}): FileSummary {
  return {
    id,
    originalPath: `/photos/IMG_${String(id).padStart(4, '0')}.jpg`,
    originalName: `IMG_${String(id).padStart(4, '0')}.jpg`,
    size: 1_000_000 + id,
    sha256: null,
    mediaType: 'image',
    mime: 'image/jpeg',
    width: 4000,
    height: 3000,
    detectedTimestamp: '2021-07-14T15:30:00',
    timestampSource: 'exif-datetime-original',
    confidence: 'high',
    finalTimestamp: null,
    reviewedAt: null,
    discarded: false,
    duplicateGroup: null,
    outputPath: null,
    error: null,
    tags: [],
    cameraModel: null,
    ...overrides,
  };
}

export function makeJob(id: number, overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    type: 'import',
    status: 'running',
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentFile: null,
    errorCount: 0,
    error: null,
    retryCount: 0,
    options: {},
    stats: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    ...overrides,
  };
}

const FILTER_NAMES: FileFilter[] = ['all', 'needs-review', 'undated', 'duplicates', 'discarded', 'exported', 'errors'];

/** The filters only: narrowing by tag, folder or name is the real core's (renderer tests on test-support/real-api.ts). */
function matches(file: FileSummary, filter: FileFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'needs-review':
      return !file.discarded && (file.confidence === 'low' || file.confidence === 'none') && file.finalTimestamp === null;
    case 'undated':
      return !file.discarded && file.finalTimestamp === null && file.detectedTimestamp === null;
    case 'duplicates':
      return file.duplicateGroup !== null;
    case 'discarded':
      return file.discarded;
    case 'exported':
      return file.outputPath !== null;
    case 'errors':
      return file.error !== null;
  }
}

export function createFakeApi(options: FakeApiOptions = {}): FakeApi {
  const calls: RecordedCall[] = [];
  const files = options.files ? options.files.map((f) => ({ ...f })) : [];
  const jobs = new Map<number, JobSummary>((options.jobs ?? []).map((j) => [j.id, { ...j }]));
  const settings: Settings = {
    outputDirectory: null,
    timeZone: 'Europe/Berlin',
    useFileDatesAsLastResort: false,
    useGpsTimeZone: true,
    writeDatesIntoCopies: true,
    writeFolderTagsAsKeywords: true,
    nameTemplate: DEFAULT_NAME_TEMPLATE,
    ...options.settings,
  };
  const dirs = options.dirs ?? { '/home/me': ['Pictures', 'Videos'], '/home/me/Pictures': ['2019'], '/home/me/Pictures/2019': [], '/home/me/Videos': [] };
  const failures = new Map<string, AppError>();
  const holds = new Map<string, Promise<void>>();
  const listeners = {
    progress: new Set<(p: JobProgress) => void>(),
    status: new Set<(e: JobStatusEvent) => void>(),
    finished: new Set<(e: JobFinishedEvent) => void>(),
    verifyProgress: new Set<(p: VerifyProgress) => void>(),
    verifyFinished: new Set<(e: VerifyFinishedEvent) => void>(),
  };
  let nextVerifyId = 1;
  let nextJobId = Math.max(0, ...jobs.keys()) + 1;

  async function answer<T>(method: string, request: unknown, compute: () => Result<T>): Promise<Result<T>> {
    calls.push({ method, request });
    const hold = holds.get(method);
    if (hold) {
      holds.delete(method);
      await hold;
    }
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return { ok: false, error: failure };
    }
    return compute();
  }

  const unsupported: Result<never> = { ok: false, error: { code: 'unsupported', message: 'Not modelled by the fake API.' } };
  const notFound = (what: string): Result<never> => ({ ok: false, error: { code: 'not-found', message: `${what} not found.` } });

  function jobChange(id: number, status: JobStatus): Result<JobSummary> {
    const job = jobs.get(id);
    if (!job) return notFound('Job');
    job.status = status;
    return { ok: true, value: { ...job } };
  }

  function newJob(type: 'import' | 'export', extra: Partial<JobSummary>): JobSummary {
    const job = makeJob(nextJobId++, { type, status: 'queued', ...extra });
    jobs.set(job.id, job);
    return job;
  }

  const api: Api = {
    startImport: (r) =>
      answer('startImport', r, () => ({ ok: true, value: { jobId: newJob('import', { options: { sourceFolders: r.folders } }).id, status: 'queued' } })),
    listFiles: (r) =>
      answer('listFiles', r, () => {
        const matching = files.filter((f) => matches(f, r.filter ?? 'all'));
        const offset = r.offset ?? 0;
        const limit = r.limit ?? 200;
        return { ok: true, value: { items: matching.slice(offset, offset + limit).map((f) => ({ ...f })), total: matching.length } };
      }),
    countFiles: (r) =>
      answer('countFiles', r, () => {
        const filters = Object.fromEntries(FILTER_NAMES.map((n) => [n, files.filter((f) => matches(f, n)).length])) as Record<FileFilter, number>;
        return { ok: true, value: { filters, folders: [] } };
      }),
    fileTimeline: (r) =>
      answer('fileTimeline', r, () => {
        // The fake lists in array order; its days follow that order. Which days look suspicious is the real core's.
        const days: TimelineDay[] = [];
        for (const f of files.filter((x) => matches(x, r.filter ?? 'all'))) {
          const ts = f.finalTimestamp ?? f.detectedTimestamp;
          const day = ts ? ts.slice(0, 10) : null;
          let last = days.at(-1);
          if (!last || last.day !== day) {
            last = { day, count: 0, fileTimeOnly: 0, unsure: 0, placeholder: 0 };
            days.push(last);
          }
          last.count++;
        }
        return { ok: true, value: { days } };
      }),
    getFile: (r) =>
      answer('getFile', r, () => {
        const f = files.find((x) => x.id === r.id);
        if (!f) return notFound('File');
        return { ok: true, value: { ...f, importRoot: '/photos', candidates: [], duplicates: [] } };
      }),
    // Edits: the real core's (renderer tests on test-support/real-api.ts).
    setFileDate: (r) => answer('setFileDate', r, () => unsupported),
    setFilesDate: (r) => answer('setFilesDate', r, () => unsupported),
    discardFile: (r) => answer('discardFile', r, () => unsupported),
    restoreFile: (r) => answer('restoreFile', r, () => unsupported),
    discardFiles: (r) => answer('discardFiles', r, () => unsupported),
    restoreFiles: (r) => answer('restoreFiles', r, () => unsupported),
    resolveDuplicates: (r) => answer('resolveDuplicates', r, () => unsupported),
    // Near-duplicate groups are the real core's; the fake says only how many are left to compare.
    listSimilar: (r) =>
      answer('listSimilar', r, () => ({
        ok: true,
        value: {
          groups: [],
          pending: options.similarPending?.length ? (options.similarPending.length > 1 ? options.similarPending.shift()! : options.similarPending[0]!) : 0,
        },
      })),
    resolveAllSimilar: (r) => answer('resolveAllSimilar', r, () => unsupported),
    listTags: (r) =>
      answer('listTags', r, () => {
        const counts = new Map<string, number>();
        for (const f of files) for (const t of f.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
        return { ok: true, value: [...counts].map(([name, count]) => ({ name, count })) };
      }),
    startExport: (r) =>
      answer('startExport', r, () => {
        const dir = r.outputDir ?? settings.outputDirectory;
        if (!dir) return { ok: false, error: { code: 'invalid-argument', message: 'Choose an output folder first.' } };
        const fileCount = files.filter((f) => !f.discarded).length;
        const job = newJob('export', { options: { outputDir: dir }, filesTotal: fileCount });
        return { ok: true, value: { jobId: job.id, status: 'queued', fileCount } };
      }),
    pauseJob: (r) => answer('pauseJob', r, () => jobChange(r.id, 'paused')),
    resumeJob: (r) => answer('resumeJob', r, () => jobChange(r.id, 'running')),
    cancelJob: (r) => answer('cancelJob', r, () => jobChange(r.id, 'cancelled')),
    listJobs: (r) => answer('listJobs', r, () => ({ ok: true, value: [...jobs.values()].sort((a, b) => b.id - a.id).map((j) => ({ ...j })) })),
    getJob: (r) =>
      answer('getJob', r, () => {
        const job = jobs.get(r.id);
        if (!job) return notFound('Job');
        const fileErrors = files
          .filter((f) => f.error !== null)
          .map((f) => ({ fileId: f.id, path: f.originalPath, error: f.error ?? '' }));
        const importStats = job.type === 'import' ? { new: job.filesDone - job.errorCount, known: 0, failed: job.errorCount, skipped: 0, skippedExamples: [] } : null;
        return { ok: true, value: { ...job, fileErrors: job.type === 'export' ? fileErrors : [], importStats } };
      }),
    getSettings: (r) => answer('getSettings', r, () => ({ ok: true, value: { ...settings } })),
    setSettings: (r) =>
      answer('setSettings', r, () => {
        if (r.nameTemplate !== undefined) settings.nameTemplate = r.nameTemplate;
        if (r.outputDirectory !== undefined) settings.outputDirectory = r.outputDirectory;
        if (r.timeZone !== undefined) settings.timeZone = r.timeZone;
        if (r.useFileDatesAsLastResort !== undefined) settings.useFileDatesAsLastResort = r.useFileDatesAsLastResort;
        if (r.useGpsTimeZone !== undefined) settings.useGpsTimeZone = r.useGpsTimeZone;
        if (r.writeDatesIntoCopies !== undefined) settings.writeDatesIntoCopies = r.writeDatesIntoCopies;
        if (r.writeFolderTagsAsKeywords !== undefined) settings.writeFolderTagsAsKeywords = r.writeFolderTagsAsKeywords;
        return { ok: true, value: { ...settings } };
      }),
    pickFolder: (r) => answer('pickFolder', r, () => ({ ok: true, value: { paths: options.pickedFolders ?? [] } })),
    listDirs: (r) =>
      answer('listDirs', r, () => {
        const path = r.path ?? Object.keys(dirs)[0] ?? '/';
        const children = dirs[path];
        if (!children) return notFound('Folder');
        const cut = path.lastIndexOf('/');
        const parent = cut > 0 ? path.slice(0, cut) : path === '/' ? null : '/';
        return {
          ok: true,
          value: { path, parent, dirs: children.map((name) => ({ name, path: path === '/' ? `/${name}` : `${path}/${name}` })) },
        };
      }),
    makeDir: (r) =>
      answer('makeDir', r, () => {
        const children = dirs[r.parent];
        if (!children) return notFound('Folder');
        if (children.includes(r.name)) return { ok: false, error: { code: 'conflict', message: `There is already something called "${r.name}".` } };
        const path = r.parent === '/' ? `/${r.name}` : `${r.parent}/${r.name}`;
        children.push(r.name);
        dirs[path] = [];
        return { ok: true, value: { path } };
      }),
    showPath: (r) => answer('showPath', r, () => ({ ok: true, value: { shown: true } })),
    previewExport: (r) =>
      answer('previewExport', r, () => {
        // A canned preview: what an export would do (counts per year, names) is the real core's.
        if (options.preview) return { ok: true, value: options.preview };
        const kept = files.filter((f) => !f.discarded);
        return {
          ok: true,
          value: {
            fileCount: kept.length,
            newCount: kept.length,
            newBytes: kept.reduce((n, f) => n + f.size, 0),
            alreadyThere: 0,
            toRename: 0,
            problems: 0,
            discardedInArchive: 0,
            perYear: [],
            undatedCount: 0,
            collisionCount: 0,
            nameTemplate: r.nameTemplate ?? settings.nameTemplate,
            names: [],
            fidelity: { livePhotos: 0, rawPairs: 0, sidecars: 0, writes: [], xmpSidecars: 0, examples: [] },
            outputDir: r.outputDir ?? settings.outputDirectory,
            freeBytes: 500_000_000_000,
            outputProblem: null,
          },
        };
      }),
    getAppInfo: (r) =>
      answer('getAppInfo', r, () => ({
        ok: true,
        value: {
          version: '0.0.0-test',
          nativeDialogs: options.nativeDialogs ?? false,
          transport: 'http',
          dbPath: '/tmp/test.db',
          thumbnailUrl: '/thumbs/{id}/{size}',
          mediaUrl: '/media/{id}',
        },
      })),
    startVerify: (r) =>
      answer('startVerify', r, () => {
        if (!r.root.startsWith('/')) return { ok: false, error: { code: 'invalid-argument', message: 'Please give a full folder path.' } };
        return { ok: true, value: { verifyId: nextVerifyId++, root: r.root } };
      }),
    cancelVerify: (r) => answer('cancelVerify', r, () => ({ ok: true, value: { cancelled: r.verifyId < nextVerifyId } })),
    // Clock correction: only the real core models it (handlers and e2e tests cover it).
    previewDateShift: (r) => answer('previewDateShift', r, () => unsupported),
    applyDateShift: (r) => answer('applyDateShift', r, () => unsupported),
    undoDateShift: (r) => answer('undoDateShift', r, () => unsupported),
    listDateShifts: (r) => answer('listDateShifts', r, () => ({ ok: true, value: [] })),
    onJobProgress: (cb) => {
      listeners.progress.add(cb);
      return () => listeners.progress.delete(cb);
    },
    onJobStatus: (cb) => {
      listeners.status.add(cb);
      return () => listeners.status.delete(cb);
    },
    onJobFinished: (cb) => {
      listeners.finished.add(cb);
      return () => listeners.finished.delete(cb);
    },
    onVerifyProgress: (cb) => {
      listeners.verifyProgress.add(cb);
      return () => listeners.verifyProgress.delete(cb);
    },
    onVerifyFinished: (cb) => {
      listeners.verifyFinished.add(cb);
      return () => listeners.verifyFinished.delete(cb);
    },
  };

  return {
    api,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.request),
    files,
    jobs,
    settings,
    emitProgress: (p) => {
      const job = jobs.get(p.jobId);
      if (job) Object.assign(job, { status: p.status, filesDone: p.filesDone, filesTotal: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
      for (const cb of listeners.progress) cb(p);
    },
    emitStatus: (e) => {
      const job = jobs.get(e.jobId);
      if (job) job.status = e.status;
      for (const cb of listeners.status) cb(e);
    },
    emitFinished: (e) => {
      const job = jobs.get(e.jobId);
      if (job) Object.assign(job, { status: e.status, filesDone: e.filesDone, filesTotal: e.filesTotal, errorCount: e.errorCount, stats: e.stats });
      for (const cb of listeners.finished) cb(e);
    },
    emitVerifyProgress: (p) => {
      for (const cb of listeners.verifyProgress) cb(p);
    },
    emitVerifyFinished: (e) => {
      for (const cb of listeners.verifyFinished) cb(e);
    },
    failNext: (method, error) => {
      failures.set(method, error);
    },
    holdNext: (method) => {
      let release = (): void => {};
      holds.set(
        method,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return { release: () => release() };
    },
    listenerCount: () => Object.values(listeners).reduce((n, set) => n + set.size, 0),
  };
}
