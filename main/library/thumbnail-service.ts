/**
 * Thumbnails for the library grid and the details pane: made off the main thread by a small
 * pool of worker threads (sharp), cached on disk by content hash, served as files.
 *
 * Cache layout: `<cacheDir>/<size>/<sha256>.webp`, or `<cacheDir>/<size>/id-<fileId>-<pathHash>.webp`
 * for files without a hash. Nothing is ever written next to the originals.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { err, ok, type AppError, type Result } from '../../shared/errors.js';
import { tsxExecArgv } from './worker-factory.js';
import {
  THUMBNAIL_MAX_EDGE,
  THUMBNAIL_MIME,
  type HashJob,
  type RenderJob,
  type RenderedThumbnail,
  type ThumbnailSize,
  type ThumbnailWorkerMessage,
  type ThumbnailWorkerRequest,
} from '../protocol/thumbnail.js';

export type { ThumbnailSize } from '../protocol/thumbnail.js';
export { THUMBNAIL_MAX_EDGE } from '../protocol/thumbnail.js';

export type HashAnswer = { hash: string | null } | 'lost' | null;

export interface ThumbnailRequest {
  fileId: number;
  /** Absolute path of the original; only read. */
  sourcePath: string;
  /** Base64 of its exact path bytes when they are not valid UTF-8: the original is read by these. */
  sourcePathBytes?: string;
  /** Content hash from the import; null when the file could not be hashed. */
  sha256: string | null;
  size: ThumbnailSize;
}

export interface ThumbnailFile {
  /** Absolute path of the cached thumbnail. */
  path: string;
  mime: string;
}

export interface ThumbnailServiceOptions {
  /** Where thumbnails are kept, e.g. `<userData>/thumbnails`. Created on demand. */
  cacheDir: string;
  /** Worker threads decoding at once. Default 2. */
  concurrency?: number;
  /**
   * Worker entry. Default: `<workerDir>/thumbnail-worker.cjs` when workerDir is given; else the
   * TypeScript worker (through tsx) when running from sources; else `../workers/` beside the bundle.
   */
  workerUrl?: URL;
  /** Node options for the worker. Default: a tsx loader for a `.ts` entry, nothing otherwise. */
  workerExecArgv?: string[];
  /** Folder of the bundled `thumbnail-worker.cjs` (dist/workers), as for the import/export workers. */
  workerDir?: string;
  /** Replaces worker creation entirely (tests, custom hosts). */
  createWorker?: () => Worker;
  /** An idle worker is stopped after this long; the next miss starts a new one. Default 30 s. */
  idleTimeoutMs?: number;
  /**
   * Which waiting request a free worker takes. Default 'newest-first': in a scrolling grid the
   * newest requests are the cells on screen now, the oldest ones may have scrolled away.
   */
  order?: 'newest-first' | 'oldest-first';
}

export interface ThumbnailStats {
  /** Thumbnails rendered by a worker. */
  generated: number;
  /** Requests answered from the disk cache without a worker. */
  cacheHits: number;
  /** Requests answered from the remembered failures (unsupported / corrupt). */
  knownFailures: number;
  queued: number;
  running: number;
  workers: number;
}

export interface ThumbnailService {
  /**
   * The cached thumbnail for a file, rendering it first when needed. Expected failures:
   * `unsupported` (show a placeholder icon), `corrupt`, `not-found`, `permission-denied`,
   * `invalid-argument`, `io`, `disk-full`, `worker-died`.
   */
  get(req: ThumbnailRequest): Promise<Result<ThumbnailFile>>;
  /**
   * The perceptual hash of a picture (near-duplicates), computed in the background: taken only
   * when no thumbnail waits, by one worker at most. `{ hash: null }` when the picture cannot be
   * read or decoded; null when it was not hashed (the service stopped, the worker died).
   */
  /**
   * A picture's perceptual hash (null: not decodable); `'lost'` when the hashing thread went away
   * with it (it crashed or could not start: worth another try); null once the service is closed.
   */
  hash(job: HashJob): Promise<HashAnswer>;
  stats(): ThumbnailStats;
  /** Stops the workers; pending requests resolve with an error. */
  close(): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;
// Failures are remembered so a scrolled-past video does not go back to a worker every time.
const MAX_REMEMBERED_FAILURES = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

interface Task {
  kind: 'render';
  job: RenderJob;
  resolve: (result: Result<RenderedThumbnail>) => void;
}

interface HashTask {
  kind: 'phash';
  job: HashJob;
  resolve: (result: HashAnswer) => void;
}

interface Slot {
  /** 'hash': the one thread of background hashes, below the app's priority; never a thumbnail. */
  role: 'render' | 'hash';
  worker: Worker;
  task: Task | HashTask | null;
  idleTimer: NodeJS.Timeout | null;
}

function moduleUrl(): string | undefined {
  // In a CommonJS bundle esbuild leaves import.meta empty.
  const url: unknown = import.meta.url;
  return typeof url === 'string' && url.length > 0 ? url : undefined;
}

function defaultWorker(opts: ThumbnailServiceOptions): { url: URL; execArgv: string[] } {
  const here = moduleUrl();
  if (opts.workerUrl) {
    const loader = opts.workerUrl.pathname.endsWith('.ts') ? tsxExecArgv() : [];
    return { url: opts.workerUrl, execArgv: opts.workerExecArgv ?? loader };
  }
  if (!opts.workerDir && here?.endsWith('.ts')) {
    return { url: new URL('../workers/thumbnail-worker.ts', here), execArgv: opts.workerExecArgv ?? tsxExecArgv() };
  }
  // Bundled: dist/desktop/main.cjs starts dist/workers/thumbnail-worker.cjs (scripts/build-main.mjs).
  const dir = opts.workerDir ?? (here ? fileURLToPath(new URL('../workers/', here)) : join(process.cwd(), 'dist', 'workers'));
  return { url: pathToFileURL(join(dir, 'thumbnail-worker.cjs')), execArgv: opts.workerExecArgv ?? [] };
}

function validate(req: ThumbnailRequest): AppError | null {
  if (!Object.hasOwn(THUMBNAIL_MAX_EDGE, req.size)) {
    return { code: 'invalid-argument', message: 'Unknown thumbnail size.', detail: String(req.size) };
  }
  if (!Number.isSafeInteger(req.fileId) || req.fileId < 0) {
    return { code: 'invalid-argument', message: 'Invalid file id.', detail: String(req.fileId) };
  }
  if (typeof req.sourcePath !== 'string' || !isAbsolute(req.sourcePath)) {
    return { code: 'invalid-argument', message: 'The file path must be absolute.', detail: String(req.sourcePath) };
  }
  return null;
}

/** Where the thumbnail for `req` lives in `cacheDir` (whether or not it exists yet). */
export function thumbnailCachePath(cacheDir: string, req: ThumbnailRequest): string {
  // The sha256 comes from our database, but is checked anyway: it becomes a file name.
  const name =
    req.sha256 !== null && SHA256_HEX.test(req.sha256)
      ? req.sha256.toLowerCase()
      : // The path hash keeps a rebuilt database (ids start again at 1) from reusing stale thumbnails.
        `id-${req.fileId}-${createHash('sha256').update(req.sourcePath).digest('hex').slice(0, 16)}`;
  return join(resolve(cacheDir), req.size, `${name}.webp`);
}

async function isCached(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

export function createThumbnailService(opts: ThumbnailServiceOptions): ThumbnailService {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const newestFirst = (opts.order ?? 'newest-first') === 'newest-first';
  const take = (): Task | undefined => (newestFirst ? queue.pop() : queue.shift());
  const spawn =
    opts.createWorker ??
    (() => {
      const { url, execArgv } = defaultWorker(opts);
      return new Worker(url, { execArgv });
    });

  const queue: Task[] = [];
  /** Background hashes: served oldest first, only while no thumbnail waits, one at a time. */
  const hashQueue: HashTask[] = [];
  const slots = new Set<Slot>();
  const inFlight = new Map<string, Promise<Result<ThumbnailFile>>>();
  const failures = new Map<string, AppError>();
  const counters = { generated: 0, cacheHits: 0, knownFailures: 0 };
  let nextId = 1;
  let closed = false;

  function retire(slot: Slot, error: AppError): void {
    if (!slots.delete(slot)) return;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const task = slot.task;
    slot.task = null;
    if (task?.kind === 'phash') task.resolve(closed ? null : 'lost');
    else task?.resolve({ ok: false, error });
    pump();
  }

  function startWorker(role: Slot['role']): Slot | null {
    let worker: Worker;
    try {
      worker = spawn();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (role === 'hash') hashQueue.shift()?.resolve('lost');
      else take()?.resolve(err('internal', 'The thumbnail worker could not be started.', detail));
      return null;
    }
    const slot: Slot = { role, worker, task: null, idleTimer: null };
    slots.add(slot);
    worker.on('message', (message: ThumbnailWorkerMessage) => {
      const task = slot.task;
      if (!task) return;
      if (message.type === 'rendered' && task.kind === 'render') task.resolve(message.result);
      else if (message.type === 'hashed' && task.kind === 'phash') task.resolve({ hash: message.hash });
      else return;
      slot.task = null;
      idle(slot);
      pump();
    });
    worker.on('error', (error) => {
      retire(slot, { code: 'worker-died', message: 'The thumbnail worker stopped unexpectedly.', detail: error.stack ?? error.message });
    });
    worker.on('exit', (code) => {
      retire(slot, { code: 'worker-died', message: 'The thumbnail worker stopped unexpectedly.', detail: `exit code ${code}` });
    });
    return slot;
  }

  function idle(slot: Slot): void {
    // An idle worker must not keep a CLI or a test process alive.
    slot.worker.unref();
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.task || !slots.delete(slot)) return;
      void slot.worker.terminate();
    }, idleTimeoutMs);
    slot.idleTimer.unref();
  }

  /** A free worker of this role, started when the role has room; null when all are busy. */
  function freeSlot(role: Slot['role']): Slot | null {
    const mine = [...slots].filter((s) => s.role === role);
    const free = mine.find((s) => s.task === null);
    if (free) return free;
    if (mine.length >= (role === 'render' ? concurrency : 1)) return null;
    return startWorker(role);
  }

  function assign(slot: Slot, task: Task | HashTask): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.task = task;
    slot.worker.ref();
    const request: ThumbnailWorkerRequest =
      task.kind === 'render' ? { type: 'render', id: nextId++, job: task.job } : { type: 'phash', id: nextId++, job: task.job, background: true };
    slot.worker.postMessage(request);
  }

  /**
   * Thumbnails go to the render workers (newest request first); background hashes to a worker of
   * their own, which lowers its priority below the app's, so hashing a large import's pictures
   * never slows what the screen shows.
   */
  function pump(): void {
    while (!closed && queue.length > 0) {
      const slot = freeSlot('render');
      if (!slot) break;
      const task = take();
      if (!task) break;
      assign(slot, task);
    }
    while (!closed && hashQueue.length > 0) {
      const slot = freeSlot('hash');
      if (!slot) break;
      assign(slot, hashQueue.shift()!);
    }
  }

  function render(job: RenderJob): Promise<Result<RenderedThumbnail>> {
    return new Promise((resolveTask) => {
      queue.push({ kind: 'render', job, resolve: resolveTask });
      pump();
    });
  }

  function remember(key: string, error: AppError): void {
    if (failures.size >= MAX_REMEMBERED_FAILURES) {
      const oldest = failures.keys().next().value;
      if (oldest !== undefined) failures.delete(oldest);
    }
    failures.set(key, error);
  }

  async function produce(req: ThumbnailRequest, path: string): Promise<Result<ThumbnailFile>> {
    if (await isCached(path)) {
      counters.cacheHits++;
      return ok({ path, mime: THUMBNAIL_MIME });
    }
    const result = await render({
      sourcePath: req.sourcePath,
      ...(req.sourcePathBytes !== undefined ? { sourcePathBytes: req.sourcePathBytes } : {}),
      targetPath: path,
      maxEdge: THUMBNAIL_MAX_EDGE[req.size],
    });
    if (!result.ok) {
      // Only verdicts about the file itself are stable; a missing file or a full disk may change.
      if (result.error.code === 'unsupported' || result.error.code === 'corrupt') remember(path, result.error);
      return result;
    }
    counters.generated++;
    return ok({ path, mime: result.value.mime });
  }

  return {
    get(req) {
      if (closed) return Promise.resolve(err('internal', 'Thumbnails are not available while the app is shutting down.'));
      const invalid = validate(req);
      if (invalid) return Promise.resolve({ ok: false, error: invalid });
      const path = thumbnailCachePath(opts.cacheDir, req);
      const known = failures.get(path);
      if (known) {
        counters.knownFailures++;
        return Promise.resolve({ ok: false, error: known });
      }
      const pending = inFlight.get(path);
      if (pending) return pending;
      const promise = produce(req, path).finally(() => inFlight.delete(path));
      inFlight.set(path, promise);
      return promise;
    },

    hash(job) {
      if (closed) return Promise.resolve(null);
      return new Promise((resolveTask) => {
        hashQueue.push({ kind: 'phash', job, resolve: resolveTask });
        pump();
      });
    },

    stats() {
      return {
        ...counters,
        queued: queue.length + hashQueue.length,
        running: [...slots].filter((s) => s.task !== null).length,
        workers: slots.size,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      const stopping = err<RenderedThumbnail>('internal', 'Thumbnails are not available while the app is shutting down.');
      for (const task of queue.splice(0)) task.resolve(stopping);
      for (const task of hashQueue.splice(0)) task.resolve(null);
      const all = [...slots];
      slots.clear();
      for (const slot of all) {
        if (slot.idleTimer) clearTimeout(slot.idleTimer);
        if (slot.task?.kind === 'phash') slot.task.resolve(null);
        else slot.task?.resolve(stopping);
        slot.task = null;
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}
