/**
 * The crash-safe copy of one file into the output tree.
 *
 * Bytes go to a hidden temporary name in the target folder, are verified against the import's
 * size and sha256, and are then published under the final name without ever overwriting anything
 * (a hard link fails with EEXIST; file systems without hard links use an exclusive copy). A crash
 * at any point leaves at most a `.mediaparser-*.tmp` file, which `removeStrayTemps` deletes.
 *
 * Pure node:* code (no database): used by the export worker.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { appError, type AppError } from '../../../shared/errors.js';
import { errnoCode, errnoToAppError, isTransientErrno } from '../errors.js';

/** The file-system calls the export makes; injectable so tests can simulate a full disk or a busy file. */
export interface ExportFs {
  open: typeof fsp.open;
  link: typeof fsp.link;
  unlink: typeof fsp.unlink;
  copyFile: typeof fsp.copyFile;
  utimes: typeof fsp.utimes;
  chmod: typeof fsp.chmod;
  stat: typeof fsp.stat;
  readdir: typeof fsp.readdir;
  mkdir: typeof fsp.mkdir;
}

export const nodeFs: ExportFs = {
  open: fsp.open,
  link: fsp.link,
  unlink: fsp.unlink,
  copyFile: fsp.copyFile,
  utimes: fsp.utimes,
  chmod: fsp.chmod,
  stat: fsp.stat,
  readdir: fsp.readdir,
  mkdir: fsp.mkdir,
};

/** Prefix of every temporary file the export writes (hidden, so never mistaken for an output). */
export const TEMP_PREFIX = '.mediaparser-';
export const TEMP_SUFFIX = '.tmp';

/** `.mediaparser-<jobId>-<fileId>.tmp` */
export function tempNameFor(jobId: number, fileId: number): string {
  return `${TEMP_PREFIX}${jobId}-${fileId}${TEMP_SUFFIX}`;
}

export function isTempName(name: string, jobId?: number): boolean {
  if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) return false;
  return jobId === undefined || name.startsWith(`${TEMP_PREFIX}${jobId}-`);
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
  /** Read/write unit; pause and cancel are checked between chunks. */
  chunkSize?: number;
  /** Delays before the retries of a transient failure (two retries). */
  retryDelaysMs?: readonly number[];
}

export interface SafeCopyRequest {
  sourcePath: string;
  /** Size and sha256 recorded by the import. */
  size: number;
  sha256: string;
  /** Absolute final path; its folder must exist. */
  finalPath: string;
  /** Absolute temporary path in the same folder. */
  tempPath: string;
  /** Bytes copied so far of this file (called per chunk; throttle upstream). */
  onBytes?: (bytesDone: number) => void;
}

export type SafeCopyOutcome =
  | { kind: 'published'; bytes: number }
  /** The final name was taken meanwhile (by someone else): nothing was written there. */
  | { kind: 'exists' }
  | { kind: 'cancelled' }
  /** `side` tells whether the source or the output was at fault (an output problem may stop the job). */
  | { kind: 'failed'; error: AppError; side: 'source' | 'target' };

const DEFAULT_CHUNK = 1024 * 1024;
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

async function tryUnlink(fs: ExportFs, p: string): Promise<void> {
  try {
    await fs.unlink(p);
  } catch {
    // Already gone or never created: nothing to clean.
  }
}

// Reused chunk buffers: allocating a fresh megabyte per file keeps the garbage collector busy.
const bufferPool = new Map<number, Buffer[]>();

function takeBuffer(size: number): Buffer {
  return bufferPool.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

function giveBack(buf: Buffer): void {
  let list = bufferPool.get(buf.length);
  if (!list) bufferPool.set(buf.length, (list = []));
  if (list.length < 16) list.push(buf);
}

/** sha256 of a whole file (streamed in chunks). */
export async function sha256File(filePath: string, fs: ExportFs = nodeFs, chunkSize = DEFAULT_CHUNK): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(filePath, 'r');
  const buf = takeBuffer(chunkSize);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    giveBack(buf);
    await handle.close();
  }
  return hash.digest('hex');
}

async function writeAll(handle: fsp.FileHandle, buf: Buffer, length: number): Promise<void> {
  let off = 0;
  while (off < length) {
    const { bytesWritten } = await handle.write(buf, off, length - off, null);
    off += bytesWritten;
  }
}

async function openTemp(fs: ExportFs, tempPath: string): Promise<fsp.FileHandle> {
  try {
    return await fs.open(tempPath, 'wx', 0o600);
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e;
    // A temp with our name can only be a leftover of an earlier attempt at this very file.
    await fs.unlink(tempPath);
    return await fs.open(tempPath, 'wx', 0o600);
  }
}

interface Copied {
  sha256: string;
  bytes: number;
  atime: number;
  mtime: number;
}

/**
 * Reads the original once, in chunks, hashing exactly the bytes it writes to the temp; the next
 * read overlaps the current write. Pause/cancel are honoured between chunks.
 */
async function copyToTemp(
  fs: ExportFs,
  req: SafeCopyRequest,
  control: CopyControl,
  chunkSize: number,
): Promise<Copied | { changed: string }> {
  let input: fsp.FileHandle;
  try {
    input = await fs.open(req.sourcePath, 'r');
  } catch (e) {
    throw new SourceFailure(e);
  }
  let output: fsp.FileHandle | null = null;
  const bufs: Buffer[] = [];
  let pending: Promise<number> | null = null;
  try {
    let st;
    try {
      st = await input.stat({ bigint: true });
    } catch (e) {
      throw new SourceFailure(e);
    }
    if (!st.isFile()) return { changed: 'no longer a regular file' };
    if (st.size !== BigInt(req.size)) return { changed: `size ${st.size} != ${req.size}` };
    // libuv takes times as double seconds: build them from the nanoseconds in one rounding.
    const atime = Number(st.atimeNs / 1_000_000_000n) + Number(st.atimeNs % 1_000_000_000n) / 1e9;
    const mtime = Number(st.mtimeNs / 1_000_000_000n) + Number(st.mtimeNs % 1_000_000_000n) / 1e9;

    output = await openTemp(fs, req.tempPath);
    const hash = createHash('sha256');
    bufs.push(takeBuffer(chunkSize), takeBuffer(chunkSize));
    let which = 0;
    let pos = 0;
    const read = (b: Buffer, at: number): Promise<number> =>
      at >= req.size
        ? Promise.resolve(0)
        : input.read(b, 0, Math.min(b.length, req.size - at), at).then(
            (r) => r.bytesRead,
            (e: unknown) => {
              throw new SourceFailure(e);
            },
          );
    pending = read(bufs[0]!, 0);
    for (;;) {
      const n = await pending;
      pending = null;
      if (n === 0) break;
      const buf = bufs[which]!;
      hash.update(buf.subarray(0, n));
      pos += n;
      which ^= 1;
      pending = read(bufs[which]!, pos);
      // Keep the read promise handled even if the write below throws first.
      pending.catch(() => undefined);
      await writeAll(output, buf, n);
      req.onBytes?.(pos);
      if (!control.running() && (await control.checkpoint()) === 'cancel') throw new Cancelled();
    }
    if (pos !== req.size) return { changed: `read ${pos} of ${req.size} bytes` };
    const sha256 = hash.digest('hex');
    if (sha256 !== req.sha256) return { changed: 'sha256 differs from the import' };
    // Same bytes as imported: give the copy the original's mode and times (set last: writes move mtime).
    await output.chmod(Number(st.mode) & 0o7777).catch(() => undefined);
    await output.utimes(atime, mtime);
    return { sha256, bytes: pos, atime, mtime };
  } finally {
    await pending?.catch(() => undefined);
    for (const b of bufs) giveBack(b);
    await output?.close().catch(() => undefined);
    await input.close().catch(() => undefined);
  }
}

const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Publishes the temp under the final name, never overwriting. Returns false when the name is taken. */
async function publish(fs: ExportFs, tempPath: string, finalPath: string, copied: Copied): Promise<boolean> {
  try {
    await fs.link(tempPath, finalPath);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EEXIST') return false;
    if (code === null || !NO_LINKS.has(code)) throw e;
    // No hard links here (exFAT/FAT USB drives, some network shares): exclusive copy instead.
    try {
      await fs.copyFile(tempPath, finalPath, fsConstants.COPYFILE_EXCL);
    } catch (ce) {
      if (errnoCode(ce) === 'EEXIST') return false;
      throw ce;
    }
    await fs.utimes(finalPath, copied.atime, copied.mtime).catch(() => undefined);
  }
  await tryUnlink(fs, tempPath);
  return true;
}

async function copyOnce(req: SafeCopyRequest, fs: ExportFs, control: CopyControl, chunkSize: number): Promise<SafeCopyOutcome> {
  let copied: Copied | { changed: string };
  try {
    copied = await copyToTemp(fs, req, control, chunkSize);
  } catch (e) {
    await tryUnlink(fs, req.tempPath);
    throw e;
  }
  if ('changed' in copied) {
    await tryUnlink(fs, req.tempPath);
    return { kind: 'failed', side: 'source', error: sourceChanged(req, copied.changed) };
  }
  try {
    if (!(await publish(fs, req.tempPath, req.finalPath, copied))) {
      await tryUnlink(fs, req.tempPath);
      return { kind: 'exists' };
    }
  } catch (e) {
    await tryUnlink(fs, req.tempPath);
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
      return await copyOnce(req, fs, control, opts.chunkSize ?? DEFAULT_CHUNK);
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

/**
 * Removes our `.mediaparser-*.tmp` files (only this job's when `jobId` is given) from the output
 * root and its direct subfolders (the year folders and `unknown/`). Other files are never touched.
 * Returns how many were removed.
 */
export async function removeStrayTemps(outputDir: string, jobId?: number, fs: ExportFs = nodeFs): Promise<number> {
  let removed = 0;
  const sweep = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (entry.isFile() && isTempName(entry.name, jobId)) {
        try {
          await fs.unlink(p);
          removed++;
        } catch {
          // Vanished meanwhile or not ours to delete; leave it.
        }
      } else if (entry.isDirectory() && depth === 0) {
        await sweep(p, 1);
      }
    }
  };
  await sweep(outputDir, 0);
  return removed;
}
