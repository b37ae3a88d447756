/**
 * Messages between the job runner (main thread, the single database writer) and the
 * worker threads (file I/O only). Declared once; workers import them with `import type`.
 *
 * Control: the runner also shares a `SharedArrayBuffer` control word with each worker
 * (see CONTROL_* below) so pause/cancel are seen between chunks even while the worker's
 * event loop is busy; the `control` message is sent too, for wake-ups.
 */
import type { AppError } from '../../shared/errors.js';
import type { CaptureTime } from '../../shared/capture-time.js';
import type { WriteTags } from 'exiftool-vendored';
import type { DateCandidate, MediaType, TimestampSource, Confidence, WriteReason } from '../../shared/types.js';

/** Int32 slot 0 of the control buffer. */
export const CONTROL_RUN = 0;
export const CONTROL_PAUSE = 1;
export const CONTROL_CANCEL = 2;

export type ControlMessage = { type: 'control' };

// ---------------------------------------------------------------- import

export interface ImportOptions {
  /** IANA zone for converting UTC-only QuickTime dates. */
  timeZone: string;
  /** Let the file mtime date a file when nothing else does. */
  useFileDatesAsLastResort: boolean;
  /** Place UTC-only dates in the zone of the file's GPS position (default true). */
  useGpsTimeZone?: boolean;
}

export interface ImportWorkerData {
  kind: 'import';
  control: SharedArrayBuffer;
  roots: string[];
  options: ImportOptions;
  /** Absolute paths already recorded for this job (resume): skipped without reading. */
  skipPaths: string[];
  /**
   * Flow control: Int32 slot 0 counts the file results (`file` / `file-failed`) the runner has
   * taken from the message queue. The worker stops starting files while too many are unread, so
   * a database slower than the disk cannot pile the whole library up in the queue.
   */
  received?: SharedArrayBuffer;
}

/** Everything the import learned about one file. */
export interface ImportedFile {
  /** The path as people read it (for a name that is not valid UTF-8, its display form: core/byte-names.ts). */
  path: string;
  /** Base64 of the path's exact bytes, only when they are not valid UTF-8. */
  pathBytes?: string;
  root: string;
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  mediaType: MediaType;
  mime: string;
  width: number | null;
  height: number | null;
  candidates: DateCandidate[];
  /** The chosen capture time, or null when undated. */
  detected: CaptureTime | null;
  detectedSource: TimestampSource | null;
  confidence: Confidence;
  tags: string[];
  /** The camera model from the metadata, null when it names none (camera clock correction). */
  cameraModel?: string | null;
  /** A non-fatal problem (e.g. metadata unreadable but the file was hashed). */
  warning: string | null;
  /** Sidecars found beside it (main/engines/import/sidecars.ts); absent when none. */
  sidecars?: ImportedSidecar[];
  /** Apple's ContentIdentifier (a Live Photo's still and video share it), when read. */
  contentId?: string | null;
}

/** Entries the scan left out on purpose: how many, and the first few for the summary. */
export interface SkippedEntries {
  count: number;
  hidden: number;
  system: number;
  /** The first SKIPPED_EXAMPLES paths, in scan order. */
  examples: string[];
}

export const SKIPPED_EXAMPLES = 20;

/** Per-file messages; the worker sends them in batches (`batch`), in order. */
export type BatchedImportMessage =
  | { type: 'file-started'; path: string; size: number }
  | { type: 'file'; file: ImportedFile }
  | { type: 'file-failed'; path: string; root: string; size: number; error: AppError }
  /** A Live Photo still's ContentIdentifier, read after every file was analysed (live-photos.ts). */
  | { type: 'content-id'; path: string; contentId: string };

export type ImportWorkerMessage =
  | { type: 'scan-progress'; found: number }
  /** `skipped`: hidden and system entries the scan left out (never silently). */
  | { type: 'scanned'; total: number; totalBytes: number; skipped?: SkippedEntries }
  | BatchedImportMessage
  | { type: 'batch'; messages: BatchedImportMessage[] }
  | { type: 'paused' }
  | { type: 'cancelled' }
  | { type: 'done' }
  | { type: 'fatal'; error: AppError };

// ---------------------------------------------------------------- export

/** What the library says this archive already holds of a file. */
export interface ArchivedCopy {
  /** Archive-relative path, '/'-separated. */
  relPath: string;
  /** The copy's own bytes (for a byte-for-byte copy, the original's). */
  sha256: string;
  size: number;
  /** The copy's mtime when it was recorded; a copy that still has it and its size is trusted unhashed. */
  mtimeMs: number | null;
}

export interface ExportItem {
  fileId: number;
  /** The original's path as people read it. */
  sourcePath: string;
  /** Base64 of the original's exact path bytes when they are not valid UTF-8: the copy opens these. */
  sourcePathBytes?: string;
  originalName: string;
  size: number;
  sha256: string;
  /** Final timestamp, else detected; null files go to `unknown/`. */
  timestamp: CaptureTime | null;
  /** Where the timestamp came from and how sure it is (for the archive's manifest). */
  timestampSource: TimestampSource | null;
  confidence: Confidence;
  /** The copy this archive holds according to the library, or null. */
  archived: ArchivedCopy | null;
  /** The file's own embedded capture time, when its detected time came from its metadata. */
  embedded?: CaptureTime | null;
  /** Folder tags (written into the copy as keywords when the setting is on; the first names `{tag}`). */
  tags?: string[];
  /** The camera model (`{camera}` in the naming template), null when unknown. */
  cameraModel?: string | null;
  /** Group members (a Live Photo's video, a RAW beside its JPEG): exported under this file's base name. */
  members?: ExportItem[];
  /** This file's sidecars (main/engines/import/sidecars.ts), exported under its base name. */
  sidecars?: ExportSidecar[];
  /** The XMP sidecar MediaParser wrote beside this file's copy in this archive (table xmp_copies), or null. */
  xmpArchived?: { relPath: string; sha256: string; size: number } | null;
  /**
   * Set by the export worker, never sent: what goes into an XMP sidecar for a format that cannot be
   * written (write-truth.ts `plannedSidecarWrite`), and the sidecars once made, temps of this run
   * keyed `new` (a new XMP, for a file without an .xmp of its own) or `s<sidecarId>` (the written
   * copy of its own .xmp).
   */
  xmpWrite?: MetadataWrite;
  xmpFiles?: Record<string, { path: string; size: number; sha256: string }>;
}

export interface ExportSidecar {
  sidecarId: number;
  sourcePath: string;
  /** What follows the base name in the archive (`.xmp`, `.aae`, `.jpg.json`). */
  suffix: string;
  size: number;
  sha256: string;
  archived: { relPath: string; sha256: string; size: number } | null;
}

/** Where a group member or sidecar went, reported inside its main file's `file-done`. */
export type CompanionDone =
  | { kind: 'file'; fileId: number; outcome: ExportOutcome; relPath: string; sha256: string; size: number; mtimeMs: number | null }
  | { kind: 'sidecar'; sidecarId: number; outcome: ExportOutcome; relPath: string; sha256: string; size: number }
  /** The XMP sidecar MediaParser wrote for file `fileId` (its format cannot take the date itself). */
  | { kind: 'xmp'; fileId: number; outcome: ExportOutcome; relPath: string; sha256: string; size: number };

/** A group member or sidecar that could not be exported (`fileId`: the member, or the sidecar's file). */
export interface CompanionError {
  fileId: number;
  sidecarId?: number;
  error: AppError;
}

export interface ExportWorkerData {
  kind: 'export';
  control: SharedArrayBuffer;
  jobId: number;
  /** The archive's root folder. */
  outputDir: string;
  /** What to write into the copies (main/rules/write-truth.ts); absent: byte copies only. */
  write?: WriteSettings;
  /** The naming template (validated; shared/name-template.ts); absent: the default. */
  nameTemplate?: string;
}

/**
 * What became of a file in the archive:
 * - copied: a new copy was written (`movedAside` names the changed file that stood there before);
 * - present: the library's recorded copy is in place, unchanged and correctly named;
 * - adopted: an identical copy was already in the archive (on disk or in its manifest) and is now recorded;
 * - renamed: the recorded copy was renamed (from `from`) because the file's date changed.
 */
export type ExportOutcome = 'copied' | 'present' | 'adopted' | 'renamed';

export type ExportRunnerMessage =
  | ControlMessage
  /** A page of files in export order; `last` when no more will follow. */
  | { type: 'files'; items: ExportItem[]; last: boolean };

/** Per-file messages; the worker sends them in batches (`batch`), in order. */
export type BatchedExportMessage =
  | { type: 'file-started'; fileId: number; name: string; size: number }
  /** Bytes copied so far of the current file (sent at most every ~100 ms). */
  | { type: 'bytes'; fileId: number; bytesDone: number }
  /**
   * The file is in the archive, verified, and its bytes and folder are synced to disk (and in the
   * manifest): the runner may record it. `bytes` counts what was copied in this run.
   */
  | {
      type: 'file-done';
      fileId: number;
      outcome: ExportOutcome;
      relPath: string;
      sha256: string;
      size: number;
      mtimeMs: number | null;
      bytes: number;
      from?: string;
      movedAside?: string;
      /** The group's other members and the sidecars, placed under this file's base name. */
      companions?: CompanionDone[];
      companionErrors?: CompanionError[];
    }
  | { type: 'file-failed'; fileId: number; error: AppError };

export type ExportWorkerMessage =
  /** The worker wants the next page. */
  | { type: 'need-files' }
  | BatchedExportMessage
  | { type: 'batch'; messages: BatchedExportMessage[] }
  | { type: 'paused' }
  | { type: 'cancelled' }
  | { type: 'done' }
  /** Stops the whole job: output folder missing/unwritable (`output-unavailable`), disk full (`disk-full`). */
  | { type: 'fatal'; error: AppError };

// ---------------------------------------------------------------- sidecars and metadata writes

export type SidecarKind = 'xmp' | 'aae' | 'thm' | 'takeout';

/** A sidecar matched to its media file (without its hash yet); main/engines/import/sidecars.ts. */
export interface MatchedSidecar {
  path: string;
  kind: SidecarKind;
  /** What follows the exported base name: `.xmp`, `.jpg.xmp`, `.aae`, `.thm`, `.jpg.json`. */
  suffix: string;
  size: number;
}

export interface ImportedSidecar extends MatchedSidecar {
  sha256: string;
}

/** What to write into one copy, and what reading it back must show (main/rules/write-truth.ts). */
export interface MetadataWrite {
  reasons: WriteReason[];
  tags: WriteTags;
  /** What reading the written copy back must show (raw ExifTool values, tag name -> value). */
  expect: Record<string, string>;
  /** `-G1`-less tag names to read back. */
  readTags: string[];
}

/** What the export writes into copies (main/rules/write-truth.ts): the two settings and the zone. */
export interface WriteSettings {
  /** "Write corrected dates into copies". */
  dates: boolean;
  /** "Write folder tags as keywords". */
  tags: boolean;
  /** The zone a video's UTC dates are computed in when the capture time has no offset. */
  timeZone: string;
}

// ---------------------------------------------------------------- WAL checkpoints

/** workerData of the checkpoint thread (checkpoint-worker.ts, started by main/library/db/checkpointer.ts). */
export interface CheckpointWorkerData {
  kind: 'checkpoint';
  /** The better-sqlite3 entry the thread loads, resolved by the main thread (tests pass a broken one). */
  driver: string;
  path: string;
  nativeBinding?: string;
}

export type CheckpointWorkerMessage =
  | { ready: true }
  | { ok: true; busy: number; log: number; checkpointed: number }
  | { ok: false; error: string };
