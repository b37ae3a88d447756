/**
 * What `verify` finds when it re-hashes an archive against its manifest. Carried by the
 * `verify:progress` / `verify:finished` events, printed by `mediaparser verify`.
 */
import type { AppError } from './errors.js';

/** A copy the manifest lists that is not in the archive. */
export interface VerifyMissing {
  /** Archive-relative path with '/' separators. */
  path: string;
  size: number;
  sha256: string;
}

/** A copy whose bytes are not the ones MediaParser wrote. */
export interface VerifyChanged {
  path: string;
  /** `size`: a different length (not hashed); `content`: same length, other sha256; `not-a-file`: a folder, link or device now stands there. */
  reason: 'size' | 'content' | 'not-a-file';
  expectedSize: number;
  expectedSha256: string;
  actualSize: number | null;
  actualSha256: string | null;
}

/** A file in the archive that the manifest does not list. */
export interface VerifyStranger {
  path: string;
  size: number;
}

/** A file MediaParser moved aside (kept, never deleted) because its bytes had changed. Not a problem. */
export interface VerifyAside {
  path: string;
  from: string | null;
  /** Whether it is still in the archive (the user may have deleted it). */
  present: boolean;
}

/** A listed copy (or a folder) that could not be read. */
export interface VerifyUnreadable {
  path: string;
  error: AppError;
}

export interface VerifyReport {
  /** Absolute path of the archive root. */
  root: string;
  /** Valid records in the manifest, and lines that were not (a torn last line after a crash). */
  manifestRecords: number;
  manifestSkippedLines: number;
  /** Copies that hold exactly the bytes the manifest lists. */
  ok: number;
  /** Bytes read and hashed. */
  bytesChecked: number;
  missing: VerifyMissing[];
  changed: VerifyChanged[];
  notInManifest: VerifyStranger[];
  movedAside: VerifyAside[];
  unreadable: VerifyUnreadable[];
  /**
   * Not checked and not a problem: hidden entries (a name starting with '.') and the files
   * operating systems leave in folders (Thumbs.db, desktop.ini) that the manifest does not list.
   * Hidden folders are listed once, with a trailing '/', and not entered.
   */
  ignored: string[];
}

export interface VerifyProgress {
  verifyId: number;
  root: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

export interface VerifyFinishedEvent {
  verifyId: number;
  root: string;
  /** `completed` carries the report; `failed` the error; `cancelled` neither. */
  status: 'completed' | 'cancelled' | 'failed';
  report: VerifyReport | null;
  error: AppError | null;
}

/** Files that make the archive not as MediaParser left it (everything but ok, moved aside and ignored). */
export function verifyProblemCount(report: VerifyReport): number {
  return report.missing.length + report.changed.length + report.notInManifest.length + report.unreadable.length;
}
