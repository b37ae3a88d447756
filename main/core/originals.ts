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
 * Pure node:* code, used by the import and export workers.
 */
import { constants, openSync } from 'node:fs';
import { errnoCode } from './errors.js';

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
