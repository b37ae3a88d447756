/**
 * The database schema. `npm run db:generate` turns changes here into a committed SQL
 * migration (drizzle-kit); `openDatabase` applies migrations at start-up. Never push.
 *
 * Capture times are stored as canonical local wall-clock text (`YYYY-MM-DDTHH:MM:SS.mmm`,
 * which sorts correctly) plus a separate UTC offset column that is null when unknown.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const files = sqliteTable(
  'files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The path as people read it; for a name that is not valid UTF-8, its display form (see core/byte-names.ts). */
    originalPath: text('original_path').notNull(),
    /** The path's exact bytes when they are not valid UTF-8 (the file is opened by these); null otherwise. */
    originalPathBytes: blob('original_path_bytes', { mode: 'buffer' }),
    originalName: text('original_name').notNull(),
    importRoot: text('import_root').notNull(),
    size: integer('size').notNull(),
    mtimeMs: integer('mtime_ms'),
    sha256: text('sha256'),
    mediaType: text('media_type', { enum: ['image', 'video'] }),
    mime: text('mime'),
    width: integer('width'),
    height: integer('height'),
    detectedAt: text('detected_at'),
    detectedOffset: text('detected_offset'),
    detectedSource: text('detected_source'),
    /** JSON array of DateCandidate. */
    candidates: text('candidates').notNull().default('[]'),
    confidence: text('confidence', { enum: ['high', 'medium', 'low', 'none'] }).notNull().default('none'),
    finalAt: text('final_at'),
    finalOffset: text('final_offset'),
    /** `day` / `month` / `year` for a date the user knows only that far (a scan); null for a full date and time. */
    finalPrecision: text('final_precision', { enum: ['year', 'month', 'day'] }),
    reviewedAt: text('reviewed_at'),
    discarded: integer('discarded', { mode: 'boolean' }).notNull().default(false),
    /** Exact-duplicate group: the lowest file id sharing this sha256, null when unique. */
    duplicateGroup: integer('duplicate_group'),
    /**
     * Export group (Live Photo, RAW+JPEG): the group's main file id on every other member, null on
     * the main file and on files in no group. Members travel with their main file in an export.
     */
    groupMain: integer('group_main'),
    /** Apple's ContentIdentifier (the still's MakerNotes, the video's Keys): pairs a Live Photo. */
    contentId: text('content_id'),
    /** 64-bit dHash (16 hex digits) of the picture, for near-duplicates; null when not an image sharp decodes. */
    perceptualHash: text('perceptual_hash'),
    error: text('error'),
    /** The camera model the metadata names (EXIF/QuickTime Model); null when unknown or imported before it was read. */
    cameraModel: text('camera_model'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('files_original_path_uq').on(t.originalPath),
    index('files_sha256_idx').on(t.sha256),
    index('files_duplicate_group_idx').on(t.duplicateGroup),
    index('files_group_main_idx').on(t.groupMain),
    // The export order (FilesRepo.exportPage): each page seeks here instead of sorting the whole job.
    index('files_export_order_idx').on(sql`COALESCE(${t.finalAt}, ${t.detectedAt}, '~')`, t.originalName, t.id),
    // The library list (FilesRepo.list, counts, timeline): the list order followed by every column a
    // filter, a count or a timeline day reads, so they scan this narrow index instead of the wide rows
    // (the candidates JSON). Keep it in step with FILTER_SQL and the timeline's columns.
    index('files_browse_idx').on(
      sql`COALESCE(${t.finalAt}, ${t.detectedAt}, '~')`,
      t.originalName,
      t.id,
      t.confidence,
      t.finalAt,
      t.detectedAt,
      t.discarded,
      t.detectedSource,
      t.finalPrecision,
      t.duplicateGroup,
      t.error,
    ),
    // The folder tree (FilesRepo.folders groups by this exact expression: the path without its name).
    index('files_folder_idx').on(sql`rtrim(rtrim(${t.originalPath}, replace(${t.originalPath}, '/', '')), '/')`),
    // The pictures the background hashing has not reached yet (similar-indexer.ts): its next batch
    // and its "left to compare" count read only these, not the whole library, which after a large
    // import made every batch a scan (quadratic over the import).
    index('files_unhashed_idx').on(t.id).where(sql`perceptual_hash IS NULL AND discarded = 0 AND media_type = 'image'`),
  ],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('tags_name_uq').on(t.name)],
);

export const fileTags = sqliteTable(
  'file_tags',
  {
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.tagId] }), index('file_tags_tag_idx').on(t.tagId)],
);

export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: ['import', 'export'] }).notNull(),
    status: text('status', {
      enum: ['queued', 'running', 'paused', 'cancelled', 'completed', 'failed', 'halted', 'interrupted'],
    }).notNull(),
    progressCurrent: integer('progress_current').notNull().default(0),
    progressTotal: integer('progress_total').notNull().default(0),
    bytesCurrent: integer('bytes_current').notNull().default(0),
    bytesTotal: integer('bytes_total').notNull().default(0),
    currentFile: text('current_file'),
    errorCount: integer('error_count').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** JSON JobOptions: source folders, output folder, import job id. */
    options: text('options').notNull().default('{}'),
    retryCount: integer('retry_count').notNull().default(0),
    /** FIFO position for queued jobs (the queue survives a restart). */
    queuedAt: text('queued_at'),
    createdAt: text('created_at').notNull().default(now),
    startedAt: text('started_at'),
    completedAt: text('completed_at'),
    /** Export: JSON ExportStats (copied, already there, renamed, ...), summed over the job's runs. */
    stats: text('stats'),
    /** Export: JSON keyset position before which every file of the job is done (resume starts there). */
    resumeAfter: text('resume_after'),
  },
  (t) => [index('jobs_status_idx').on(t.status, t.queuedAt)],
);

export const jobFiles = sqliteTable(
  'job_files',
  {
    jobId: integer('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    /** Per-job outcome: pending | done | failed | skipped. */
    status: text('status', { enum: ['pending', 'done', 'failed', 'skipped'] }).notNull().default('pending'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.fileId] }), index('job_files_file_idx').on(t.fileId)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  /** JSON value. */
  value: text('value').notNull(),
});

/**
 * An archive: one export output root. Export state is kept per archive, never per file, so a
 * second archive (a backup drive) gets every file and a deleted archive is rebuilt.
 */
export const archives = sqliteTable(
  'archives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Absolute path of the output root, as the user named it (resolved). */
    root: text('root').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('archives_root_uq').on(t.root)],
);

/**
 * The copy of a file in an archive, recorded only after its bytes and folder were synced to disk.
 * A narrow table of its own: an export records a batch every half second, and rewriting the wide
 * `files` rows (candidates JSON) for that wrote megabytes of WAL on the thread that serves the UI.
 */
export const archiveCopies = sqliteTable(
  'archive_copies',
  {
    archiveId: integer('archive_id')
      .notNull()
      .references(() => archives.id, { onDelete: 'cascade' }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    /** Path inside the archive, '/'-separated (`2024/20241231_220000.jpg`). */
    relPath: text('rel_path').notNull(),
    /** sha256 and size of the copy's own bytes (what "already in the archive" checks). */
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    /** The copy's modification time when recorded: a cheap "unchanged since" check before hashing. */
    mtimeMs: integer('mtime_ms'),
    /** The export job that wrote, renamed or adopted it (null once that job's record is gone). */
    jobId: integer('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    exportedAt: text('exported_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.archiveId, t.fileId] }), index('archive_copies_file_idx').on(t.fileId)],
);


/** A camera clock correction: one offset applied to a set of files at once, undoable as a whole. */
export const dateShifts = sqliteTable('date_shifts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deltaMs: integer('delta_ms').notNull(),
  /** What the correction applied to, in words (for the history and the CLI). */
  description: text('description').notNull(),
  createdAt: text('created_at').notNull().default(now),
  undoneAt: text('undone_at'),
});

/**
 * One file of a correction: its final time before (null: it had none, the detected one was in
 * use) and after, so an undo restores exactly what was there and notices later edits.
 */
export const dateShiftFiles = sqliteTable(
  'date_shift_files',
  {
    shiftId: integer('shift_id')
      .notNull()
      .references(() => dateShifts.id, { onDelete: 'cascade' }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    prevFinalAt: text('prev_final_at'),
    prevFinalOffset: text('prev_final_offset'),
    prevReviewedAt: text('prev_reviewed_at'),
    newFinalAt: text('new_final_at').notNull(),
    newFinalOffset: text('new_final_offset'),
  },
  (t) => [primaryKey({ columns: [t.shiftId, t.fileId] }), index('date_shift_files_file_idx').on(t.fileId)],
);

/**
 * A sidecar (`.xmp`, `.aae`, `.thm`, Takeout `.json`) found beside a library file. Not a library
 * item of its own: it is exported with its file, under the file's base name.
 */
export const sidecars = sqliteTable(
  'sidecars',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    /** xmp | aae | thm | takeout (see main/engines/import/sidecars.ts). */
    kind: text('kind', { enum: ['xmp', 'aae', 'thm', 'takeout'] }).notNull(),
    /** What follows the base name in the archive (`.xmp`, `.jpg.xmp`, `.aae`, `.jpg.json`). */
    suffix: text('suffix').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
  },
  (t) => [uniqueIndex('sidecars_path_uq').on(t.path), index('sidecars_file_idx').on(t.fileId)],
);

/** The copy of a sidecar in an archive (like archive_copies, recorded once durable). */
export const sidecarCopies = sqliteTable(
  'sidecar_copies',
  {
    archiveId: integer('archive_id')
      .notNull()
      .references(() => archives.id, { onDelete: 'cascade' }),
    sidecarId: integer('sidecar_id')
      .notNull()
      .references(() => sidecars.id, { onDelete: 'cascade' }),
    relPath: text('rel_path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    jobId: integer('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    exportedAt: text('exported_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.archiveId, t.sidecarId] })],
);

/**
 * The XMP sidecar MediaParser wrote beside a file's copy in an archive, for a format it cannot
 * write into (RAW, AVI, MTS, GIF, ...): the corrected date and folder tags (see
 * main/rules/write-truth.ts). Recorded like sidecar_copies, once durable.
 */
export const xmpCopies = sqliteTable(
  'xmp_copies',
  {
    archiveId: integer('archive_id')
      .notNull()
      .references(() => archives.id, { onDelete: 'cascade' }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    relPath: text('rel_path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    jobId: integer('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    exportedAt: text('exported_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.archiveId, t.fileId] }), index('xmp_copies_file_idx').on(t.fileId)],
);
