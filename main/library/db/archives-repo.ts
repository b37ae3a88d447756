/**
 * Archives and the copies they hold. Export state lives here, per archive (output root): a file is
 * "exported" to one archive, never in general, so a backup drive gets every file and a deleted
 * archive is rebuilt. Main thread only (the runner is the single writer).
 */
import type Database from 'better-sqlite3';
import type { Confidence, TimestampSource } from '../../../shared/types.js';
import type { BatchedExportMessage, CompanionDone, ExportItem, ExportSidecar } from '../../protocol/workers.js';
import { EMBEDDED_SOURCES } from '../../rules/write-truth.js';
import { EFFECTIVE_TS_SQL } from './files-repo.js';
import { encodePathBytes } from '../../rules/byte-names.js';

/** Which files an export looks at: the whole library, or one import's files. */
export interface ExportScope {
  importJobId: number | null;
}

/** Keyset position in export order: everything up to and including it comes before. */
export interface ExportCursor {
  key: string;
  name: string;
  id: number;
}

/** A file's result in the archive, as the worker reported it (its `file-done`) once it was durable. */
export type ArchivedResult = Pick<Extract<BatchedExportMessage, { type: 'file-done' }>, 'fileId' | 'outcome' | 'relPath' | 'sha256' | 'size' | 'mtimeMs'> & {
  /** The group's other members and the sidecars placed with it. */
  companions?: readonly CompanionDone[];
};

export interface ScopeCounts {
  /** Kept, hashed files in scope. */
  files: number;
  /** Of those, the ones this archive has no copy of, and their bytes. */
  newFiles: number;
  newBytes: number;
  /** Files in scope that cannot be exported (import failed: no content hash). */
  problems: number;
  /** Discarded files in scope that have a copy in this archive. */
  discardedInArchive: number;
}

interface PageRow {
  id: number;
  original_path: string;
  original_path_bytes: Buffer | null;
  original_name: string;
  size: number;
  sha256: string;
  final_at: string | null;
  final_offset: string | null;
  final_precision: 'year' | 'month' | 'day' | null;
  detected_at: string | null;
  detected_offset: string | null;
  detected_source: TimestampSource | null;
  confidence: Confidence;
  k: string;
  c_rel: string | null;
  c_sha: string | null;
  c_size: number | null;
  c_mtime: number | null;
  tags: string | null;
  x_rel: string | null;
  x_sha: string | null;
  x_size: number | null;
  camera_model: string | null;
}

/**
 * A group member travels inside its main file's item (ExportItem.members), so it is not paged on
 * its own while that main file can be exported; a discarded main file keeps its group out.
 */
const NOT_MEMBER = '(f.group_main IS NULL OR NOT EXISTS (SELECT 1 FROM files gm WHERE gm.id = f.group_main AND gm.sha256 IS NOT NULL))';
const KEPT = `f.discarded = 0 AND f.sha256 IS NOT NULL AND ${NOT_MEMBER}`;
// One row each at most (primary keys): the file's copy and the XMP sidecar written beside it.
const COPY_JOIN = `LEFT JOIN archive_copies c ON c.archive_id = @archiveId AND c.file_id = f.id
  LEFT JOIN xmp_copies x ON x.archive_id = @archiveId AND x.file_id = f.id`;
const PAGE_COLUMNS = `f.id, f.original_path, f.original_path_bytes, f.original_name, f.size, f.sha256, f.final_at, f.final_offset, f.final_precision,
  f.detected_at, f.detected_offset, f.detected_source, f.confidence, ${EFFECTIVE_TS_SQL} AS k,
  c.rel_path AS c_rel, c.sha256 AS c_sha, c.size AS c_size, c.mtime_ms AS c_mtime, x.rel_path AS x_rel, x.sha256 AS x_sha, x.size AS x_size, f.camera_model,
  (SELECT group_concat(t.name, '|') FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = f.id) AS tags`;
// The key is split into >= and a tie-break because SQLite seeks an expression index on a plain
// comparison, not on a row value.
const AFTER_CURSOR = `${EFFECTIVE_TS_SQL} >= @key AND (${EFFECTIVE_TS_SQL} > @key OR (f.original_name, f.id) > (@name, @id))`;
const ORDER = `ORDER BY ${EFFECTIVE_TS_SQL}, f.original_name, f.id LIMIT @limit`;

function toItem(r: PageRow): ExportItem {
  const user = r.final_at !== null;
  return {
    fileId: r.id,
    sourcePath: r.original_path,
    ...(r.original_path_bytes !== null ? { sourcePathBytes: encodePathBytes(r.original_path_bytes) } : {}),
    originalName: r.original_name,
    size: r.size,
    sha256: r.sha256,
    timestamp: user
      ? { local: r.final_at!, offset: r.final_offset, ...(r.final_precision ? { precision: r.final_precision } : {}) }
      : r.detected_at !== null
        ? { local: r.detected_at, offset: r.detected_offset }
        : null,
    timestampSource: user ? 'user' : r.detected_source,
    confidence: user ? 'high' : r.confidence,
    archived:
      r.c_rel !== null ? { relPath: r.c_rel, sha256: r.c_sha!, size: r.c_size!, mtimeMs: r.c_mtime } : null,
    embedded:
      r.detected_at !== null && r.detected_source !== null && EMBEDDED_SOURCES.has(r.detected_source)
        ? { local: r.detected_at, offset: r.detected_offset }
        : null,
    tags: r.tags ? r.tags.split('|').sort() : [],
    xmpArchived: r.x_rel !== null ? { relPath: r.x_rel, sha256: r.x_sha!, size: r.x_size! } : null,
    cameraModel: r.camera_model ?? null,
  };
}

interface SidecarRow {
  id: number;
  file_id: number;
  path: string;
  suffix: string;
  size: number;
  sha256: string;
  c_rel: string | null;
  c_sha: string | null;
  c_size: number | null;
}

/**
 * Records a batch (`@batch`, JSON items with `relPath`, `sha256`, `size`, `outcome` and the key
 * `itemKey`) in a copies table keyed by archive and `column`; items already 'present' stay as they are.
 */
function upsertCopies(table: 'sidecar_copies' | 'xmp_copies', column: 'sidecar_id' | 'file_id', itemKey: 'sidecarId' | 'fileId'): string {
  return `INSERT INTO ${table} (archive_id, ${column}, rel_path, sha256, size, job_id)
       SELECT @archiveId, j.value ->> '$.${itemKey}', j.value ->> '$.relPath', j.value ->> '$.sha256', j.value ->> '$.size', @jobId
       FROM json_each(@batch) AS j WHERE j.value ->> '$.outcome' != 'present'
       ON CONFLICT(archive_id, ${column}) DO UPDATE SET rel_path = excluded.rel_path, sha256 = excluded.sha256,
         size = excluded.size, job_id = excluded.job_id, exported_at = excluded.exported_at`;
}

export class ArchivesRepo {
  private readonly membersStmt: Database.Statement;
  private readonly sidecarsStmt: Database.Statement;
  private readonly upsertSidecars: Database.Statement;
  private readonly upsertXmps: Database.Statement;
  private readonly pageLibrary: Database.Statement;
  private readonly pageImportWalk: Database.Statement;
  private readonly pageImportSort: Database.Statement;
  private readonly retryStmt: Database.Statement;
  private readonly upsertBatch: Database.Statement;
  private readonly clearErrorBatch: Database.Statement;
  private readonly redoneBatch: Database.Statement;
  private readonly failFile: Database.Statement;
  private readonly failLink: Database.Statement;
  /** Page plan per import scope, chosen on a run's first page. */
  private readonly importPlans = new Map<number, 'walk' | 'sort'>();

  constructor(private readonly sqlite: Database.Database) {
    this.membersStmt = sqlite.prepare(
      `SELECT ${PAGE_COLUMNS}, f.group_main AS group_main FROM files f ${COPY_JOIN}
       WHERE f.group_main IN (SELECT value FROM json_each(@ids)) AND f.discarded = 0 AND f.sha256 IS NOT NULL
       ORDER BY f.group_main, f.original_name, f.id`,
    );
    this.sidecarsStmt = sqlite.prepare(
      `SELECT s.id, s.file_id, s.path, s.suffix, s.size, s.sha256, c.rel_path AS c_rel, c.sha256 AS c_sha, c.size AS c_size
       FROM sidecars s LEFT JOIN sidecar_copies c ON c.archive_id = @archiveId AND c.sidecar_id = s.id
       WHERE s.file_id IN (SELECT value FROM json_each(@ids)) ORDER BY s.file_id, s.path`,
    );
    this.upsertSidecars = sqlite.prepare(upsertCopies('sidecar_copies', 'sidecar_id', 'sidecarId'));
    this.upsertXmps = sqlite.prepare(upsertCopies('xmp_copies', 'file_id', 'fileId'));
    this.pageLibrary = sqlite.prepare(
      `SELECT ${PAGE_COLUMNS} FROM files f ${COPY_JOIN} WHERE ${KEPT} AND ${AFTER_CURSOR} ${ORDER}`,
    );
    // A job holding a good share of the library walks the export-order index from the cursor (a
    // CROSS JOIN keeps files as the outer loop); a small job in a big library sorts its own files.
    this.pageImportWalk = sqlite.prepare(
      `SELECT ${PAGE_COLUMNS} FROM files f CROSS JOIN job_files jf ON jf.job_id = @importJobId AND jf.file_id = f.id
       ${COPY_JOIN} WHERE ${KEPT} AND ${AFTER_CURSOR} ${ORDER}`,
    );
    this.pageImportSort = sqlite.prepare(
      `SELECT ${PAGE_COLUMNS} FROM job_files jf JOIN files f ON f.id = jf.file_id ${COPY_JOIN}
       WHERE jf.job_id = @importJobId AND ${KEPT} AND (${EFFECTIVE_TS_SQL}, f.original_name, f.id) > (@key, @name, @id) ${ORDER}`,
    );
    this.retryStmt = sqlite.prepare(
      `SELECT ${PAGE_COLUMNS} FROM job_files jf JOIN files f ON f.id = jf.file_id ${COPY_JOIN}
       WHERE jf.job_id = @jobId AND jf.status = 'failed' AND ${KEPT} ORDER BY ${EFFECTIVE_TS_SQL}, f.original_name, f.id`,
    );
    // These take a JSON array of results: set-based, a few statements per batch instead of a few
    // per file, keeps each commit on the main thread short.
    this.upsertBatch = sqlite.prepare(
      `INSERT INTO archive_copies (archive_id, file_id, rel_path, sha256, size, mtime_ms, job_id)
       SELECT @archiveId, j.value ->> '$.fileId', j.value ->> '$.relPath', j.value ->> '$.sha256', j.value ->> '$.size',
              j.value ->> '$.mtimeMs', @jobId
       FROM json_each(@batch) AS j WHERE j.value ->> '$.outcome' != 'present'
       ON CONFLICT(archive_id, file_id) DO UPDATE SET rel_path = excluded.rel_path, sha256 = excluded.sha256,
         size = excluded.size, mtime_ms = excluded.mtime_ms, job_id = excluded.job_id, exported_at = excluded.exported_at`,
    );
    this.clearErrorBatch = sqlite.prepare(
      `UPDATE files SET error = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       WHERE error IS NOT NULL AND id IN (SELECT j.value ->> '$.fileId' FROM json_each(?) AS j)`,
    );
    // A success after an earlier failure in the same job: the failure is history.
    this.redoneBatch = sqlite.prepare(
      `UPDATE job_files SET status = 'done', error = NULL
       WHERE job_id = ? AND status = 'failed' AND file_id IN (SELECT j.value ->> '$.fileId' FROM json_each(?) AS j)`,
    );
    this.failFile = sqlite.prepare("UPDATE files SET error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
    this.failLink = sqlite.prepare(`INSERT INTO job_files (job_id, file_id, status, error) VALUES (?, ?, 'failed', ?)
      ON CONFLICT(job_id, file_id) DO UPDATE SET status = excluded.status, error = excluded.error`);
  }

  /** The archive at this root (an absolute, resolved path), created on first use. */
  ensure(root: string): number {
    this.sqlite.prepare('INSERT OR IGNORE INTO archives (root) VALUES (?)').run(root);
    return this.sqlite.prepare('SELECT id FROM archives WHERE root = ?').pluck().get(root) as number;
  }

  /** The archive at this root, or null when nothing was ever exported there. */
  find(root: string): number | null {
    return (this.sqlite.prepare('SELECT id FROM archives WHERE root = ?').pluck().get(root) as number | undefined) ?? null;
  }

  /**
   * One page of the scope's kept files in export order after the cursor, each with the copy this
   * archive holds of it (keyset paging: never loads 100k rows at once).
   */
  exportPage(
    scope: ExportScope,
    archiveId: number | null,
    after: ExportCursor | null,
    limit: number,
  ): { items: ExportItem[]; keys: ExportCursor[] } {
    const params = { archiveId: archiveId ?? -1, key: after?.key ?? '', name: after?.name ?? '', id: after?.id ?? 0, limit };
    let rows: PageRow[];
    if (scope.importJobId === null) {
      rows = this.pageLibrary.all(params) as PageRow[];
    } else {
      let plan = after === null ? undefined : this.importPlans.get(scope.importJobId);
      if (plan === undefined) {
        const { job, total } = this.sqlite
          .prepare('SELECT (SELECT COUNT(*) FROM job_files WHERE job_id = ?) AS job, (SELECT COUNT(*) FROM files) AS total')
          .get(scope.importJobId) as { job: number; total: number };
        plan = job * 5 >= total ? 'walk' : 'sort';
        this.importPlans.set(scope.importJobId, plan);
      }
      rows = (plan === 'walk' ? this.pageImportWalk : this.pageImportSort).all({ ...params, importJobId: scope.importJobId }) as PageRow[];
    }
    return { items: this.withCompanions(rows.map(toItem), archiveId), keys: rows.map((r) => ({ key: r.k, name: r.original_name, id: r.id })) };
  }

  /** Adds each item's group members and every member's sidecars (two queries per page). */
  private withCompanions(items: ExportItem[], archiveId: number | null): ExportItem[] {
    if (items.length === 0) return items;
    const byId = new Map<number, ExportItem>();
    for (const item of items) byId.set(item.fileId, item);
    const memberRows = this.membersStmt.all({ archiveId: archiveId ?? -1, ids: JSON.stringify([...byId.keys()]) }) as (PageRow & { group_main: number })[];
    const all = new Map(byId);
    for (const r of memberRows) {
      const member = toItem(r);
      const main = byId.get(r.group_main)!;
      (main.members ??= []).push(member);
      all.set(member.fileId, member);
    }
    const sidecarRows = this.sidecarsStmt.all({ archiveId: archiveId ?? -1, ids: JSON.stringify([...all.keys()]) }) as SidecarRow[];
    for (const r of sidecarRows) {
      const sidecar: ExportSidecar = {
        sidecarId: r.id,
        sourcePath: r.path,
        suffix: r.suffix,
        size: r.size,
        sha256: r.sha256,
        archived: r.c_rel !== null ? { relPath: r.c_rel, sha256: r.c_sha!, size: r.c_size! } : null,
      };
      const owner = all.get(r.file_id)!;
      (owner.sidecars ??= []).push(sidecar);
    }
    return items;
  }

  /** Files this export job failed on (still kept): a resumed run tries them again first. */
  failedItems(jobId: number, archiveId: number): { items: ExportItem[]; keys: ExportCursor[] } {
    const rows = this.retryStmt.all({ jobId, archiveId }) as PageRow[];
    return { items: this.withCompanions(rows.map(toItem), archiveId), keys: rows.map((r) => ({ key: r.k, name: r.original_name, id: r.id })) };
  }

  counts(scope: ExportScope, archiveId: number | null): ScopeCounts {
    const inScope = scope.importJobId === null ? '' : 'JOIN job_files jf ON jf.file_id = f.id AND jf.job_id = @importJobId';
    const params = { archiveId: archiveId ?? -1, importJobId: scope.importJobId ?? -1 };
    const main = this.sqlite
      .prepare(
        `SELECT COUNT(*) AS files, COALESCE(SUM(c.file_id IS NULL), 0) AS newFiles,
                COALESCE(SUM(CASE WHEN c.file_id IS NULL THEN f.size ELSE 0 END), 0) AS newBytes
         FROM files f ${inScope} ${COPY_JOIN} WHERE ${KEPT}`,
      )
      .get(params) as { files: number; newFiles: number; newBytes: number };
    const problems = this.sqlite
      .prepare(`SELECT COUNT(*) FROM files f ${inScope} WHERE f.discarded = 0 AND f.sha256 IS NULL`)
      .pluck()
      .get(params) as number;
    const discardedInArchive = this.sqlite
      .prepare(`SELECT COUNT(*) FROM files f ${inScope} JOIN archive_copies c ON c.archive_id = @archiveId AND c.file_id = f.id WHERE f.discarded = 1`)
      .pluck()
      .get(params) as number;
    return { ...main, problems, discardedInArchive };
  }

  /** Commits a batch of durable results and failures in one transaction. */
  record(archiveId: number, jobId: number, done: readonly ArchivedResult[], failed: readonly { fileId: number; message: string }[]): void {
    if (done.length === 0 && failed.length === 0) return;
    this.sqlite.transaction(() => {
      if (done.length) {
        // A group's members are recorded like any file; its sidecars and the XMP sidecars written
        // for formats that cannot take a date in tables of their own.
        const members = done.flatMap((d) => (d.companions ?? []).filter((c) => c.kind === 'file'));
        const sidecars = done.flatMap((d) => (d.companions ?? []).filter((c) => c.kind === 'sidecar'));
        const xmps = done.flatMap((d) => (d.companions ?? []).filter((c) => c.kind === 'xmp'));
        const batch = JSON.stringify(members.length ? [...done.map(({ companions: _c, ...d }) => d), ...members] : done);
        this.upsertBatch.run({ archiveId, jobId, batch });
        if (sidecars.length) this.upsertSidecars.run({ archiveId, jobId, batch: JSON.stringify(sidecars) });
        if (xmps.length) this.upsertXmps.run({ archiveId, jobId, batch: JSON.stringify(xmps) });
        this.clearErrorBatch.run(batch);
        this.redoneBatch.run(jobId, batch);
      }
      for (const f of failed) {
        this.failFile.run(f.message, f.fileId);
        this.failLink.run(jobId, f.fileId, f.message);
      }
    })();
  }

  /** Files this job has failed on and not exported since. */
  failedCount(jobId: number): number {
    return this.sqlite.prepare("SELECT COUNT(*) FROM job_files WHERE job_id = ? AND status = 'failed'").pluck().get(jobId) as number;
  }
}
