/** Domain types shared by every process. Pure TypeScript: no node:*, no electron, no DOM. */
import type { AppError } from './errors.js';
import type { CaptureTime } from './capture-time.js';

export type MediaType = 'image' | 'video';

/** How sure the import is about a file's capture time. */
export type Confidence = 'high' | 'medium' | 'low' | 'none';

/** Where a date candidate came from, most trustworthy first in `SOURCE_PRIORITY`. */
export type TimestampSource =
  | 'exif-datetime-original'
  | 'exif-create-date'
  | 'xmp-date'
  | 'quicktime-creation-date'
  | 'quicktime-content-create-date'
  | 'quicktime-create-date'
  | 'quicktime-media-create-date'
  | 'quicktime-track-create-date'
  | 'takeout-photo-taken'
  | 'gps-date-time'
  | 'png-creation-time'
  | 'filename-datetime'
  | 'exif-modify-date'
  | 'filename-date'
  | 'file-mtime'
  | 'user';

/** One date found in a file, kept even when not chosen so the review can offer it. */
export interface DateCandidate extends CaptureTime {
  source: TimestampSource;
  /** The value as the file stored it, for the details pane. */
  raw: string;
  /** False for placeholders, camera defaults, far-future or pre-photography dates. */
  plausible: boolean;
  /** Why a candidate was judged implausible (`camera-default`, `future`, ...). */
  note?: string;
  /**
   * For a UTC-only instant (a video's header date, Takeout's photoTakenTime): the IANA zone it
   * is shown in, and why that zone (`GPS position 51.4169, -0.0806`, `configured time zone`).
   */
  zone?: string;
  zoneReason?: string;
}

export type JobType = 'import' | 'export';

export type JobStatus =
  | 'queued'
  | 'running'
  | 'paused'
  | 'cancelled'
  | 'completed'
  | 'failed'
  | 'halted'
  | 'interrupted';

/** Statuses from which `jobs:resume` may continue a job. */
export const RESUMABLE_STATUSES: readonly JobStatus[] = ['paused', 'cancelled', 'halted', 'failed', 'interrupted'];

export interface JobOptions {
  /** Import: the folders to scan. */
  sourceFolders?: string[];
  /** Export: the output root (else the `outputDirectory` setting). */
  outputDir?: string;
  /** Export: only the files of this import job (else every kept file of the library). */
  importJobId?: number;
  /** Export: the naming template it was started with (a resumed run names files the same way). */
  nameTemplate?: string;
}

/** What an export did in its archive, summed over the job's runs. */
export interface ExportStats {
  /** New copies written (including copies restored after being deleted from the archive). */
  copied: number;
  /** Files whose identical copy was already in the archive (nothing written). */
  alreadyThere: number;
  /** Copies renamed inside the archive because their date changed. */
  renamed: number;
  /** Files that could not be exported (see the job's file errors). */
  failed: number;
  /** Copies whose bytes had changed in the archive: kept under a new name, then copied again. */
  movedAside: number;
  /** Discarded files that still have a copy in the archive (MediaParser never deletes from an archive). */
  discardedInArchive: number;
  /** Bytes written. */
  bytesCopied: number;
}

/** Where a job stands, as its summary and its progress events both say. */
interface JobCounts {
  type: JobType;
  status: JobStatus;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
  errorCount: number;
}

export interface JobSummary extends JobCounts {
  id: number;
  error: AppError | null;
  retryCount: number;
  options: JobOptions;
  /** Export jobs: what the job did in its archive so far (null for imports). */
  stats: ExportStats | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

/** Pushed to subscribers at most about ten times a second. */
export interface JobProgress extends JobCounts {
  jobId: number;
  /** Smoothed throughput; 0 when unknown. */
  bytesPerSecond: number;
  /** Seconds left, or null when unknown. */
  etaSeconds: number | null;
}

export interface JobStatusEvent {
  jobId: number;
  type: JobType;
  status: JobStatus;
  error: AppError | null;
}

export interface JobFinishedEvent {
  jobId: number;
  type: JobType;
  status: JobStatus;
  filesDone: number;
  filesTotal: number;
  errorCount: number;
  error: AppError | null;
  outputDir: string | null;
  /** Export jobs: what was done in the archive. */
  stats: ExportStats | null;
}

/** A file as lists show it. Timestamps are ISO 8601 local time with the offset where known. */
export interface FileSummary {
  id: number;
  originalPath: string;
  originalName: string;
  size: number;
  sha256: string | null;
  mediaType: MediaType | null;
  mime: string | null;
  width: number | null;
  height: number | null;
  detectedTimestamp: string | null;
  timestampSource: TimestampSource | null;
  confidence: Confidence;
  finalTimestamp: string | null;
  reviewedAt: string | null;
  discarded: boolean;
  duplicateGroup: number | null;
  outputPath: string | null;
  error: string | null;
  tags: string[];
  /** The camera model the metadata names, null when unknown (files imported before it was read have none). */
  cameraModel: string | null;
}

export interface FileDetails extends FileSummary {
  importRoot: string;
  candidates: DateCandidate[];
  /** Other members of the same exact-duplicate group. */
  duplicates: FileSummary[];
}

export interface Settings {
  /** Where exports go when a job names no folder. */
  outputDirectory: string | null;
  /** IANA zone for UTC-only video dates; default the machine's zone. */
  timeZone: string;
  /** Let the file modification time date a file when nothing else does. */
  useFileDatesAsLastResort: boolean;
  /** Show UTC-only dates in the zone of the file's GPS position (else in `timeZone`). */
  useGpsTimeZone: boolean;
  /** "Write corrected dates into copies": a copy whose date is not its embedded one gets it written in. */
  writeDatesIntoCopies: boolean;
  /** "Write folder tags as keywords" (XMP-dc:Subject, IPTC:Keywords) into the copies. */
  writeFolderTagsAsKeywords: boolean;
  /**
   * How exported files are named inside the archive (shared/name-template.ts):
   * `{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}` by default.
   */
  nameTemplate: string;
}

/** One day of a file list, in list order: the timeline's headers and its suspicious clusters. */
export interface TimelineDay {
  /** `YYYY-MM-DD`, or null for the undated files (always last). */
  day: string | null;
  count: number;
  /** Files dated only by their modification time. */
  fileTimeOnly: number;
  /** Files whose date the app is unsure about (sources that disagree, or only a weak one). */
  unsure: number;
  /** Files at midnight on 1 January, a common placeholder. */
  placeholder: number;
}

export type FileFilter = 'all' | 'needs-review' | 'undated' | 'duplicates' | 'discarded' | 'exported' | 'errors';

/** Why a copy gets metadata written into it (the original is never changed). */
export type WriteReason = 'date-set-by-user' | 'date-from-name' | 'date-from-file-time' | 'date-not-embedded' | 'folder-tags';

export interface ExportFidelityPreview {
  /** New Live Photos (still + video) and RAW+JPEG pairs: each exported as one item under one base name. */
  livePhotos: number;
  rawPairs: number;
  /** Sidecars (.xmp, .aae, .thm, Takeout .json) travelling with the new files. */
  sidecars: number;
  /** New copies that get metadata written in, per reason (a copy may have two reasons). */
  writes: { reason: WriteReason; count: number }[];
  /**
   * New copies whose format cannot be written safely (RAW, AVI, MTS, GIF, ...) but that need a
   * corrected date or folder tags: they get an XMP sidecar with them (or their own .xmp's copy gets them).
   */
  xmpSidecars: number;
  /** A few groups, as they will be named: the main file and what travels with it. */
  examples: { main: string; companions: string[] }[];
}

/** What an export would do, before it copies anything. */
export interface ExportPreview {
  /** Kept files the export looks at (the whole library, or one import's files). */
  fileCount: number;
  /** Files to copy (not in this archive yet) and their bytes. */
  newCount: number;
  newBytes: number;
  /** Files the library knows are in this archive already (checked on disk when the export runs). */
  alreadyThere: number;
  /** Copies in this archive whose date changed since: renamed, not copied again. */
  toRename: number;
  /** Files that cannot be exported as they stand (their import failed or they have no content hash). */
  problems: number;
  /** Discarded files that have a copy in this archive (they stay there). */
  discardedInArchive: number;
  /** Of the new files: per year and undated. */
  perYear: { year: string; count: number }[];
  undatedCount: number;
  /** New files that will get a `_001`.. suffix. */
  collisionCount: number;
  /** The naming template these names follow. */
  nameTemplate: string;
  /** The first new files (export order) with the name each gets in the archive and its companions' names. */
  names: { original: string; name: string; companions: string[] }[];
  /** Groups, sidecars and metadata written into the new copies (archive fidelity). */
  fidelity: ExportFidelityPreview;
  outputDir: string | null;
  /** Free bytes on the target's file system, null when unknown. */
  freeBytes: number | null;
  /** Why the export could not start into this folder (its parent is missing, it is a file), else null. */
  outputProblem: string | null;
}

/** Files that show the same picture with different bytes (re-save, re-encode, resize). */
export interface SimilarGroup {
  /** The lowest file id in the group (stable while the group is unchanged). */
  id: number;
  /** The copy suggested to keep: the largest, then the one with the camera's metadata, then the earliest. */
  keepId: number;
  /** Why that copy, in words for the UI ("largest (4032×3024), keeps the camera's date"). */
  reason: string;
  /** How many files the group has (`members` lists the best ones first, at most a few dozen). */
  memberCount: number;
  /** Best first. */
  members: FileSummary[];
}
