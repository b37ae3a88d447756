/**
 * The application without any window: database, job runner, handlers, thumbnails and the
 * event stream. The desktop shell, serve mode and the CLI each create one of these.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractEvent, Handlers } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';
import type { JobSummary } from '../../shared/types.js';
import { ArchivesRepo } from './db/archives-repo.js';
import { createVerifyHandlers } from './archive/verify-handlers.js';
import { createVerifyService, type VerifyService } from './archive/verify-service.js';
import { FilesRepo } from './db/files-repo.js';
import { listJobsByStatus } from './db/jobs-repo.js';
import { startCheckpointer } from './db/checkpointer.js';
import { openDatabase, type OpenDb } from './db/open-db.js';
import { createHandlers, headlessHost, type HostServices } from './handlers.js';
import { JobRunner, type WorkerFactory } from './jobs/runner.js';
import { createThumbnailService } from './thumbnails/thumbnail-service.js';
import { createWorkerFactory } from './worker-factory.js';

export type { HostServices } from './handlers.js';
/** Every event the core emits: the runner's job events and the verify service's. */
export type CoreEvent = ContractEvent;

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
}

export interface AppCore {
  handlers: Handlers;
  db: OpenDb;
  runner: JobRunner;
  verify: VerifyService;
  thumbnails: {
    get(fileId: number, size: 'small' | 'large'): Promise<Result<{ path: string; mime: string }>>;
  };
  subscribe(listener: (event: CoreEvent) => void): () => void;
  waitForJob(jobId: number): Promise<JobSummary>;
  /** Jobs the user may want to resume at start-up (interrupted or paused). */
  listResumable(): JobSummary[];
  /** Jobs found running at start-up, now marked interrupted. */
  interruptedAtStart: number[];
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

export function createAppCore(options: AppCoreOptions): AppCore {
  const db = openDatabase(options.dbPath, options.migrationsFolder);
  const checkpointer = startCheckpointer(db.sqlite);
  const files = new FilesRepo(db.sqlite);
  const archives = new ArchivesRepo(db.sqlite);
  const listeners = new Set<(e: CoreEvent) => void>();
  const emit = (e: CoreEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch (error) {
        console.error('[core] event listener failed', error);
      }
    }
  };
  // bin/mediaparser.mjs names the worker bundles it keeps for this checkout (see there).
  const workerDir = options.workerDir ?? (process.env.MEDIAPARSER_WORKER_DIR || undefined);
  const createWorker = options.createWorker ?? (createWorkerFactory(workerDir) as WorkerFactory);
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
  const handlers: Handlers = { ...createHandlers({ db, files, archives, runner, host, version: appVersion() }), ...createVerifyHandlers(verify) };
  const thumbnailService = createThumbnailService({
    cacheDir: options.thumbnailCacheDir ?? join(dirname(options.dbPath), 'thumbnails'),
    ...(workerDir ? { workerDir } : {}),
  });
  const interruptedAtStart = options.autoStart === false ? [] : runner.start();

  let closed = false;
  return {
    handlers,
    db,
    runner,
    verify,
    interruptedAtStart,
    thumbnails: {
      async get(fileId, size) {
        const row = files.getRow(fileId);
        if (!row) return { ok: false, error: { code: 'not-found', message: `There is no file ${fileId}.` } };
        return thumbnailService.get({ fileId, sourcePath: row.original_path, sha256: row.sha256, size });
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
      await thumbnailService.close();
      listeners.clear();
      await checkpointer.close();
      db.close();
    },
  };
}

