/**
 * The database schema. `npm run db:generate` turns changes here into a committed SQL
 * migration (drizzle-kit); `openDatabase` applies migrations at start-up. Never push.
 *
 * Capture times are stored as canonical local wall-clock text (`YYYY-MM-DDTHH:MM:SS.mmm`,
 * which sorts correctly) plus a separate UTC offset column that is null when unknown.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const files = sqliteTable(
  'files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    originalPath: text('original_path').notNull(),
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
    reviewedAt: text('reviewed_at'),
    discarded: integer('discarded', { mode: 'boolean' }).notNull().default(false),
    /** Exact-duplicate group: the lowest file id sharing this sha256, null when unique. */
    duplicateGroup: integer('duplicate_group'),
    /** 64-bit dHash (16 hex digits) of the picture, for near-duplicates; null when not an image sharp decodes. */
    perceptualHash: text('perceptual_hash'),
    error: text('error'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('files_original_path_uq').on(t.originalPath),
    index('files_sha256_idx').on(t.sha256),
    index('files_duplicate_group_idx').on(t.duplicateGroup),
    // The export order (FilesRepo.exportPage): each page seeks here instead of sorting the whole job.
    index('files_export_order_idx').on(sql`COALESCE(${t.finalAt}, ${t.detectedAt}, '~')`, t.originalName, t.id),
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

