/**
 * Camera clock corrections (see shared/date-shift.ts): which files a target names, what a
 * correction would do to them, and the applied corrections with each file's previous final time,
 * so an undo puts back exactly what was there.
 */
import type Database from 'better-sqlite3';
import { formatCaptureTime } from '../../../shared/capture-time.js';
import {
  folderOf,
  formatShiftOffset,
  sessionOf,
  shiftLocal,
  type ShiftPreview,
  type ShiftPreviewItem,
  type ShiftRecord,
  type ShiftTarget,
  type ShiftUndone,
} from '../../../shared/date-shift.js';
import { err, ok, type Result } from '../../../shared/errors.js';
import { relativePathFor } from '../../../shared/naming.js';
import { DEFAULT_TEMPLATE, planName, type NameTemplate } from '../../../shared/name-template.js';
import { nowIso } from './jobs-repo.js';

/** What a correction needs to know of a file. */
export interface ShiftRow {
  id: number;
  original_name: string;
  original_path: string;
  camera_model: string | null;
  final_at: string | null;
  final_offset: string | null;
  detected_at: string | null;
  detected_offset: string | null;
  reviewed_at: string | null;
}

const COLUMNS = 'f.id, f.original_name, f.original_path, f.camera_model, f.final_at, f.final_offset, f.detected_at, f.detected_offset, f.reviewed_at';
/** The time a correction starts from: the user's, else the detected one (the same the export names a file by). */
const effective = (r: ShiftRow): { local: string; offset: string | null } | null =>
  r.final_at !== null ? { local: r.final_at, offset: r.final_offset } : r.detected_at !== null ? { local: r.detected_at, offset: r.detected_offset } : null;

/** Preview rows sent to the UI and the CLI; the total is always counted in full. */
export const PREVIEW_ITEMS = 500;

/** The files a target names, with a sentence saying which. */
export interface ResolvedTarget {
  rows: ShiftRow[];
  description: string;
}

interface Planned {
  row: ShiftRow;
  before: { local: string; offset: string | null };
  afterLocal: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export class ShiftsRepo {
  constructor(
    private readonly sqlite: Database.Database,
    /** The naming template the archive names in the preview follow (the setting's). */
    private readonly nameTemplate: () => NameTemplate = () => DEFAULT_TEMPLATE,
  ) {}

  getFile(id: number): ShiftRow | null {
    return (this.sqlite.prepare(`SELECT ${COLUMNS} FROM files f WHERE f.id = ?`).get(id) as ShiftRow | undefined) ?? null;
  }

  resolve(target: ShiftTarget): Result<ResolvedTarget> {
    switch (target.kind) {
      case 'files': {
        const ids = [...new Set(target.ids)];
        const rows: ShiftRow[] = [];
        const stmt = this.sqlite.prepare(`SELECT ${COLUMNS} FROM files f WHERE f.id = ?`);
        for (const id of ids) {
          const row = stmt.get(id) as ShiftRow | undefined;
          if (!row) return err('not-found', `There is no file ${id}.`);
          rows.push(row);
        }
        return ok({ rows, description: ids.length === 1 ? `file ${rows[0]!.original_name}` : `${plural(ids.length, 'chosen file')}` });
      }
      case 'camera': {
        if (target.jobId !== undefined) {
          const job = this.importJob(target.jobId);
          if (!job.ok) return job;
        }
        const rows = this.sqlite
          .prepare(
            `SELECT ${COLUMNS} FROM files f WHERE f.camera_model = @model
             AND (@jobId IS NULL OR EXISTS (SELECT 1 FROM job_files jf WHERE jf.file_id = f.id AND jf.job_id = @jobId))`,
          )
          .all({ model: target.model, jobId: target.jobId ?? null }) as ShiftRow[];
        if (rows.length === 0) return err('not-found', `No file${target.jobId !== undefined ? ` of import ${target.jobId}` : ''} was taken with a camera named "${target.model}".`);
        return ok({ rows, description: `every file from ${target.model}${target.jobId !== undefined ? ` in import ${target.jobId}` : ''}` });
      }
      case 'folder': {
        const folder = target.folder.replace(/[/\\]+$/, '');
        // The LIKE narrows to the folder's tree; the exact parent is checked after, for either separator.
        const rows = (
          this.sqlite
            .prepare(`SELECT ${COLUMNS} FROM files f WHERE substr(f.original_path, 1, length(@folder) + 1) IN (@folder || '/', @folder || '\\')`)
            .all({ folder }) as ShiftRow[]
        ).filter((r) => folderOf(r.original_path) === folder);
        if (rows.length === 0) return err('not-found', `No imported file is directly inside "${folder}".`);
        return ok({ rows, description: `every file in ${folder}` });
      }
      case 'job': {
        const job = this.importJob(target.jobId);
        if (!job.ok) return job;
        const rows = this.sqlite
          .prepare(`SELECT ${COLUMNS} FROM files f JOIN job_files jf ON jf.file_id = f.id WHERE jf.job_id = ?`)
          .all(target.jobId) as ShiftRow[];
        return ok({ rows, description: `every file of import ${target.jobId}` });
      }
      case 'import-of': {
        const file = this.getFile(target.fileId);
        if (!file) return err('not-found', `There is no file ${target.fileId}.`);
        const jobId = this.sqlite
          .prepare(`SELECT MAX(jf.job_id) FROM job_files jf JOIN jobs j ON j.id = jf.job_id WHERE jf.file_id = ? AND j.type = 'import'`)
          .pluck()
          .get(target.fileId) as number | null;
        if (jobId === null) return err('not-found', `No import lists ${file.original_name}.`);
        return this.resolve({ kind: 'job', jobId });
      }
      case 'session': {
        const anchor = this.getFile(target.fileId);
        if (!anchor) return err('not-found', `There is no file ${target.fileId}.`);
        const folder = folderOf(anchor.original_path);
        const candidates = (
          this.sqlite
            .prepare(
              `SELECT ${COLUMNS} FROM files f WHERE f.camera_model IS @model
               AND substr(f.original_path, 1, length(@folder) + 1) IN (@folder || '/', @folder || '\\')`,
            )
            .all({ model: anchor.camera_model, folder }) as ShiftRow[]
        ).filter((r) => folderOf(r.original_path) === folder);
        const byId = new Map(candidates.map((r) => [r.id, r]));
        const ids = sessionOf(
          anchor.id,
          candidates.map((r) => ({ id: r.id, cameraModel: r.camera_model, folder, local: effective(r)?.local ?? null })),
        );
        const rows = ids.map((id) => byId.get(id)!);
        return ok({
          rows,
          description: `the session of ${anchor.original_name} (${anchor.camera_model ?? 'unknown camera'} in ${folder})`,
        });
      }
      default: {
        const never: never = target;
        throw new Error(`unknown shift target ${JSON.stringify(never)}`);
      }
    }
  }

  private importJob(jobId: number): Result<number> {
    const job = this.sqlite.prepare('SELECT type FROM jobs WHERE id = ?').get(jobId) as { type: string } | undefined;
    if (!job) return err('not-found', `There is no job ${jobId}.`);
    if (job.type !== 'import') return err('invalid-argument', `Job ${jobId} is an export, not an import.`);
    return ok(jobId);
  }

  private plan(rows: ShiftRow[], deltaMs: number): { planned: Planned[]; undated: number; outOfRange: number } {
    const planned: Planned[] = [];
    let undated = 0;
    let outOfRange = 0;
    for (const row of rows) {
      const before = effective(row);
      if (before === null) {
        undated++;
        continue;
      }
      const afterLocal = shiftLocal(before.local, deltaMs);
      if (afterLocal === null) {
        outOfRange++;
        continue;
      }
      planned.push({ row, before, afterLocal });
    }
    planned.sort((a, b) => (a.before.local < b.before.local ? -1 : a.before.local > b.before.local ? 1 : a.row.id - b.row.id));
    return { planned, undated, outOfRange };
  }

  preview(resolved: ResolvedTarget, deltaMs: number): ShiftPreview {
    const { planned, undated, outOfRange } = this.plan(resolved.rows, deltaMs);
    const template = this.nameTemplate();
    const tagsOf = this.sqlite.prepare('SELECT t.name FROM file_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.file_id = ?').pluck();
    const name = (row: ShiftRow, local: string, offset: string | null): string =>
      relativePathFor(
        planName({ timestamp: { local, offset }, originalName: row.original_name, cameraModel: row.camera_model, tags: template.source.includes('{tag}') ? (tagsOf.all(row.id) as string[]).sort() : [] }, template),
        0,
      );
    const items: ShiftPreviewItem[] = planned.slice(0, PREVIEW_ITEMS).map(({ row, before, afterLocal }) => ({
      id: row.id,
      originalName: row.original_name,
      originalPath: row.original_path,
      cameraModel: row.camera_model,
      before: formatCaptureTime(before),
      after: formatCaptureTime({ local: afterLocal, offset: before.offset }),
      beforeName: name(row, before.local, before.offset),
      afterName: name(row, afterLocal, before.offset),
    }));
    return { deltaMs, delta: formatShiftOffset(deltaMs), total: planned.length, items, undated, outOfRange, description: resolved.description };
  }

  /** Applies a correction in one transaction and records it; the files become "set by you". */
  apply(resolved: ResolvedTarget, deltaMs: number): { shiftId: number; updated: number } {
    const { planned } = this.plan(resolved.rows, deltaMs);
    const at = nowIso();
    return this.sqlite.transaction(() => {
      const shiftId = Number(
        this.sqlite.prepare('INSERT INTO date_shifts (delta_ms, description, created_at) VALUES (?, ?, ?)').run(deltaMs, resolved.description, at)
          .lastInsertRowid,
      );
      const remember = this.sqlite.prepare(
        `INSERT INTO date_shift_files (shift_id, file_id, prev_final_at, prev_final_offset, prev_reviewed_at, new_final_at, new_final_offset)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const update = this.sqlite.prepare('UPDATE files SET final_at = ?, final_offset = ?, reviewed_at = ?, updated_at = ? WHERE id = ?');
      for (const { row, before, afterLocal } of planned) {
        remember.run(shiftId, row.id, row.final_at, row.final_offset, row.reviewed_at, afterLocal, before.offset);
        update.run(afterLocal, before.offset, at, at, row.id);
      }
      return { shiftId, updated: planned.length };
    })();
  }

  /**
   * Puts back each file's final time as it was before the correction. A file whose time changed
   * again since (edited by hand, or shifted once more) keeps its newer time.
   */
  undo(shiftId: number): Result<ShiftUndone> {
    const shift = this.sqlite.prepare('SELECT id, undone_at FROM date_shifts WHERE id = ?').get(shiftId) as { id: number; undone_at: string | null } | undefined;
    if (!shift) return err('not-found', `There is no clock correction ${shiftId}.`);
    if (shift.undone_at !== null) return err('conflict', `Clock correction ${shiftId} was already undone (${shift.undone_at}).`);
    const at = nowIso();
    return ok(
      this.sqlite.transaction(() => {
        // Only a row still holding exactly what the correction wrote is restored.
        const restored = this.sqlite
          .prepare(
            `UPDATE files SET final_at = s.prev_final_at, final_offset = s.prev_final_offset, reviewed_at = s.prev_reviewed_at, updated_at = @at
             FROM date_shift_files s
             WHERE s.shift_id = @shiftId AND s.file_id = files.id AND files.final_at IS s.new_final_at AND files.final_offset IS s.new_final_offset`,
          )
          .run({ shiftId, at }).changes;
        const total = this.sqlite.prepare('SELECT COUNT(*) FROM date_shift_files WHERE shift_id = ?').pluck().get(shiftId) as number;
        this.sqlite.prepare('UPDATE date_shifts SET undone_at = ? WHERE id = ?').run(at, shiftId);
        return { shiftId, restored, changedSince: total - restored };
      })(),
    );
  }

  /** The corrections, newest first. */
  list(limit: number): ShiftRecord[] {
    const rows = this.sqlite
      .prepare(
        `SELECT d.id, d.delta_ms, d.description, d.created_at, d.undone_at, (SELECT COUNT(*) FROM date_shift_files s WHERE s.shift_id = d.id) AS n
         FROM date_shifts d ORDER BY d.id DESC LIMIT ?`,
      )
      .all(limit) as { id: number; delta_ms: number; description: string; created_at: string; undone_at: string | null; n: number }[];
    return rows.map((r) => ({
      id: r.id,
      deltaMs: r.delta_ms,
      delta: formatShiftOffset(r.delta_ms),
      description: r.description,
      fileCount: r.n,
      createdAt: r.created_at,
      undoneAt: r.undone_at,
    }));
  }
}
