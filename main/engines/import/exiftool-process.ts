/**
 * ExifTool processes for the engines (exiftool-vendored's pool of `perl` children), started the
 * same way everywhere: the environment the readers expect (exiftoolEnv) and a lower CPU priority
 * (nice 10, as the copy threads), so an import's reads or an export's metadata writes never hold
 * back the main thread that serves the UI and records the results.
 */
import os from 'node:os';
import { ExifTool, type ExifToolOptions } from 'exiftool-vendored';
import { exiftoolEnv } from './metadata.js';

/** Nice value of ExifTool's processes (os PRIORITY_BELOW_NORMAL, like the copy threads). */
export const EXIFTOOL_NICE = 10;

export function startExiftool(options: Partial<ExifToolOptions>): ExifTool {
  const exiftool = new ExifTool({ useMWG: false, exiftoolEnv: exiftoolEnv(), ...options });
  exiftool.on('childStart', (child) => {
    try {
      os.setPriority(child.pid, EXIFTOOL_NICE);
    } catch {
      // Not permitted or not supported here: the process runs at normal priority.
    }
  });
  return exiftool;
}
