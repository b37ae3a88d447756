/**
 * ExifTool processes for the engines (exiftool-vendored's pool of `perl` children), started the
 * same way everywhere: the environment the readers expect (exiftoolEnv) and a lower CPU priority
 * (nice 10, as the copy threads), so an import's reads or an export's metadata writes never hold
 * back the main thread that serves the UI and records the results.
 */
import os from 'node:os';
import { ExifTool, type ExifToolOptions } from 'exiftool-vendored';

/** Nice value of ExifTool's processes (os PRIORITY_BELOW_NORMAL, like the copy threads). */
export const EXIFTOOL_NICE = 10;

/**
 * The environment for ExifTool's perl processes. exiftool-vendored gives them a fresh
 * environment, so without this a TZ set for the app would not reach perl, and the dates ExifTool
 * shows in its own zone (a CR3's movie dates) would follow the system zone instead of the one the
 * app runs in (which the CR3 reader in quicktime.ts uses).
 */
export function exiftoolEnv(): Record<string, string> {
  return process.env.TZ ? { TZ: process.env.TZ } : {};
}

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
