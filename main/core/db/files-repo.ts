/**
 * Files, tags and duplicate groups. Hot paths (import batches, export paging) use prepared
 * better-sqlite3 statements inside explicit transactions; the schema itself is drizzle's.
 */
import type Database from 'better-sqlite3';
import { formatCaptureTime, type CaptureTime } from '../../../shared/capture-time.js';
import type { Confidence, DateCandidate, FileDetails, FileFilter, FileSummary, MediaType, TimestampSource } from '../../../shared/types.js';
import type { ExportItem, ImportedFile } from '../../workers/protocol.js';
import { nowIso } from './jobs-repo.js';

interface FileRow {
  id: number;
  original_path: string;
  original_name: string;
  import_root: string;
  size: number;
  sha256: string | null;
  media_type: MediaType | null;
  mime: string | null;
  width: number | null;
  height: number | null;
  detected_at: string | null;
  detected_offset: string | null;
  detected_source: TimestampSource | null;
  candidates: string;
  confidence: Confidence;
  final_at: string | null;
  final_offset: string | null;
  reviewed_at: string | null;
  discarded: number;
  duplicate_group: number | null;
  output_path: string | null;
  error: string | null;
  tags: string | null;
}

/** Effective capture time for ordering: final, else detected, undated last ('~' sorts after digits). */
export const EFFECTIVE_TS_SQL = "COALESCE(f.final_at, f.detected_at, '~')";
const TAGS_SQL = `(SELECT group_concat(t.name, '|') FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = f.id)`;
const SELECT_FILE = `SELECT f.*, o.output_path, ${TAGS_SQL} AS tags FROM files f LEFT JOIN file_outputs o ON o.file_id = f.id`;

function iso(local: string | null, offset: string | null): string | null {
  return local === null ? null : formatCaptureTime({ local, offset });
}

export function toFileSummary(r: FileRow): FileSummary {
  return {
    id: r.id,
    originalPath: r.original_path,
    originalName: r.original_name,
    size: r.size,
    sha256: r.sha256,
    mediaType: r.media_type,
    mime: r.mime,
    width: r.width,
    height: r.height,
    detectedTimestamp: iso(r.detected_at, r.detected_offset),
    timestampSource: r.detected_source,
    confidence: r.confidence,
    finalTimestamp: iso(r.final_at, r.final_offset),
    reviewedAt: r.reviewed_at,
    discarded: r.discarded === 1,
    duplicateGroup: r.duplicate_group,
    outputPath: r.output_path,
    error: r.error,
    tags: r.tags ? r.tags.split('|').sort() : [],
  };
}

export interface ListQuery {
  filter: FileFilter;
  tag?: string | undefined;
  jobId?: number | undefined;
  search?: string | undefined;
  offset: number;
  limit: number;
}

export class FilesRepo {
  private readonly upsertStmt: Database.Statement;
  private readonly failStmt: Database.Statement;
  private readonly idByPath: Database.Statement;
  private readonly linkStmt: Database.Statement;
  private readonly tagInsert: Database.Statement;
  private readonly tagId: Database.Statement;
  private readonly fileTagInsert: Database.Statement;
  private readonly fileTagClear: Database.Statement;
  private readonly exportFailStmt: Database.Statement;
  private readonly outputBatchStmt: Database.Statement;
  private readonly clearErrorBatchStmt: Database.Statement;
  private readonly forgetStaleOutput: Database.Statement;
  private readonly redoneBatchStmt: Database.Statement;
  private readonly pageByIndexStmt: Database.Statement;
  private readonly pageBySortStmt: Database.Statement;
  /** exportPage's plan per job, chosen on a run's first page. */
  private readonly exportPlans = new Map<number, 'walk-index' | 'sort-job'>();

  constructor(private readonly sqlite: Database.Database) {
    // A re-import of the same path refreshes what the file says but keeps the user's review;
    // if the content changed, the earlier export no longer describes it.
    this.upsertStmt = sqlite.prepare(`
      INSERT INTO files (original_path, original_name, import_root, size, mtime_ms, sha256, media_type, mime,
        width, height, detected_at, detected_offset, detected_source, candidates, confidence, error)
      VALUES (@path, @name, @root, @size, @mtimeMs, @sha256, @mediaType, @mime, @width, @height,
        @detectedAt, @detectedOffset, @detectedSource, @candidates, @confidence, @error)
      ON CONFLICT(original_path) DO UPDATE SET
        original_name = excluded.original_name, import_root = excluded.import_root, size = excluded.size,
        mtime_ms = excluded.mtime_ms,
        sha256 = excluded.sha256, media_type = excluded.media_type, mime = excluded.mime,
        width = excluded.width, height = excluded.height, detected_at = excluded.detected_at,
        detected_offset = excluded.detected_offset, detected_source = excluded.detected_source,
        candidates = excluded.candidates, confidence = excluded.confidence, error = excluded.error,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
    this.failStmt = sqlite.prepare(`
      INSERT INTO files (original_path, original_name, import_root, size, error)
      VALUES (@path, @name, @root, @size, @error)
      ON CONFLICT(original_path) DO UPDATE SET error = excluded.error,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
    this.idByPath = sqlite.prepare('SELECT id FROM files WHERE original_path = ?').pluck();
    this.linkStmt = sqlite.prepare(`INSERT INTO job_files (job_id, file_id, status, error) VALUES (?, ?, ?, ?)
      ON CONFLICT(job_id, file_id) DO UPDATE SET status = excluded.status, error = excluded.error`);
    this.tagInsert = sqlite.prepare('INSERT OR IGNORE INTO tags (name) VALUES (?)');
    this.tagId = sqlite.prepare('SELECT id FROM tags WHERE name = ?').pluck();
    this.fileTagInsert = sqlite.prepare('INSERT OR IGNORE INTO file_tags (file_id, tag_id) VALUES (?, ?)');
    this.fileTagClear = sqlite.prepare('DELETE FROM file_tags WHERE file_id = ?');
    this.exportFailStmt = sqlite.prepare(
      "UPDATE files SET error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    );
    // A re-import whose content changed: the earlier export no longer describes the file.
    this.forgetStaleOutput = sqlite.prepare(
      'DELETE FROM file_outputs WHERE file_id = (SELECT id FROM files WHERE original_path = @path AND sha256 IS NOT @sha256)',
    );
    // These take a JSON array of { id, p } (file id, output path). Only the narrow file_outputs
    // rows are written; `files` and `job_files` rows are touched only to clear an earlier failure.
    this.outputBatchStmt = sqlite.prepare(
      `INSERT INTO file_outputs (file_id, output_path, job_id) SELECT j.value ->> '$.id', j.value ->> '$.p', ? FROM json_each(?) AS j WHERE true
       ON CONFLICT(file_id) DO UPDATE SET output_path = excluded.output_path, job_id = excluded.job_id, exported_at = excluded.exported_at`,
    );
    this.clearErrorBatchStmt = sqlite.prepare(
      `UPDATE files SET error = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       WHERE error IS NOT NULL AND id IN (SELECT j.value ->> '$.id' FROM json_each(?) AS j)`,
    );
    // A success after an earlier failure in the same job: the failure is history. (Successes
    // themselves live in file_outputs; rewriting every job_files row too doubled each batch.)
    this.redoneBatchStmt = sqlite.prepare(
      `UPDATE job_files SET status = 'done', error = NULL
       WHERE job_id = ? AND status = 'failed' AND file_id IN (SELECT j.value ->> '$.id' FROM json_each(?) AS j)`,
    );
    const pageColumns = `f.id, f.original_path, f.original_name, f.size, f.sha256, f.final_at, f.final_offset,
      f.detected_at, f.detected_offset, ${EFFECTIVE_TS_SQL} AS k`;
    const exportable = `f.discarded = 0 AND f.sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM file_outputs o WHERE o.file_id = f.id)`;
    // CROSS JOIN keeps files as the outer loop, so the export-order index is walked from the
    // cursor; the key is split into >= and a tie-break because SQLite seeks an expression index
    // on a plain comparison, not on a row value.
    this.pageByIndexStmt = sqlite.prepare(
      `SELECT ${pageColumns}
       FROM files f CROSS JOIN job_files jf ON jf.job_id = @jobId AND jf.file_id = f.id
       WHERE ${exportable}
         AND ${EFFECTIVE_TS_SQL} >= @k AND (${EFFECTIVE_TS_SQL} > @k OR (f.original_name, f.id) > (@name, @id))
       ORDER BY ${EFFECTIVE_TS_SQL}, f.original_name, f.id LIMIT @limit`,
    );
    this.pageBySortStmt = sqlite.prepare(
      `SELECT ${pageColumns}
       FROM job_files jf JOIN files f ON f.id = jf.file_id
       WHERE jf.job_id = @jobId AND ${exportable}
         AND (${EFFECTIVE_TS_SQL}, f.original_name, f.id) > (@k, @name, @id)
       ORDER BY ${EFFECTIVE_TS_SQL}, f.original_name, f.id LIMIT @limit`,
    );
  }

  /** Records a batch of import results for a job in one transaction. */
  recordImported(
    jobId: number,
    items: ({ kind: 'ok'; file: ImportedFile } | { kind: 'failed'; path: string; root: string; size: number; message: string })[],
  ): void {
    const tx = this.sqlite.transaction(() => {
      for (const item of items) {
        if (item.kind === 'ok') {
          const f = item.file;
          this.forgetStaleOutput.run({ path: f.path, sha256: f.sha256 });
          this.upsertStmt.run({
            path: f.path,
            name: f.name,
            root: f.root,
            size: f.size,
            mtimeMs: Math.round(f.mtimeMs),
            sha256: f.sha256,
            mediaType: f.mediaType,
            mime: f.mime,
            width: f.width,
            height: f.height,
            detectedAt: f.detected?.local ?? null,
            detectedOffset: f.detected?.offset ?? null,
            detectedSource: f.detectedSource,
            candidates: JSON.stringify(f.candidates),
            confidence: f.confidence,
            error: f.warning,
          });
          const id = this.idByPath.get(f.path) as number;
          this.linkStmt.run(jobId, id, 'done', f.warning);
          this.fileTagClear.run(id);
          for (const tag of f.tags) {
            this.tagInsert.run(tag);
            this.fileTagInsert.run(id, this.tagId.get(tag));
          }
        } else {
          const name = item.path.split(/[\\/]/).pop() ?? item.path;
          this.failStmt.run({ path: item.path, name, root: item.root, size: item.size, error: item.message });
          const id = this.idByPath.get(item.path) as number;
          this.linkStmt.run(jobId, id, 'failed', item.message);
        }
      }
    });
    tx();
  }

  /** Files with the same sha256 form a group named by the lowest id among them. */
  recomputeDuplicateGroups(): void {
    this.sqlite.exec(`
      UPDATE files SET duplicate_group = NULL WHERE duplicate_group IS NOT NULL;
      UPDATE files SET duplicate_group = (SELECT MIN(f2.id) FROM files f2 WHERE f2.sha256 = files.sha256)
      WHERE sha256 IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL GROUP BY sha256 HAVING COUNT(*) > 1);`);
  }

  list(q: ListQuery): { items: FileSummary[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    switch (q.filter) {
      case 'all':
        break;
      case 'needs-review':
        where.push("f.confidence IN ('low', 'none') AND f.final_at IS NULL AND f.discarded = 0");
        break;
      case 'undated':
        where.push('f.final_at IS NULL AND f.detected_at IS NULL AND f.discarded = 0');
        break;
      case 'duplicates':
        where.push('f.duplicate_group IS NOT NULL');
        break;
      case 'discarded':
        where.push('f.discarded = 1');
        break;
      case 'exported':
        where.push('o.output_path IS NOT NULL');
        break;
      case 'errors':
        where.push('f.error IS NOT NULL');
        break;
      default: {
        const never: never = q.filter;
        throw new Error(`unknown filter ${String(never)}`);
      }
    }
    if (q.tag) {
      where.push('EXISTS (SELECT 1 FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = f.id AND t.name = @tag)');
      params.tag = q.tag;
    }
    if (q.jobId) {
      where.push('EXISTS (SELECT 1 FROM job_files jf WHERE jf.file_id = f.id AND jf.job_id = @jobId)');
      params.jobId = q.jobId;
    }
    if (q.search) {
      where.push("f.original_path LIKE @search ESCAPE '\\'");
      params.search = `%${q.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = q.filter === 'duplicates' ? `f.duplicate_group, f.id` : `${EFFECTIVE_TS_SQL}, f.original_name, f.id`;
    const total = this.sqlite.prepare(`SELECT COUNT(*) FROM files f LEFT JOIN file_outputs o ON o.file_id = f.id ${whereSql}`).pluck().get(params) as number;
    const rows = this.sqlite
      .prepare(`${SELECT_FILE} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as FileRow[];
    return { items: rows.map(toFileSummary), total };
  }

  getRow(id: number): FileRow | null {
    return (this.sqlite.prepare(`${SELECT_FILE} WHERE f.id = ?`).get(id) as FileRow | undefined) ?? null;
  }

  get(id: number): FileSummary | null {
    const row = this.getRow(id);
    return row ? toFileSummary(row) : null;
  }

  details(id: number): FileDetails | null {
    const row = this.getRow(id);
    if (!row) return null;
    let candidates: DateCandidate[] = [];
    try {
      candidates = JSON.parse(row.candidates) as DateCandidate[];
    } catch {
      candidates = [];
    }
    const duplicates =
      row.duplicate_group === null
        ? []
        : (this.sqlite
            .prepare(`${SELECT_FILE} WHERE f.duplicate_group = ? AND f.id != ? ORDER BY f.id`)
            .all(row.duplicate_group, id) as FileRow[]).map(toFileSummary);
    return { ...toFileSummary(row), importRoot: row.import_root, candidates, duplicates };
  }

  /** Sets (or clears) the user's final time and marks the file reviewed. */
  setFinal(ids: number[], ct: CaptureTime | null): number {
    const stmt = this.sqlite.prepare(
      `UPDATE files SET final_at = ?, final_offset = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
    );
    const at = nowIso();
    let n = 0;
    this.sqlite.transaction(() => {
      for (const id of ids) n += stmt.run(ct?.local ?? null, ct?.offset ?? null, at, at, id).changes;
    })();
    return n;
  }

  setDiscarded(ids: number[], discarded: boolean): number {
    const stmt = this.sqlite.prepare(`UPDATE files SET discarded = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`);
    const at = nowIso();
    let n = 0;
    this.sqlite.transaction(() => {
      for (const id of ids) n += stmt.run(discarded ? 1 : 0, at, at, id).changes;
    })();
    return n;
  }

  groupMembers(group: number): number[] {
    return this.sqlite.prepare('SELECT id FROM files WHERE duplicate_group = ? ORDER BY id').pluck().all(group) as number[];
  }

  listTags(): { name: string; count: number }[] {
    return this.sqlite
      .prepare(
        `SELECT t.name AS name, COUNT(ft.file_id) AS count FROM tags t JOIN file_tags ft ON ft.tag_id = t.id
         GROUP BY t.id ORDER BY t.name`,
      )
      .all() as { name: string; count: number }[];
  }

  /** Files of a job that an export still has to copy: kept, not yet exported. */
  countExportable(jobId: number): { files: number; bytes: number } {
    const r = this.sqlite
      .prepare(
        `SELECT COUNT(*) AS files, COALESCE(SUM(f.size), 0) AS bytes FROM job_files jf JOIN files f ON f.id = jf.file_id
         WHERE jf.job_id = ? AND f.discarded = 0 AND f.sha256 IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM file_outputs o WHERE o.file_id = f.id)`,
      )
      .get(jobId) as { files: number; bytes: number };
    return r;
  }

  countExported(jobId: number): { files: number; bytes: number } {
    return this.sqlite
      .prepare(
        `SELECT COUNT(*) AS files, COALESCE(SUM(f.size), 0) AS bytes
         FROM job_files jf JOIN files f ON f.id = jf.file_id JOIN file_outputs o ON o.file_id = f.id
         WHERE jf.job_id = ? AND f.discarded = 0`,
      )
      .get(jobId) as { files: number; bytes: number };
  }

  /**
   * One page of a job's exportable files in export order, after the cursor (keyset paging:
   * never loads 100k rows at once, and files exported meanwhile do not shift the pages).
   *
   * Two plans for one order. A job holding a good share of the library walks the export-order
   * index from the cursor (a few ms per page at 100k files, where sorting the job's remaining
   * files for every page took ~70 ms on the main thread); a small job in a big library sorts its
   * own few files instead of walking everybody's.
   */
  exportPage(jobId: number, after: ExportCursor | null, limit: number): { items: ExportItem[]; cursor: ExportCursor | null } {
    let plan = after === null ? undefined : this.exportPlans.get(jobId);
    if (plan === undefined) {
      const { job, total } = this.sqlite
        .prepare('SELECT (SELECT COUNT(*) FROM job_files WHERE job_id = ?) AS job, (SELECT COUNT(*) FROM files) AS total')
        .get(jobId) as { job: number; total: number };
      plan = job * 5 >= total ? 'walk-index' : 'sort-job';
      this.exportPlans.set(jobId, plan);
    }
    const stmt = plan === 'walk-index' ? this.pageByIndexStmt : this.pageBySortStmt;
    const rows = stmt.all({ jobId, k: after?.k ?? '', name: after?.name ?? '', id: after?.id ?? 0, limit }) as {
      id: number;
      original_path: string;
      original_name: string;
      size: number;
      sha256: string;
      final_at: string | null;
      final_offset: string | null;
      detected_at: string | null;
      detected_offset: string | null;
      k: string;
    }[];
    const items: ExportItem[] = rows.map((r) => ({
      fileId: r.id,
      sourcePath: r.original_path,
      originalName: r.original_name,
      size: r.size,
      sha256: r.sha256,
      timestamp:
        r.final_at !== null
          ? { local: r.final_at, offset: r.final_offset }
          : r.detected_at !== null
            ? { local: r.detected_at, offset: r.detected_offset }
            : null,
    }));
    const last = rows[rows.length - 1];
    return { items, cursor: last ? { k: last.k, name: last.original_name, id: last.id } : after };
  }

  /** Commits a batch of export outcomes in one transaction. */
  recordExported(
    jobId: number,
    done: { fileId: number; outputPath: string }[],
    failed: { fileId: number; message: string }[],
  ): void {
    if (done.length === 0 && failed.length === 0) return;
    this.sqlite.transaction(() => {
      if (done.length) {
        // Set-based: a few statements per batch instead of a few per file keeps each commit (on
        // the main thread) short.
        const batch = JSON.stringify(done.map((d) => ({ id: d.fileId, p: d.outputPath })));
        this.outputBatchStmt.run(jobId, batch);
        this.clearErrorBatchStmt.run(batch);
        this.redoneBatchStmt.run(jobId, batch);
      }
      for (const f of failed) {
        this.exportFailStmt.run(f.message, f.fileId);
        this.linkStmt.run(jobId, f.fileId, 'failed', f.message);
      }
    })();
  }
}

export interface ExportCursor {
  k: string;
  name: string;
  id: number;
}
