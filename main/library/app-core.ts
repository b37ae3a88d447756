/**
 * The application without any window: database, job runner, handlers, thumbnails and the
 * event stream. The desktop shell, serve mode and the CLI each create one of these.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractEvent, Handlers } from '../../shared/contract.js';
import { appError, type AppError, type Result } from '../../shared/errors.js';
import type { JobSummary } from '../../shared/types.js';
import { ArchivesRepo } from './db/archives-repo.js';
import { createVerifyHandlers } from './verify-handlers.js';
import { createSimilarHandlers } from './similar/similar-handlers.js';
import { SimilarIndexer } from './similar/similar-indexer.js';
import { createVerifyService, type VerifyService } from './verify-service.js';
import { FilesRepo } from './db/files-repo.js';
import { listJobsByStatus, markRunningAsInterrupted } from './db/jobs-repo.js';
import { acquireLibraryLock, libraryBusyMessage, type LibraryLock, type WriterInfo, type WriterKind } from './db/library-lock.js';
import { startCheckpointer, type CheckpointWorkerData } from './db/checkpointer.js';
import { openDatabase, type OpenDb } from './db/open-db.js';
import { createHandlers, headlessHost, type HostServices } from './handlers.js';
import { createShiftHandlers } from './date-shift-handlers.js';
import { ShiftsRepo } from './db/shifts-repo.js';
import { readSettings } from './db/settings-repo.js';
import { templateOrDefault } from '../../shared/name-template.js';
import { JobRunner, type WorkerFactory } from './jobs/runner.js';
import { createThumbnailService } from './thumbnail-service.js';
import { createWorkerFactory } from './worker-factory.js';
import { errnoToAppError } from '../rules/errno.js';
import { guardWrites } from './write-guard.js';

export type { HostServices } from './handlers.js';
/** Every event the core emits: the runner's job events and the verify service's. */
export type CoreEvent = ContractEvent;
export type { WriterInfo, WriterKind } from './db/library-lock.js';
export { libraryBusyMessage, readHolderToken } from './db/library-lock.js';

export interface AppCoreOptions {
  dbPath: string;
  host?: HostServices;
  /** Folder of bundled `import-worker.cjs` / `export-worker.cjs` (packaged app). */
  workerDir?: string;
  migrationsFolder?: string;
  thumbnailCacheDir?: string;
  /** Injected worker factory (tests). */
  createWorker?: WorkerFactory;
  retryDelayMs?: number;
  /** Start the queue immediately (default true). */
  autoStart?: boolean;
  /**
   * 'write' (default): take the library's writer lock; when another live process holds it, the
   * core opens read-only and takes the lock at the first write once that process is gone.
   * 'read': never keep the lock (commands that only list); a free lock is taken just long enough
   * to mark the jobs of a dead writer interrupted.
   */
  access?: 'write' | 'read';
  /** Who this process is, for the refusal message of other processes (default: a CLI command). */
  writer?: { kind: WriterKind; command?: string };
  /**
   * Hash pictures for near-duplicates in the background while no job runs (similar-indexer.ts).
   * Default true (the desktop app, serve); a CLI command, which ends with its job, leaves them.
   */
  backgroundHashing?: boolean;
}

/** Whether this core writes its library. */
export interface LibraryAccess {
  /** 'writer': holds the writer lock (or a `:memory:` library). 'reader': reads only. */
  mode: 'writer' | 'reader';
  /** The process holding the library when it is not this one, if known. */
  holder: WriterInfo | null;
}

export interface AppCore {
  handlers: Handlers;
  db: OpenDb;
  runner: JobRunner;
  verify: VerifyService;
  /** Near-duplicates' background hashing: pictures left, and a promise for when it has stopped. */
  similar: { pending(): number; settled(): Promise<void> };
  /** An original to play or show in full (the details panel's video): its path, type and size. */
  originals: {
    get(fileId: number): Promise<Result<{ path: string; mime: string; size: number }>>;
  };
  thumbnails: {
    get(fileId: number, size: 'small' | 'large'): Promise<Result<{ path: string; mime: string }>>;
  };
  subscribe(listener: (event: CoreEvent) => void): () => void;
  waitForJob(jobId: number): Promise<JobSummary>;
  /** Jobs the user may want to resume at start-up (interrupted or paused). */
  listResumable(): JobSummary[];
  /** Jobs found running at start-up, now marked interrupted. */
  interruptedAtStart: number[];
  /** Read at each use: a reader becomes the writer when it takes the lock at a later write. */
  readonly access: LibraryAccess;
  /**
   * Facts known after start for refused processes: serve's address (shown) and its token (kept in
   * a file only this user can read, so the CLI can hand its commands to serve).
   */
  announceWriter(patch: { url?: string; token?: string }): void;
  pauseRunningJobForQuit(): Promise<void>;
  close(): Promise<void>;
}

export function appVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const rel of ['../../package.json', '../package.json', '../../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(join(here, rel), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'mediaparser' && pkg.version) return pkg.version;
      } catch {
        // try the next candidate
      }
    }
  } catch {
    // import.meta.url unavailable in some bundles
  }
  return '0.0.0';
}

/** The refusal of a write by a core that does not hold its library. */
export function libraryBusyError(holder: WriterInfo | null): AppError {
  return appError('library-busy', libraryBusyMessage(holder));
}

/** How long the background hashing stands aside after the library was last asked for something. */
const UI_QUIET_MS = 3000;

export function createAppCore(options: AppCoreOptions): AppCore {
  const inMemory = options.dbPath === ':memory:';
  const who = options.writer ?? { kind: 'cli' as const };
  const whoFull = { kind: who.kind, command: who.command ?? ['mediaparser', ...process.argv.slice(2)].join(' ') };
  const wantsWrite = (options.access ?? 'write') === 'write';
  // Taken before the database is opened, so only the writer can be migrating it.
  let lock: LibraryLock | null = null;
  let holder: WriterInfo | null = null;
  if (!inMemory) {
    const attempt = acquireLibraryLock(options.dbPath, whoFull);
    if (attempt.ok) lock = attempt.lock;
    else holder = attempt.holder;
  }
  let db: OpenDb;
  try {
    db = openDatabase(options.dbPath, options.migrationsFolder);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const interruptedAtStart: number[] = [];
  if (!wantsWrite && lock !== null) {
    // Nobody writes this library: jobs still marked running belong to a process that died.
    interruptedAtStart.push(...markRunningAsInterrupted(db.db));
    lock.release();
    lock = null;
  }
  let writer = inMemory || lock !== null;
  // bin/mediaparser.mjs names the worker bundles it keeps for this checkout (see there).
  const workerDir = options.workerDir ?? (process.env.MEDIAPARSER_WORKER_DIR || undefined);
  const threads = createWorkerFactory(workerDir);
  const checkpointing = { spawn: (data: CheckpointWorkerData) => threads('checkpoint', data) };
  let checkpointer: ReturnType<typeof startCheckpointer> | null = writer ? startCheckpointer(db.sqlite, checkpointing) : null;
  const files = new FilesRepo(db.sqlite);
  const archives = new ArchivesRepo(db.sqlite);
  const listeners = new Set<(e: CoreEvent) => void>();
  let similarIndexer: SimilarIndexer | null = null;
  let closed = false;
  const emit = (e: CoreEvent): void => {
    // Near-duplicates are hashed only while no job runs: a job's start pauses them, its end resumes.
    if (e.channel === 'job:status' && e.payload.status === 'running') similarIndexer?.pause();
    if (e.channel === 'job:finished') resumeHashing();
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch (error) {
        console.error('[core] event listener failed', error);
      }
    }
  };
  const createWorker = options.createWorker ?? (threads as WorkerFactory);
  const runner = new JobRunner({
    db: db.db,
    files,
    archives,
    createWorker,
    emit,
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  const host = options.host ?? headlessHost;
  const verify = createVerifyService({ emit, ...(workerDir ? { workerDir } : {}) });
  const autoStart = options.autoStart !== false;
  /** Holding the lock: jobs found running are a dead writer's, and the queue is ours to run. */
  const becomeWriter = (): void => {
    writer = true;
    holder = null;
    checkpointer ??= startCheckpointer(db.sqlite, checkpointing);
    if (autoStart) interruptedAtStart.push(...runner.start());
    else interruptedAtStart.push(...markRunningAsInterrupted(db.db));
    resumeHashing();
  };
  /** Takes the lock if its holder has quit since this core opened. */
  const tryBecomeWriter = (): boolean => {
    const attempt = acquireLibraryLock(options.dbPath, whoFull);
    if (!attempt.ok) {
      holder = attempt.holder;
      return false;
    }
    lock = attempt.lock;
    becomeWriter();
    return true;
  };
  const gate = (writes: boolean, channel: string): AppError | null => {
    if (writer) return null;
    if (!writes) {
      // A reader listing jobs after the writer died would show its jobs running for good.
      if (wantsWrite && channel.startsWith('jobs:')) tryBecomeWriter();
      return null;
    }
    if (!wantsWrite) return holder ? libraryBusyError(holder) : appError('unsupported', 'The library was opened read-only here.');
    return tryBecomeWriter() ? null : libraryBusyError(holder);
  };
  const handlers = guardWrites(
    {
      ...createHandlers({ db, files, archives, runner, host, version: appVersion() }),
      ...createVerifyHandlers(verify),
      ...createShiftHandlers(new ShiftsRepo(db.sqlite, () => templateOrDefault(readSettings(db.db).nameTemplate))),
      ...createSimilarHandlers(db.sqlite, files, () => similarIndexer?.pending() ?? 0),
    },
    gate,
  );
  // Someone browsing or reviewing: the background hashing stands aside for a few seconds, so the
  // library's answers never wait behind its writes (similar-indexer.ts holdFor). similar:list is
  // left out: the Similar section asks it every few seconds while pictures are compared.
  for (const channel of Object.keys(handlers) as (keyof Handlers)[]) {
    if (!channel.startsWith('files:')) continue;
    const handler = handlers[channel] as (request: unknown) => unknown;
    (handlers as unknown as Record<string, (request: unknown) => unknown>)[channel] = (request) => {
      similarIndexer?.holdFor(UI_QUIET_MS);
      return handler(request);
    };
  }
  const thumbnailService = createThumbnailService({
    cacheDir: options.thumbnailCacheDir ?? join(dirname(options.dbPath), 'thumbnails'),
    ...(workerDir ? { workerDir } : {}),
  });
  const backgroundHashing = options.backgroundHashing !== false;
  const indexer = new SimilarIndexer({ sqlite: db.sqlite, hash: (job) => thumbnailService.hash(job) });
  similarIndexer = indexer;
  function resumeHashing(): void {
    if (!backgroundHashing || !writer || closed || similarIndexer === null) return;
    if (runner.activeJob() !== null) return;
    similarIndexer.resume();
  }
  if (writer) becomeWriter();
  resumeHashing();

  return {
    handlers,
    db,
    runner,
    verify,
    similar: {
      pending: () => indexer.pending(),
      settled: () => indexer.settled(),
    },
    interruptedAtStart,
    get access(): LibraryAccess {
      return { mode: writer ? 'writer' : 'reader', holder };
    },
    announceWriter(patch) {
      lock?.update(patch);
    },
    originals: {
      async get(fileId) {
        const row = files.getRow(fileId);
        if (!row || row.media_type === null) return { ok: false, error: { code: 'not-found', message: `There is no file ${fileId}.` } };
        try {
          const info = await stat(row.original_path);
          if (!info.isFile()) return { ok: false, error: { code: 'not-found', message: 'The original is no longer there.', detail: row.original_path } };
          return { ok: true, value: { path: row.original_path, mime: row.mime ?? 'application/octet-stream', size: info.size } };
        } catch (error) {
          return { ok: false, error: errnoToAppError(error, row.original_path) };
        }
      },
    },
    thumbnails: {
      async get(fileId, size) {
        const row = files.getRow(fileId);
        if (!row) return { ok: false, error: { code: 'not-found', message: `There is no file ${fileId}.` } };
        const sourcePathBytes = files.pathBytes(fileId);
        return thumbnailService.get({ fileId, sourcePath: row.original_path, ...(sourcePathBytes !== undefined ? { sourcePathBytes } : {}), sha256: row.sha256, size });
      },
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForJob: (jobId) => runner.waitForJob(jobId),
    listResumable: () => listJobsByStatus(db.db, ['interrupted', 'paused']),
    pauseRunningJobForQuit: () => runner.pauseForQuit(),
    async close() {
      if (closed) return;
      closed = true;
      await runner.close();
      await verify.close();
      // The hash in progress ends unrecorded when the workers stop.
      const hashingStopped = indexer.stop();
      await thumbnailService.close();
      await hashingStopped;
      listeners.clear();
      await checkpointer?.close();
      db.close();
      // Last: nothing of this process writes the library once another may.
      lock?.release();
    },
  };
}

