/**
 * Opening an original for reading without touching it: O_NOATIME keeps its access time (on
 * Linux, reading a file that was not read for a day otherwise writes a new atime to the source
 * drive). The kernel refuses the flag for files we do not own; those are opened plainly.
 *
 * Pure node:* code, used by the import and export workers.
 */
import { constants, openSync } from 'node:fs';
import { errnoCode } from './errors.js';

const NOATIME = (constants as Record<string, number>).O_NOATIME ?? 0;

export function openOriginal(file: string, open: (p: string, flags: number) => number = openSync): number {
  if (NOATIME !== 0) {
    try {
      return open(file, constants.O_RDONLY | NOATIME);
    } catch (e) {
      if (errnoCode(e) !== 'EPERM') throw e;
    }
  }
  return open(file, constants.O_RDONLY);
}
