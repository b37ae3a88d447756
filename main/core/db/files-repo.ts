/**
 * Files, tags and duplicate groups. Hot paths (import batches, export paging) use prepared
 * better-sqlite3 statements inside explicit transactions; the schema itself is drizzle's.
 */
import type Database from 'better-sqlite3';
import { formatCaptureTime, type CaptureTime } from '../../../shared/capture-time.js';
import type { Confidence, DateCandidate, FileDetails, FileFilter, FileSummary, MediaType, TimestampSource } from '../../../shared/types.js';
import type { ImportedFile } from '../../workers/protocol.js';
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
/** The newest copy of a file in any archive (the details list every one). */
const OUTPUT_SQL = `(SELECT a.root || '/' || c.rel_path FROM archive_copies c JOIN archives a ON a.id = c.archive_id
  WHERE c.file_id = f.id ORDER BY c.exported_at DESC LIMIT 1)`;
const SELECT_FILE = `SELECT f.*, ${OUTPUT_SQL} AS output_path, ${TAGS_SQL} AS tags FROM files f`;

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
  private readonly forgetStaleOutput: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    // A re-import of the same path refreshes what the file says but keeps the user's review;
    // if the content changed, the earlier export no longer describes it.
    this.upsertStmt = sqlite.prepare(`
      INSERT INTO files (original_path, original_name, import_root, size, mtime_ms, sha256, media_type, mime,
        width, height, detected_at, detected_offset, detected_source, candidates, confidence, error, perceptual_hash)
      VALUES (@path, @name, @root, @size, @mtimeMs, @sha256, @mediaType, @mime, @width, @height,
        @detectedAt, @detectedOffset, @detectedSource, @candidates, @confidence, @error, @perceptualHash)
      ON CONFLICT(original_path) DO UPDATE SET
        original_name = excluded.original_name, import_root = excluded.import_root, size = excluded.size,
        mtime_ms = excluded.mtime_ms,
        sha256 = excluded.sha256, media_type = excluded.media_type, mime = excluded.mime,
        width = excluded.width, height = excluded.height, detected_at = excluded.detected_at,
        detected_offset = excluded.detected_offset, detected_source = excluded.detected_source,
        candidates = excluded.candidates, confidence = excluded.confidence, error = excluded.error,
        perceptual_hash = excluded.perceptual_hash,
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
    // A re-import whose content changed: the earlier export no longer describes the file.
    this.forgetStaleOutput = sqlite.prepare(
      'DELETE FROM archive_copies WHERE file_id = (SELECT id FROM files WHERE original_path = @path AND sha256 IS NOT @sha256)',
    );
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)();
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
            perceptualHash: f.perceptualHash ?? null,
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
        where.push('EXISTS (SELECT 1 FROM archive_copies c WHERE c.file_id = f.id)');
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
    const total = this.sqlite.prepare(`SELECT COUNT(*) FROM files f ${whereSql}`).pluck().get(params) as number;
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
}
