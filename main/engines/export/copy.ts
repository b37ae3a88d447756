/**
 * The crash-safe, durable copy of one file into the output tree.
 *
 * Bytes go to a hidden temporary name unique to this run, in the target folder; they are verified
 * against the import's size and sha256 and fsynced, and only then published under the final name,
 * never overwriting anything (a hard link fails with EEXIST; on file systems without hard links an
 * lstat + rename, see `publish`). A crash at any point leaves at most a `.mediaparser-*.tmp` file,
 * which the next run's `removeStrayTemps` deletes. The folders' entries are made durable in
 * batches by `syncDirs`, before the database records the batch.
 *
 * Pure node:* code (no database): used by the export worker and its copy threads.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import path from 'node:path';
import { appError, type AppError } from '../../../shared/errors.js';
import { errnoCode, errnoToAppError, isTransientErrno } from '../../rules/errno.js';
import { openablePath } from '../../rules/byte-names.js';
import { nonRegularKind, openOriginal } from '../originals.js';
import { inlineHasher, type BufferHasher } from './hasher.js';

/**
 * The file-system calls the export makes; injectable so tests can simulate a full disk or a busy
 * file. Synchronous on purpose: this code runs in the export worker thread, whose whole job is
 * file I/O, and one syscall costs far less than a thread-pool round trip (with about a dozen of
 * them per file, the async version lost clearly to `cp -a` in bench:export). The copy still yields
 * to the worker's event loop between chunks, so messages and pause/cancel are seen promptly.
 */
export interface ExportFs {
  openSync: typeof fsSync.openSync;
  closeSync: typeof fsSync.closeSync;
  readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) => number;
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number) => number;
  fstatSync: (fd: number) => fsSync.BigIntStats;
  fchmodSync: typeof fsSync.fchmodSync;
  futimesSync: typeof fsSync.futimesSync;
  /** Makes a file's bytes and metadata (or a folder's entries) durable. */
  fsyncSync: (fd: number) => void;
  /**
   * The same for a copy's temp, off the thread (libuv's pool): a copy thread copies the next
   * file while this one waits for the disk, and concurrent fsyncs share journal commits.
   */
  fsync: (fd: number) => Promise<void>;
  linkSync: typeof fsSync.linkSync;
  renameSync: (from: string, to: string) => void;
  unlinkSync: typeof fsSync.unlinkSync;
  statSync: (p: string) => fsSync.Stats;
  lstatSync: (p: string) => fsSync.Stats;
  readdirSync: (p: string) => string[];
  readdirTypesSync: (p: string) => fsSync.Dirent[];
  mkdirSync: (p: string) => void;
}

export const nodeFs: ExportFs = {
  openSync: fsSync.openSync,
  closeSync: fsSync.closeSync,
  readSync: (fd, buffer, offset, length, position) => fsSync.readSync(fd, buffer, offset, length, position),
  writeSync: (fd, buffer, offset, length) => fsSync.writeSync(fd, buffer, offset, length),
  fstatSync: (fd) => fsSync.fstatSync(fd, { bigint: true }),
  fchmodSync: fsSync.fchmodSync,
  futimesSync: fsSync.futimesSync,
  fsyncSync: (fd) => fsSync.fsyncSync(fd),
  fsync: (fd) => new Promise((resolve, reject) => fsSync.fsync(fd, (e) => (e ? reject(e) : resolve()))),
  linkSync: fsSync.linkSync,
  renameSync: (from, to) => fsSync.renameSync(from, to),
  unlinkSync: fsSync.unlinkSync,
  statSync: (p) => fsSync.statSync(p),
  lstatSync: (p) => fsSync.lstatSync(p),
  readdirSync: (p) => fsSync.readdirSync(p),
  readdirTypesSync: (p) => fsSync.readdirSync(p, { withFileTypes: true }),
  mkdirSync: (p) => {
    fsSync.mkdirSync(p, { recursive: true });
  },
};

/**
 * The same calls with every fsync skipped. Benchmarks only (MEDIAPARSER_BENCH_UNSAFE_NO_FSYNC, see
 * the export worker), to show what durability costs: copies may not survive a power cut.
 */
export function withoutFsync(fs: ExportFs): ExportFs {
  return { ...fs, fsyncSync: () => {}, fsync: async () => {} };
}

/** Prefix of every temporary file the export writes (hidden, so never mistaken for an output). */
export const TEMP_PREFIX = '.mediaparser-';
export const TEMP_SUFFIX = '.tmp';

/**
 * A random tag for one run of the export worker, carried by every temp it writes: no run (a
 * resumed job, a second writer) can ever publish or delete as its own a temp written by another.
 */
export function newRunNonce(): string {
  return randomBytes(8).toString('hex');
}

/**
 * `.mediaparser-<jobId>-<runNonce>-<fileId>.tmp`. XMP sidecars are made under
 * `.mediaparser-<jobId>-<runNonce>-x<fileId>.tmp.xmp` (`y<sidecarId>` for a file's own .xmp): ExifTool
 * tells an XMP file by its extension.
 */
export function tempNameFor(jobId: number, runNonce: string, fileId: number | `${'s' | 'w' | 'x' | 'y' | 'z'}${number}` | 'probe', ext = ''): string {
  return `${TEMP_PREFIX}${jobId}-${runNonce}-${fileId}${TEMP_SUFFIX}${ext}`;
}

/** Ours: `.mediaparser-<job>-<nonce>-<file|probe>.tmp[.xmp]`, or `.mediaparser-<job>-<file>.tmp` of older versions. */
const TEMP_NAME = /^\.mediaparser-\d+-(?:([0-9a-f]+)-)?(?:\d+|[swxyz]\d+|probe)\.tmp(?:\.xmp)?(?:_exiftool_tmp)?$/;

/** True for a temp name MediaParser writes (of any run, or of `run` only). */
export function isTempName(name: string, run?: string): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m) return false;
  return run === undefined || m[1] === run;
}

/** Between chunks the copy asks whether to go on; a paused job waits inside `checkpoint`. */
export interface CopyControl {
  /** Cheap check: true when the copy may simply continue. */
  running(): boolean;
  /** Waits while paused; 'cancel' when the copy must stop and clean up. */
  checkpoint(): Promise<'run' | 'cancel'>;
}

export const alwaysRun: CopyControl = { running: () => true, checkpoint: async () => 'run' };

export interface CopyOptions {
  fs?: ExportFs;
  control?: CopyControl;
  /** Read/write unit of large files; pause and cancel are checked between chunks. */
  chunkSize?: number;
  /** Files up to this size are copied in one read + one write (not interruptible, a few ms). */
  wholeFileLimit?: number;
  /** Delays before the retries of a transient failure (two retries). */
  retryDelaysMs?: readonly number[];
  /** Hashes whole-file buffers (the export worker passes its hashing thread); inline by default. */
  hasher?: BufferHasher;
}

export interface SafeCopyRequest {
  /** The original's path as people read it (messages); opened by it unless `sourcePathBytes` is set. */
  sourcePath: string;
  /** Base64 of the original's exact path bytes, when they are not valid UTF-8 (core/byte-names.ts). */
  sourcePathBytes?: string;
  /** Size and sha256 recorded by the import. */
  size: number;
  sha256: string;
  /** Absolute final path; its folder must exist. */
  finalPath: string;
  /** Absolute temporary path in the same folder. */
  tempPath: string;
  /** Bytes copied so far of this file (called per chunk; throttle upstream). */
  onBytes?: (bytesDone: number) => void;
  /** The bytes are written and verified; the copy now only waits for its fsync (a copy thread starts the next one). */
  onSyncing?: () => void;
}

export type SafeCopyOutcome =
  | { kind: 'published'; bytes: number }
  /** The final name was taken meanwhile (by someone else): nothing was written there. */
  | { kind: 'exists' }
  | { kind: 'cancelled' }
  /** `side` tells whether the source or the output was at fault (an output problem may stop the job). */
  | { kind: 'failed'; error: AppError; side: 'source' | 'target' };

const DEFAULT_CHUNK = 1024 * 1024;
const DEFAULT_WHOLE_FILE = 8 * 1024 * 1024;
const DEFAULT_RETRY_DELAYS = [200, 800] as const;

class Cancelled extends Error {}

/** Marks an error from reading the original, so it is reported as a source problem. */
class SourceFailure extends Error {
  constructor(readonly original: unknown) {
    super('source failure');
  }
}

const sourceError = (e: unknown, req: SafeCopyRequest): AppError => {
  const mapped = errnoToAppError(e, path.basename(req.sourcePath));
  if (mapped.code === 'not-found') {
    return appError('not-found', `The original file is no longer there (${path.basename(req.sourcePath)}).`, mapped.detail);
  }
  return mapped;
};

const sourceChanged = (req: SafeCopyRequest, why: string): AppError =>
  appError(
    'source-changed',
    `The original file changed since it was imported (${path.basename(req.sourcePath)}); import it again to export it.`,
    `${why}: ${req.sourcePath}`,
  );

function tryUnlink(fs: ExportFs, p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // Already gone or never created: nothing to clean.
  }
}

function tryClose(fs: ExportFs, fd: number | null): void {
  if (fd === null) return;
  try {
    fs.closeSync(fd);
  } catch {
    // Closing can only fail for a bad descriptor; nothing left to do.
  }
}

// Reused chunk buffers: allocating a fresh megabyte per file keeps the garbage collector busy.
// Shared-memory buffers (for the hashing thread) are pooled apart from ordinary ones.
const bufferPool = new Map<string, Buffer[]>();

const poolKey = (size: number, shared: boolean): string => `${shared ? 's' : 'p'}${size}`;

function takeBuffer(size: number, hasher?: BufferHasher): Buffer {
  const shared = hasher?.sharedBuffers ?? false;
  return bufferPool.get(poolKey(size, shared))?.pop() ?? (hasher ? hasher.alloc(size) : Buffer.allocUnsafeSlow(size));
}

function giveBack(buf: Buffer): void {
  const key = poolKey(buf.length, buf.buffer instanceof SharedArrayBuffer);
  let list = bufferPool.get(key);
  if (!list) bufferPool.set(key, (list = []));
  if (list.length < 8) list.push(buf);
}

/** Lets the worker's event loop run (messages, timers) during a long synchronous copy. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const YIELD_EVERY_MS = 10;

/** sha256 of a whole file (read in chunks, yielding now and then). */
export async function sha256File(filePath: string, fs: ExportFs = nodeFs, chunkSize = DEFAULT_CHUNK): Promise<string> {
  const hash = createHash('sha256');
  const fd = fs.openSync(filePath, 'r');
  const buf = takeBuffer(chunkSize);
  try {
    let last = performance.now();
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      if (performance.now() - last > YIELD_EVERY_MS) {
        await yieldToLoop();
        last = performance.now();
      }
    }
  } finally {
    giveBack(buf);
    tryClose(fs, fd);
  }
  return hash.digest('hex');
}

function writeAll(fs: ExportFs, fd: number, buf: Buffer, length: number): void {
  let off = 0;
  while (off < length) off += fs.writeSync(fd, buf, off, length - off);
}

function openTemp(fs: ExportFs, tempPath: string): number {
  try {
    return fs.openSync(tempPath, 'wx', 0o600);
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e;
    // A temp with our name can only be a leftover of an earlier attempt at this very file.
    fs.unlinkSync(tempPath);
    return fs.openSync(tempPath, 'wx', 0o600);
  }
}

interface Copied {
  sha256: string;
  bytes: number;
}

/** Runs one step on the original (open, fstat, read): what fails there is the source's fault, not the archive's. */
function fromOriginal<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new SourceFailure(e);
  }
}

/**
 * Reads the original once, in chunks, hashing exactly the bytes it writes to the temp.
 * Pause/cancel are honoured between chunks; the event loop gets a turn between them.
 */
async function copyToTemp(
  fs: ExportFs,
  req: SafeCopyRequest,
  control: CopyControl,
  chunkSize: number,
  wholeFileLimit: number,
  hasher: BufferHasher,
): Promise<Copied | { changed: string }> {
  const input = fromOriginal(() => openOriginal(openablePath(req.sourcePath, req.sourcePathBytes), (p, flags) => fs.openSync(p, flags)));
  let output: number | null = null;
  let buf: Buffer | null = null;
  try {
    // Opened without blocking (a FIFO would wait for a writer forever); only a regular file is read.
    const st = fromOriginal(() => fs.fstatSync(input));
    const kind = nonRegularKind(st);
    if (kind !== null) return { changed: `now ${kind}, not a regular file` };
    if (st.size !== BigInt(req.size)) return { changed: `size ${st.size} != ${req.size}` };
    // libuv takes times as double seconds: build them from the nanoseconds in one rounding.
    const atime = Number(st.atimeNs / 1_000_000_000n) + Number(st.atimeNs % 1_000_000_000n) / 1e9;
    const mtime = Number(st.mtimeNs / 1_000_000_000n) + Number(st.mtimeNs % 1_000_000_000n) / 1e9;

    output = openTemp(fs, req.tempPath);
    let sha256: string;
    let pos = 0;
    if (req.size <= wholeFileLimit) {
      // Typical photos: one read, one write, and the hash runs on the hashing thread so it
      // overlaps the next file's I/O instead of serialising with it.
      buf = takeBuffer(wholeFileLimit, hasher);
      while (pos < req.size) {
        const n = fromOriginal(() => fs.readSync(input, buf!, pos, req.size - pos, pos));
        if (n === 0) break;
        pos += n;
      }
      writeAll(fs, output, buf, pos);
      sha256 = await hasher.digest(buf, pos);
    } else {
      buf = takeBuffer(chunkSize);
      const hash = createHash('sha256');
      let lastYield = performance.now();
      while (pos < req.size) {
        const n = fromOriginal(() => fs.readSync(input, buf!, 0, Math.min(buf!.length, req.size - pos), pos));
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
        writeAll(fs, output, buf, n);
        pos += n;
        if (pos < req.size) {
          req.onBytes?.(pos);
          if (!control.running()) {
            if ((await control.checkpoint()) === 'cancel') throw new Cancelled();
            lastYield = performance.now();
          } else if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await yieldToLoop();
            lastYield = performance.now();
            if (!control.running() && (await control.checkpoint()) === 'cancel') throw new Cancelled();
          }
        }
      }
      sha256 = hash.digest('hex');
    }
    if (pos !== req.size) return { changed: `read ${pos} of ${req.size} bytes` };
    if (sha256 !== req.sha256) return { changed: 'sha256 differs from the import' };
    // Same bytes as imported: give the copy the original's mode and times (set last: writes move mtime).
    try {
      fs.fchmodSync(output, Number(st.mode) & 0o7777);
    } catch {
      // Some file systems (exFAT, SMB) have no Unix modes; the copy is still good.
    }
    fs.futimesSync(output, atime, mtime);
    // The bytes reach the disk before any final name points at them: after a power cut a
    // published name never shows an empty or partial file.
    req.onSyncing?.();
    await fsyncFile(fs, output);
    return { sha256, bytes: pos };
  } finally {
    if (buf) giveBack(buf);
    tryClose(fs, output);
    tryClose(fs, input);
  }
}

/** What file systems that cannot fsync at all answer (some FUSE and network ones): nothing more to do there. */
const FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** fsync, except where the file system has none; a real failure (EIO, ENOSPC) throws. */
async function fsyncFile(fs: ExportFs, fd: number): Promise<void> {
  try {
    await fs.fsync(fd);
  } catch (e) {
    const code = errnoCode(e);
    if (code === null || !FSYNC_UNSUPPORTED.has(code)) throw e;
  }
}

const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Folders where link() failed for want of hard links (exFAT/FAT drives, some NAS shares): later
 * files there go straight to the rename. Per thread; bounded, since an export writes to few folders.
 */
const noLinkFolders = new Set<string>();

function rememberNoLinks(folder: string): void {
  if (noLinkFolders.size >= 1000) noLinkFolders.clear();
  noLinkFolders.add(folder);
}

/** Publishes the temp under the final name, never overwriting. Returns false when the name is taken. */
function publish(fs: ExportFs, tempPath: string, finalPath: string): boolean {
  const folder = path.dirname(finalPath);
  if (!noLinkFolders.has(folder)) {
    try {
      fs.linkSync(tempPath, finalPath);
      tryUnlink(fs, tempPath);
      return true;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST') return false;
      if (code === null || !NO_LINKS.has(code)) throw e;
      rememberNoLinks(folder);
    }
  }
  // No hard links here: rename the (already fsynced) temp unless the name is taken. Between the
  // lstat and the rename nothing of ours can take the name: a library has one writing process
  // (the library lock), which plans each final name for one copy only, and the names are ours
  // (YYYYMMDD_HHMMSS[_NNN].ext in our year folders). Only a foreign program writing that exact
  // name in those microseconds could be replaced; there is no portable no-replace rename to close
  // that window (renameat2 is Linux-only, unknown to Node and to FUSE exFAT). lstat also finds
  // a name that differs only in case on these case-insensitive file systems, which rename would
  // silently replace. Each file is written once, and a crash leaves at most the temp.
  try {
    fs.lstatSync(finalPath);
    return false;
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  fs.renameSync(tempPath, finalPath);
  return true;
}

async function copyOnce(
  req: SafeCopyRequest,
  fs: ExportFs,
  control: CopyControl,
  chunkSize: number,
  wholeFileLimit: number,
  hasher: BufferHasher,
): Promise<SafeCopyOutcome> {
  let copied: Copied | { changed: string };
  try {
    copied = await copyToTemp(fs, req, control, chunkSize, wholeFileLimit, hasher);
  } catch (e) {
    tryUnlink(fs, req.tempPath);
    throw e;
  }
  if ('changed' in copied) {
    tryUnlink(fs, req.tempPath);
    return { kind: 'failed', side: 'source', error: sourceChanged(req, copied.changed) };
  }
  try {
    if (!publish(fs, req.tempPath, req.finalPath)) {
      tryUnlink(fs, req.tempPath);
      return { kind: 'exists' };
    }
  } catch (e) {
    tryUnlink(fs, req.tempPath);
    throw e;
  }
  return { kind: 'published', bytes: copied.bytes };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Copies one file crash-safely: temp in the target folder -> verify size + sha256 -> publish
 * without overwriting -> mtime/atime/mode preserved. Transient errors are retried twice with a
 * back-off. Never throws for expected failures; the temp never survives a failure or cancel.
 */
export async function copyFileSafely(req: SafeCopyRequest, opts: CopyOptions = {}): Promise<SafeCopyOutcome> {
  const fs = opts.fs ?? nodeFs;
  const control = opts.control ?? alwaysRun;
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await copyOnce(req, fs, control, opts.chunkSize ?? DEFAULT_CHUNK, opts.wholeFileLimit ?? DEFAULT_WHOLE_FILE, opts.hasher ?? inlineHasher);
    } catch (e) {
      if (e instanceof Cancelled) return { kind: 'cancelled' };
      const raw = e instanceof SourceFailure ? e.original : e;
      const delay = delays[attempt];
      if (isTransientErrno(raw) && delay !== undefined) {
        await sleep(delay);
        if (!control.running() && (await control.checkpoint()) === 'cancel') return { kind: 'cancelled' };
        continue;
      }
      if (e instanceof SourceFailure) return { kind: 'failed', side: 'source', error: sourceError(raw, req) };
      return { kind: 'failed', side: 'target', error: errnoToAppError(raw, path.basename(req.finalPath)) };
    }
  }
}

/** Which temps `removeStrayTemps` deletes. */
export interface TempSelection {
  /** Only this run's temps (a cancelled or stopped run cleaning up after itself). */
  run?: string;
  /** Every temp but this run's (a run starting: what earlier runs left behind). */
  exceptRun?: string;
}

/**
 * Removes our `.mediaparser-*.tmp` files (see `isTempName`; only those `which` selects) from the
 * output root and its direct subfolders (the year folders and `unknown/`). Other files are never
 * touched. Temps of other runs can be removed safely because a library has one writing process
 * (the library lock) and each of its runs uses its own nonce. Returns how many were removed.
 */
export async function removeStrayTemps(outputDir: string, which: TempSelection = {}, fs: ExportFs = nodeFs): Promise<number> {
  let removed = 0;
  const selected = (name: string): boolean =>
    which.run !== undefined ? isTempName(name, which.run) : isTempName(name) && (which.exceptRun === undefined || !isTempName(name, which.exceptRun));
  const sweep = (dir: string, depth: number): void => {
    let entries: fsSync.Dirent[];
    try {
      entries = fs.readdirTypesSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (entry.isFile() && selected(entry.name)) {
        try {
          fs.unlinkSync(p);
          removed++;
        } catch {
          // Vanished meanwhile or not ours to delete; leave it.
        }
      } else if (entry.isDirectory() && depth === 0) {
        sweep(p, 1);
      }
    }
  };
  sweep(outputDir, 0);
  return removed;
}

/**
 * What platforms answer when a folder cannot be opened or fsynced as such (Windows: EISDIR/EPERM
 * on open; some FUSE and network file systems: EINVAL/ENOTSUP on fsync). Their folders are made
 * durable by the file system itself or not at all; nothing more can be done from here.
 */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EBADF']);

/**
 * Makes the entries of these folders durable (open read-only, fsync, close): after it, the names
 * published there survive a power cut. Called once per batch of copies, before the batch is
 * recorded. A folder that is gone (ENOENT) or a real I/O error (EIO) throws: the batch must not be
 * recorded as safe then.
 */
export function syncDirs(dirs: Iterable<string>, fs: ExportFs = nodeFs): void {
  for (const dir of new Set(dirs)) {
    let fd: number;
    try {
      fd = fs.openSync(dir, fsSync.constants.O_RDONLY);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== null && DIR_SYNC_UNSUPPORTED.has(code)) continue;
      throw e;
    }
    try {
      fs.fsyncSync(fd);
    } catch (e) {
      const code = errnoCode(e);
      if (code === null || !DIR_SYNC_UNSUPPORTED.has(code)) throw e;
    } finally {
      tryClose(fs, fd);
    }
  }
}
