/**
 * Opening an original for reading without touching it and without ever blocking:
 *  - O_NOATIME keeps its access time (on Linux, reading a file that was not read for a day
 *    otherwise writes a new atime to the source drive). The kernel refuses the flag for files we
 *    do not own; those are opened without it.
 *  - O_NONBLOCK: a name that turned into a FIFO since the scan would otherwise block the open
 *    until some writer appears, possibly forever (no pause, cancel or Ctrl-C gets through a thread
 *    stuck in open). Regular files ignore the flag. Callers fstat the descriptor and read only a
 *    regular file (`nonRegularKind`).
 *
 * Also: a string path for tools that take only strings, for an original whose name is not UTF-8.
 * Node's fs only; used by the import and export workers and the thumbnail renderer.
 */
import { constants, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errnoCode } from '../rules/errno.js';

const NOATIME = (constants as Record<string, number>).O_NOATIME ?? 0;
// Windows has no FIFOs to block on and no O_NONBLOCK constant.
const NONBLOCK = (constants as Record<string, number>).O_NONBLOCK ?? 0;

/** The flags originals are opened with (read-only, never blocking; O_NOATIME is added where allowed). */
export const ORIGINAL_OPEN_FLAGS = constants.O_RDONLY | NONBLOCK;

export function openOriginal<P extends string | Buffer>(file: P, open: (p: P, flags: number) => number = openSync): number {
  if (NOATIME !== 0) {
    try {
      return open(file, ORIGINAL_OPEN_FLAGS | NOATIME);
    } catch (e) {
      if (errnoCode(e) !== 'EPERM') throw e;
    }
  }
  return open(file, ORIGINAL_OPEN_FLAGS);
}

interface FileTypeTests {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** null for a regular file; otherwise what it is, for a message ("a pipe (FIFO)", "a folder"...). */
export function nonRegularKind(st: FileTypeTests): string | null {
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'a pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return 'something other than a file';
}

/**
 * Runs `fn` with a path that tools taking only strings (ExifTool, exifr, sharp, ffmpeg) can open:
 * a symlink to the exact bytes, in a fresh temporary folder, named by the display form (so the
 * extension and any date in the name still read). The link and folder are removed afterwards.
 */
export async function withStringPath<T>(bytes: Buffer, display: string, fn: (p: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mediaparser-name-'));
  try {
    // A Latin-1 byte takes two in UTF-8: a long name's display form may not fit a name (255 bytes).
    const base = path.basename(display);
    const link = path.join(dir, Buffer.byteLength(base) <= 200 ? base : `file${path.extname(base).slice(0, 16)}`);
    symlinkSync(bytes, link);
    return await fn(link);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
