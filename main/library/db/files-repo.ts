/**
 * Files, tags and duplicate groups. Hot paths (import batches, export paging) use prepared
 * better-sqlite3 statements inside explicit transactions; the schema itself is drizzle's.
 */
import type Database from 'better-sqlite3';
import { formatCaptureTime, type CaptureTime, type DatePrecision } from '../../../shared/capture-time.js';
import type { Confidence, DateCandidate, FileDetails, FileFilter, FileSummary, MediaType, TimelineDay, TimestampSource } from '../../../shared/types.js';
import type { ImportedFile } from '../../protocol/workers.js';
import { decodePathBytes, encodePathBytes } from '../../rules/byte-names.js';
import { findExportGroups, type GroupInput } from '../../rules/groups.js';
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
  final_precision: DatePrecision | null;
  reviewed_at: string | null;
  discarded: number;
  duplicate_group: number | null;
  output_path: string | null;
  error: string | null;
  camera_model: string | null;
  tags: string | null;
}

/** Effective capture time for ordering: final, else detected, undated last ('~' sorts after digits). */
export const EFFECTIVE_TS_SQL = "COALESCE(f.final_at, f.detected_at, '~')";
const TAGS_SQL = `(SELECT group_concat(t.name, '|') FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = f.id)`;
/** The newest copy of a file in any archive (the details list every one). */
const OUTPUT_SQL = `(SELECT a.root || '/' || c.rel_path FROM archive_copies c JOIN archives a ON a.id = c.archive_id
  WHERE c.file_id = f.id ORDER BY c.exported_at DESC LIMIT 1)`;
const SELECT_FILE = `SELECT f.*, ${OUTPUT_SQL} AS output_path, ${TAGS_SQL} AS tags FROM files f`;

function iso(local: string | null, offset: string | null, precision: DatePrecision | null = null): string | null {
  return local === null ? null : formatCaptureTime({ local, offset, ...(precision ? { precision } : {}) });
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
    finalTimestamp: iso(r.final_at, r.final_offset, r.final_precision),
    reviewedAt: r.reviewed_at,
    discarded: r.discarded === 1,
    duplicateGroup: r.duplicate_group,
    outputPath: r.output_path,
    error: r.error,
    tags: r.tags ? r.tags.split('|').sort() : [],
    cameraModel: r.camera_model,
  };
}

/** What narrows a list besides its filter: a tag, an import job, a folder, a name search. */
export interface Refinements {
  tag?: string | undefined;
  jobId?: number | undefined;
  /** Files anywhere under this folder. */
  folder?: string | undefined;
  search?: string | undefined;
}

export interface ListQuery extends Refinements {
  filter: FileFilter;
  offset: number;
  limit: number;
}

/** The SQL condition of each filter (over `files f`). */
const FILTER_SQL: Record<FileFilter, string> = {
  all: '1',
  'needs-review': "f.confidence IN ('low', 'none') AND f.final_at IS NULL AND f.discarded = 0",
  undated: 'f.final_at IS NULL AND f.detected_at IS NULL AND f.discarded = 0',
  duplicates: 'f.duplicate_group IS NOT NULL',
  discarded: 'f.discarded = 1',
  exported: 'EXISTS (SELECT 1 FROM archive_copies c WHERE c.file_id = f.id)',
  errors: 'f.error IS NOT NULL',
};

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => '\\' + c);

function refinementSql(q: Refinements): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.tag) {
    where.push('EXISTS (SELECT 1 FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = f.id AND t.name = @tag)');
    params.tag = q.tag;
  }
  if (q.jobId) {
    where.push('EXISTS (SELECT 1 FROM job_files jf WHERE jf.file_id = f.id AND jf.job_id = @jobId)');
    params.jobId = q.jobId;
  }
  if (q.folder) {
    where.push("f.original_path LIKE @folder ESCAPE '\\'");
    params.folder = `${likeEscape(q.folder.replace(/[\\/]+$/, ''))}/%`;
  }
  if (q.search) {
    // The name only: a search for "2019" should not match every file under a "2019" folder.
    where.push("f.original_name LIKE @search ESCAPE '\\'");
    params.search = `%${likeEscape(q.search)}%`;
  }
  return { where, params };
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
  private readonly setContentId: Database.Statement;
  private readonly sidecarUpsert: Database.Statement;
  private readonly sidecarPrune: Database.Statement;
  /** Prepared statements of the read paths, by SQL (the list, counts and thumbnails ask many times a second). */
  private readonly cached = new Map<string, Database.Statement>();
  /** Whole-library answers (counts, list totals, timelines, folders) kept while the database is unchanged. */
  private readonly answers = new Map<string, unknown>();
  private answersVersion = '';
  private readonly changeMarks: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    // A re-import of the same path refreshes what the file says but keeps the user's review;
    // if the content changed, the earlier export no longer describes it.
    this.upsertStmt = sqlite.prepare(`
      INSERT INTO files (original_path, original_path_bytes, original_name, import_root, size, mtime_ms, sha256, media_type, mime,
        width, height, detected_at, detected_offset, detected_source, candidates, confidence, error, camera_model, perceptual_hash, content_id)
      VALUES (@path, @pathBytes, @name, @root, @size, @mtimeMs, @sha256, @mediaType, @mime, @width, @height,
        @detectedAt, @detectedOffset, @detectedSource, @candidates, @confidence, @error, @cameraModel, @perceptualHash, @contentId)
      ON CONFLICT(original_path) DO UPDATE SET
        original_path_bytes = excluded.original_path_bytes,
        original_name = excluded.original_name, import_root = excluded.import_root, size = excluded.size,
        mtime_ms = excluded.mtime_ms,
        sha256 = excluded.sha256, media_type = excluded.media_type, mime = excluded.mime,
        width = excluded.width, height = excluded.height, detected_at = excluded.detected_at,
        detected_offset = excluded.detected_offset, detected_source = excluded.detected_source,
        candidates = excluded.candidates, confidence = excluded.confidence, error = excluded.error,
        camera_model = excluded.camera_model, content_id = excluded.content_id,
        -- The same bytes keep their perceptual hash; other bytes are hashed again (similar-indexer.ts).
        perceptual_hash = CASE WHEN files.sha256 IS excluded.sha256 THEN files.perceptual_hash ELSE NULL END,
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
    // Live Photo pairing: a still's ContentIdentifier read after the import saw every video.
    this.setContentId = sqlite.prepare('UPDATE files SET content_id = ? WHERE original_path = ?');
    // A sidecar whose bytes changed is a new sidecar: its recorded copies no longer describe it.
    this.sidecarUpsert = sqlite.prepare(`
      INSERT INTO sidecars (file_id, path, kind, suffix, size, sha256) VALUES (@fileId, @path, @kind, @suffix, @size, @sha256)
      ON CONFLICT(path) DO UPDATE SET file_id = excluded.file_id, kind = excluded.kind, suffix = excluded.suffix,
        size = excluded.size, sha256 = excluded.sha256
      WHERE sidecars.sha256 IS NOT excluded.sha256 OR sidecars.file_id IS NOT excluded.file_id OR sidecars.suffix IS NOT excluded.suffix`);
    this.sidecarPrune = sqlite.prepare(
      `DELETE FROM sidecars WHERE file_id = ? AND path NOT IN (SELECT value FROM json_each(?))`,
    );
    // Rows changed through this connection, and commits by any other connection (a worker's, another process's).
    this.changeMarks = sqlite.prepare('SELECT total_changes() AS ours, (SELECT data_version FROM pragma_data_version) AS theirs');
  }

  /**
   * `compute()`'s answer for `key`, computed again only after the database changed. The library
   * screen asks for the same counts and timelines on every filter switch and every visit; at 100k
   * files each costs tens of milliseconds on the thread that serves the UI. `compute` must read
   * only the database, and callers must not modify the answer.
   */
  whileUnchanged<T>(key: string, compute: () => T): T {
    const marks = this.changeMarks.get() as { ours: number; theirs: number };
    const version = `${marks.ours}:${marks.theirs}`;
    if (version !== this.answersVersion) {
      this.answers.clear();
      this.answersVersion = version;
    }
    if (this.answers.has(key)) return this.answers.get(key) as T;
    const value = compute();
    // A handful of filters times the refinements a user tries: keep the newest few dozen.
    if (this.answers.size >= 64) this.answers.delete(this.answers.keys().next().value as string);
    this.answers.set(key, value);
    return value;
  }

  /** A prepared statement for `sql`, prepared once. */
  private prepared(sql: string): Database.Statement {
    let stmt = this.cached.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.cached.set(sql, stmt);
    }
    return stmt;
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)();
  }

  /** Records a batch of import results for a job in one transaction. */
  recordImported(
    jobId: number,
    items: (
      | { kind: 'ok'; file: ImportedFile }
      | { kind: 'failed'; path: string; root: string; size: number; message: string }
      | { kind: 'content-id'; path: string; contentId: string }
    )[],
  ): void {
    const tx = this.sqlite.transaction(() => {
      for (const item of items) {
        if (item.kind === 'content-id') {
          this.setContentId.run(item.contentId, item.path);
        } else if (item.kind === 'ok') {
          const f = item.file;
          this.forgetStaleOutput.run({ path: f.path, sha256: f.sha256 });
          this.upsertStmt.run({
            path: f.path,
            pathBytes: f.pathBytes ? decodePathBytes(f.pathBytes) : null,
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
            cameraModel: f.cameraModel ?? null,
            // Hashed in the background (similar-indexer.ts), never by the import.
            perceptualHash: null,
            // Live Photo pairing: the file's own read; a still's later one comes as a content-id item.
            contentId: f.contentId ?? null,
          });
          const id = this.idByPath.get(f.path) as number;
          this.linkStmt.run(jobId, id, 'done', f.warning);
          this.fileTagClear.run(id);
          for (const tag of f.tags) {
            this.tagInsert.run(tag);
            this.fileTagInsert.run(id, this.tagId.get(tag));
          }
          this.recordSidecars(id, f);
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

  private recordSidecars(fileId: number, f: ImportedFile): void {
    const sidecars = f.sidecars ?? [];
    this.sidecarPrune.run(fileId, JSON.stringify(sidecars.map((s) => s.path)));
    for (const s of sidecars) {
      const changed = this.sqlite.prepare('SELECT sha256 FROM sidecars WHERE path = ?').pluck().get(s.path) as string | undefined;
      if (changed !== undefined && changed !== s.sha256) {
        this.sqlite.prepare('DELETE FROM sidecar_copies WHERE sidecar_id = (SELECT id FROM sidecars WHERE path = ?)').run(s.path);
      }
      this.sidecarUpsert.run({ fileId, path: s.path, kind: s.kind, suffix: s.suffix, size: s.size, sha256: s.sha256 });
    }
  }

  /** The sidecars linked to a file (its details list them). */
  sidecarsOf(fileId: number): { path: string; kind: string; suffix: string; size: number }[] {
    return this.sqlite.prepare('SELECT path, kind, suffix, size FROM sidecars WHERE file_id = ? ORDER BY path').all(fileId) as {
      path: string;
      kind: string;
      suffix: string;
      size: number;
    }[];
  }

  /**
   * Recomputes the export groups (Live Photos, RAW+JPEG; main/rules/groups.ts) over the
   * whole library: a group's members get `group_main`, everything else null.
   */
  recomputeExportGroups(): void {
    const rows = this.sqlite
      .prepare(
        `SELECT id, original_path AS path, COALESCE(final_at, detected_at) AS local, content_id AS contentId
         FROM files WHERE sha256 IS NOT NULL ORDER BY original_path`,
      )
      .all() as GroupInput[];
    const groups = findExportGroups(rows);
    const clear = this.sqlite.prepare('UPDATE files SET group_main = NULL WHERE group_main IS NOT NULL');
    const set = this.sqlite.prepare('UPDATE files SET group_main = ? WHERE id = ?');
    this.sqlite.transaction(() => {
      clear.run();
      for (const g of groups) for (const m of g.members) set.run(g.main, m);
    })();
  }

  /** Files with the same sha256 form a group named by the lowest id among them. */
  recomputeDuplicateGroups(): void {
    this.sqlite.exec(`
      UPDATE files SET duplicate_group = NULL WHERE duplicate_group IS NOT NULL;
      UPDATE files SET duplicate_group = (SELECT MIN(f2.id) FROM files f2 WHERE f2.sha256 = files.sha256)
      WHERE sha256 IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL GROUP BY sha256 HAVING COUNT(*) > 1);`);
  }

  list(q: ListQuery): { items: FileSummary[]; total: number } {
    const { where, params } = refinementSql(q);
    if (q.filter !== 'all') where.unshift(FILTER_SQL[q.filter]);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = q.filter === 'duplicates' ? `f.duplicate_group, f.id` : `${EFFECTIVE_TS_SQL}, f.original_name, f.id`;
    const countSql = `SELECT COUNT(*) FROM files f ${whereSql}`;
    const total = this.whileUnchanged(`total ${countSql} ${JSON.stringify(params)}`, () => this.prepared(countSql).pluck().get(params) as number);
    const rows = this.prepared(`${SELECT_FILE} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: q.limit,
      offset: q.offset,
    }) as FileRow[];
    return { items: rows.map(toFileSummary), total };
  }

  /** The original's exact path bytes, base64, when its path is not valid UTF-8 (core/byte-names.ts). */
  pathBytes(id: number): string | undefined {
    const bytes = this.prepared('SELECT original_path_bytes FROM files WHERE id = ?').pluck().get(id) as Buffer | null | undefined;
    return bytes ? encodePathBytes(bytes) : undefined;
  }

  /** How many files each filter would show with these refinements, in one pass. */
  counts(q: Refinements): Record<FileFilter, number> {
    const { where, params } = refinementSql(q);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const names = Object.keys(FILTER_SQL) as FileFilter[];
    const columns = names.map((n, i) => `COALESCE(SUM(CASE WHEN ${FILTER_SQL[n]} THEN 1 ELSE 0 END), 0) AS c${i}`).join(', ');
    const sql = `SELECT ${columns} FROM files f ${whereSql}`;
    return this.whileUnchanged(`counts ${sql} ${JSON.stringify(params)}`, () => {
      const row = this.prepared(sql).get(params) as Record<string, number>;
      return Object.fromEntries(names.map((n, i) => [n, row[`c${i}`] ?? 0])) as Record<FileFilter, number>;
    });
  }

  /** Every folder that directly holds files, with how many (the UI builds the tree). */
  folders(): { path: string; count: number }[] {
    // rtrim(p, <p without '/'>) cuts the name after the last '/', leaving the folder.
    const sql = `SELECT rtrim(rtrim(original_path, replace(original_path, '/', '')), '/') AS path, COUNT(*) AS count
       FROM files GROUP BY path ORDER BY path`;
    return this.whileUnchanged(`folders ${sql}`, () => this.prepared(sql).all() as { path: string; count: number }[]);
  }

  /** The list's days in list order (the timeline's headers), with their suspicious files. */
  timeline(q: Refinements & { filter: FileFilter }): TimelineDay[] {
    const { where, params } = refinementSql(q);
    if (q.filter !== 'all') where.unshift(FILTER_SQL[q.filter]);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const ts = 'COALESCE(f.final_at, f.detected_at)';
    const sql = `SELECT substr(${ts}, 1, 10) AS day, COUNT(*) AS count,
         SUM(CASE WHEN f.final_at IS NULL AND f.detected_source = 'file-mtime' THEN 1 ELSE 0 END) AS fileTimeOnly,
         SUM(CASE WHEN f.final_at IS NULL AND f.confidence = 'low' THEN 1 ELSE 0 END) AS unsure,
         SUM(CASE WHEN substr(${ts}, 6, 14) = '01-01T00:00:00' AND f.final_precision IS NULL THEN 1 ELSE 0 END) AS placeholder
       FROM files f ${whereSql} GROUP BY day ORDER BY day IS NULL, day`;
    return this.whileUnchanged(`timeline ${sql} ${JSON.stringify(params)}`, () => this.prepared(sql).all(params) as TimelineDay[]);
  }

  /**
   * What an import did: files new to the library, files it already knew (same path, imported
   * before this job was created), and files that failed (what the scan skipped: jobs-repo importSkipped).
   */
  importStats(jobId: number, jobCreatedAt: string): { new: number; known: number; failed: number } {
    const row = this.sqlite
      .prepare(
        `SELECT
           COALESCE(SUM(CASE WHEN jf.status = 'done' AND f.created_at >= @since THEN 1 ELSE 0 END), 0) AS new,
           COALESCE(SUM(CASE WHEN jf.status = 'done' AND f.created_at < @since THEN 1 ELSE 0 END), 0) AS known,
           COALESCE(SUM(CASE WHEN jf.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
         FROM job_files jf JOIN files f ON f.id = jf.file_id WHERE jf.job_id = @jobId`,
      )
      .get({ jobId, since: jobCreatedAt }) as { new: number; known: number; failed: number };
    return row;
  }

  getRow(id: number): FileRow | null {
    return (this.prepared(`${SELECT_FILE} WHERE f.id = ?`).get(id) as FileRow | undefined) ?? null;
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
    return this.setFinalEach(ids.map((id) => [id, ct]));
  }

  /** Sets each file's own final time (or clears it) in one transaction. */
  setFinalEach(entries: [id: number, ct: CaptureTime | null][]): number {
    const stmt = this.sqlite.prepare(
      `UPDATE files SET final_at = ?, final_offset = ?, final_precision = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
    );
    const at = nowIso();
    let n = 0;
    this.sqlite.transaction(() => {
      for (const [id, ct] of entries) {
        const precision = ct?.precision && ct.precision !== 'second' ? ct.precision : null;
        n += stmt.run(ct?.local ?? null, ct?.offset ?? null, precision, at, at, id).changes;
      }
    })();
    return n;
  }

  /** The ids that exist among `ids`, in name order (then id), as a person reading the list sees them. */
  inNameOrder(ids: number[]): number[] {
    const found: number[] = [];
    const stmt = this.sqlite.prepare(`SELECT id FROM files WHERE id IN (SELECT value FROM json_each(?)) ORDER BY original_name, original_path, id`).pluck();
    // json_each keeps one statement for any number of ids (SQLite limits bound parameters).
    for (const id of stmt.all(JSON.stringify(ids)) as number[]) found.push(id);
    return found;
  }

  setDiscarded(ids: number[], discarded: boolean): number {
    const stmt = this.sqlite.prepare(`UPDATE files SET discarded = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`);
    const at = nowIso();
    let n = 0;
    this.sqlite.transaction(() => {
      for (const id of ids) n += stmt.run(discarded ? 1 : 0, at, at, id).changes;
      // Discarding a group's main file discards the group (a Live Photo's video, a RAW's JPEG).
      if (discarded) {
        this.sqlite
          .prepare(`UPDATE files SET discarded = 1, reviewed_at = ?, updated_at = ? WHERE discarded = 0 AND group_main IN (SELECT value FROM json_each(?))`)
          .run(at, at, JSON.stringify(ids));
      }
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
