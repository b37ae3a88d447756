/** Jobs and their file links. Only the job runner and the handlers (main thread) call these. */
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AppError, ErrorCode } from '../../../shared/errors.js';
import type { ExportStats, JobOptions, JobStatus, JobSummary, JobType } from '../../../shared/types.js';
import type { Db } from './open-db.js';
import { jobs } from './schema.js';

type JobRow = typeof jobs.$inferSelect;

export function nowIso(): string {
  return new Date().toISOString();
}

export function toJobSummary(row: JobRow): JobSummary {
  let options: JobOptions = {};
  try {
    options = JSON.parse(row.options) as JobOptions;
  } catch {
    options = {};
  }
  let stats: ExportStats | null = null;
  try {
    // The column holds an import's skipped entries (importSkipped) for imports: not export stats.
    stats = row.stats === null || row.type !== 'export' ? null : (JSON.parse(row.stats) as ExportStats);
  } catch {
    stats = null;
  }
  const error: AppError | null =
    row.errorCode !== null ? { code: row.errorCode as ErrorCode, message: row.errorMessage ?? '' } : null;
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    filesDone: row.progressCurrent,
    filesTotal: row.progressTotal,
    bytesDone: row.bytesCurrent,
    bytesTotal: row.bytesTotal,
    currentFile: row.currentFile,
    errorCount: row.errorCount,
    error,
    retryCount: row.retryCount,
    options,
    stats,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

export function createJob(db: Db, type: JobType, options: JobOptions, status: JobStatus = 'queued'): JobSummary {
  const row = db
    .insert(jobs)
    .values({ type, status, options: JSON.stringify(options), queuedAt: status === 'queued' ? nowIso() : null })
    .returning()
    .get();
  return toJobSummary(row);
}

export function getJob(db: Db, id: number): JobSummary | null {
  const row = db.select().from(jobs).where(eq(jobs.id, id)).get();
  return row ? toJobSummary(row) : null;
}

export function listJobs(db: Db, limit = 100): JobSummary[] {
  return db.select().from(jobs).orderBy(desc(jobs.id)).limit(limit).all().map(toJobSummary);
}

/** The oldest queued job, with the time it may start (a crashed job's retry waits until then). */
export function nextQueuedJob(db: Db): { job: JobSummary; queuedAt: string | null } | null {
  const row = db
    .select()
    .from(jobs)
    .where(eq(jobs.status, 'queued'))
    .orderBy(asc(jobs.queuedAt), asc(jobs.id))
    .limit(1)
    .get();
  return row ? { job: toJobSummary(row), queuedAt: row.queuedAt } : null;
}

export interface JobPatch {
  status?: JobStatus;
  progressCurrent?: number;
  progressTotal?: number;
  bytesCurrent?: number;
  bytesTotal?: number;
  currentFile?: string | null;
  errorCount?: number;
  error?: AppError | null;
  retryCount?: number;
  queuedAt?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  stats?: ExportStats | null;
  /** Import jobs: what the scan left out on purpose (hidden and system entries), kept in the stats column. */
  importSkipped?: { count: number; hidden: number; system: number; examples: string[] };
  /** JSON of the export's keyset position (see ArchivesRepo). */
  resumeAfter?: string | null;
}

export function updateJob(db: Db, id: number, patch: JobPatch): void {
  const set: Partial<JobRow> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.progressCurrent !== undefined) set.progressCurrent = patch.progressCurrent;
  if (patch.progressTotal !== undefined) set.progressTotal = patch.progressTotal;
  if (patch.bytesCurrent !== undefined) set.bytesCurrent = patch.bytesCurrent;
  if (patch.bytesTotal !== undefined) set.bytesTotal = patch.bytesTotal;
  if (patch.currentFile !== undefined) set.currentFile = patch.currentFile;
  if (patch.errorCount !== undefined) set.errorCount = patch.errorCount;
  if (patch.retryCount !== undefined) set.retryCount = patch.retryCount;
  if (patch.queuedAt !== undefined) set.queuedAt = patch.queuedAt;
  if (patch.startedAt !== undefined) set.startedAt = patch.startedAt;
  if (patch.completedAt !== undefined) set.completedAt = patch.completedAt;
  if (patch.stats !== undefined) set.stats = patch.stats === null ? null : JSON.stringify(patch.stats);
  if (patch.importSkipped !== undefined) set.stats = JSON.stringify(patch.importSkipped);
  if (patch.resumeAfter !== undefined) set.resumeAfter = patch.resumeAfter;
  if (patch.error !== undefined) {
    set.errorCode = patch.error?.code ?? null;
    set.errorMessage = patch.error?.message ?? null;
  }
  if (Object.keys(set).length === 0) return;
  db.update(jobs).set(set).where(eq(jobs.id, id)).run();
}

/** Jobs that were running when the process died become `interrupted` (resumable). */
export function markRunningAsInterrupted(db: Db): number[] {
  const rows = db.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, 'running')).all();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  db.update(jobs)
    .set({
      status: 'interrupted',
      errorCode: 'worker-died',
      errorMessage: 'MediaParser stopped while this job was running. Resume it to continue where it left off.',
    })
    .where(inArray(jobs.id, ids))
    .run();
  return ids;
}

export function listJobsByStatus(db: Db, statuses: JobStatus[]): JobSummary[] {
  return db.select().from(jobs).where(inArray(jobs.status, statuses)).orderBy(asc(jobs.id)).all().map(toJobSummary);
}

export function jobFilePaths(db: Db, jobId: number): string[] {
  return db.all<{ p: string }>(
    sql`SELECT f.original_path AS p FROM job_files jf JOIN files f ON f.id = jf.file_id
        WHERE jf.job_id = ${jobId} AND jf.status = 'done'`,
  ).map((r) => r.p);
}

export function jobFileErrors(db: Db, jobId: number, limit = 1000): { fileId: number; path: string; error: string }[] {
  return db.all<{ fileId: number; path: string; error: string }>(
    sql`SELECT jf.file_id AS fileId, f.original_path AS path, jf.error AS error
        FROM job_files jf JOIN files f ON f.id = jf.file_id
        WHERE jf.job_id = ${jobId} AND jf.status = 'failed'
        ORDER BY jf.file_id LIMIT ${limit}`,
  );
}

/** The keyset position an export job resumes after, or null to start from the beginning. */
export function resumePosition(db: Db, jobId: number): string | null {
  return db.select({ r: jobs.resumeAfter }).from(jobs).where(eq(jobs.id, jobId)).get()?.r ?? null;
}

/** What an import's scan left out on purpose (hidden and system entries), as it reported it. */
export function importSkipped(db: Db, jobId: number): { count: number; examples: string[] } {
  const raw = db.select({ s: jobs.stats, t: jobs.type }).from(jobs).where(eq(jobs.id, jobId)).get();
  if (!raw || raw.t !== 'import' || raw.s === null) return { count: 0, examples: [] };
  try {
    const parsed = JSON.parse(raw.s) as { count?: number; examples?: string[] };
    return { count: parsed.count ?? 0, examples: parsed.examples ?? [] };
  } catch {
    return { count: 0, examples: [] };
  }
}
