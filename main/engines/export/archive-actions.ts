/**
 * What the export does in an archive besides copying: deciding, per file and in export order,
 * whether the archive already holds it (as the library or the archive's manifest says), renaming a
 * copy whose date changed, setting aside a copy whose bytes changed, and making results durable
 * before the runner records them.
 *
 * Blocking file I/O: runs in the export worker thread only (no database).
 */
import * as fsSync from 'node:fs';
import path from 'node:path';
import { formatCaptureTime } from '../../../shared/capture-time.js';
import { isNameFor } from '../../../shared/naming.js';
import type { ExportItem, ExportOutcome, ExportWorkerMessage } from '../../protocol/workers.js';
import { appendManifest, readManifest, type ManifestRecord, type ManifestState } from '../archive/manifest.js';
import { sha256File, syncDirs, type ExportFs } from './copy.js';
import { targetOf } from '../../rules/companions.js';
import type { TargetPlan, TargetPlanner } from './targets.js';

type FileDone = Extract<ExportWorkerMessage, { type: 'file-done' }>;

/** What to do with one file, decided in export order (names are handed out in that order). */
export type ArchiveAction =
  /** Nothing to write: the copy at `relPath` is the file's (`present`: as recorded; `adopted`: found). */
  | { kind: 'keep'; outcome: 'present' | 'adopted'; relPath: string; sha256: string; size: number; mtimeMs: number }
  /** Follow the plan; with `renameFrom`, by renaming that copy instead of copying the original. */
  | { kind: 'plan'; plan: TargetPlan; renameFrom?: string; movedAside?: string };

const toAbs = (root: string, rel: string): string => path.join(root, ...rel.split('/'));

function lstatOrNull(fs: ExportFs, p: string): fsSync.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** A name beside `relPath` for a copy whose bytes changed: `<stem>_changed_<UTC time>[_n]<ext>`. */
function asideName(fs: ExportFs, root: string, relPath: string, now: Date): string {
  const dir = path.posix.dirname(relPath);
  const base = path.posix.basename(relPath);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : '';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  for (let n = 0; ; n++) {
    const candidate = `${dir}/${stem}_changed_${stamp}${n ? `_${n}` : ''}${ext}`;
    if (!lstatOrNull(fs, toAbs(root, candidate))) return candidate;
  }
}

/**
 * Renames without replacing: the target must not exist. Node has no renameat2(RENAME_NOREPLACE);
 * the check and the rename are two calls, which is safe because the archive has one writer (the
 * library lock) and MediaParser only ever targets names it planned as free.
 */
function renameNoReplace(fs: ExportFs, from: string, to: string): 'renamed' | 'exists' {
  if (lstatOrNull(fs, to)) return 'exists';
  fs.renameSync(from, to);
  return 'renamed';
}

export class ArchiveState {
  readonly manifest: ManifestState;
  /** An original's sha256 -> the paths the manifest holds copies of it at. */
  private readonly bySource = new Map<string, string[]>();
  /** Manifest paths a file of this run has adopted. */
  private readonly claimed = new Set<string>();

  constructor(
    readonly root: string,
    private readonly jobId: number,
    private readonly fs: ExportFs,
  ) {
    this.manifest = readManifest(root);
    for (const [p, r] of this.manifest.copies) {
      const source = r.sourceSha256 ?? r.sha256;
      const list = this.bySource.get(source);
      if (list) list.push(p);
      else this.bySource.set(source, [p]);
    }
  }

  abs(rel: string): string {
    return toAbs(this.root, rel);
  }

  /** The manifest record describing `item` at `relPath` (`sha256`/`size`: the copy's own bytes). */
  record(item: ExportItem, op: ManifestRecord['op'], relPath: string, sha256: string, size: number, from?: string): ManifestRecord {
    return {
      op,
      path: relPath,
      ...(from !== undefined ? { from } : {}),
      sha256,
      size,
      source: item.sourcePath,
      sourceSha256: item.sha256,
      captured: item.timestamp ? formatCaptureTime(item.timestamp) : null,
      captureSource: item.timestampSource,
      confidence: item.confidence,
      job: this.jobId,
      at: new Date().toISOString(),
    };
  }

  /** True when the manifest already lists these bytes at this path. */
  listed(relPath: string, sha256: string): boolean {
    return this.manifest.copies.get(relPath)?.sha256 === sha256;
  }

  /** Writes records at once (before a rename or a move aside: the manifest never lags a move). */
  appendNow(records: ManifestRecord[]): void {
    appendManifest(this.root, records, (fd) => this.fs.fsyncSync(fd));
    this.noteAppended(records);
  }

  noteAppended(records: readonly ManifestRecord[]): void {
    for (const r of records) {
      if (r.from !== undefined) this.manifest.copies.delete(r.from);
      if (r.op === 'aside') this.manifest.asides.set(r.path, r);
      else this.manifest.copies.set(r.path, r);
    }
  }

  /**
   * Decides what happens to `item` in this archive. Called for one file at a time, in export
   * order; hashes only a copy whose size or time no longer match what was recorded.
   */
  async decide(item: ExportItem, planner: TargetPlanner): Promise<ArchiveAction> {
    const planned = planner.planned(item);
    const recorded = item.archived;
    if (recorded) {
      const st = lstatOrNull(this.fs, this.abs(recorded.relPath));
      if (st?.isFile()) {
        let outcome: 'present' | 'adopted' | null = null;
        if (st.size === recorded.size && recorded.mtimeMs !== null && Math.floor(st.mtimeMs) === recorded.mtimeMs) {
          outcome = 'present';
        } else if (st.size === recorded.size && (await sha256File(this.abs(recorded.relPath), this.fs).catch(() => null)) === recorded.sha256) {
          // Same bytes, touched since: recorded again with its new time.
          outcome = 'adopted';
        }
        if (outcome !== null) {
          if (isNameFor(recorded.relPath, planned)) return { kind: 'keep', outcome, relPath: recorded.relPath, sha256: recorded.sha256, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
          return { kind: 'plan', plan: await planner.plan(targetOf(item)), renameFrom: recorded.relPath };
        }
        // Its bytes changed in the archive: keep that file under another name, then copy anew.
        const aside = asideName(this.fs, this.root, recorded.relPath, new Date());
        const asideSha = await sha256File(this.abs(recorded.relPath), this.fs).catch(() => '');
        this.appendNow([this.record(item, 'aside', aside, asideSha, st.size, recorded.relPath)]);
        if (renameNoReplace(this.fs, this.abs(recorded.relPath), this.abs(aside)) === 'renamed') {
          syncDirs([path.dirname(this.abs(aside))], this.fs);
          await planner.vacated(recorded.relPath);
          await planner.occupied(aside);
          return { kind: 'plan', plan: await planner.plan(targetOf(item)), movedAside: aside };
        }
      }
      // Missing from the archive (deleted by someone): copied again below.
    }
    // The archive's manifest may know these bytes: an archive adopted by a new library, or a copy
    // a crashed run renamed before the library recorded it.
    // Several copies of the same original (it had several dates): the one with this file's name
    // first, else one no other file of this run took.
    const paths = this.bySource.get(item.sha256) ?? [];
    const known = paths.find((p) => isNameFor(p, planned)) ?? paths.find((p) => !this.claimed.has(p));
    const listed = known === undefined ? undefined : this.manifest.copies.get(known);
    if (known !== undefined && listed !== undefined) {
      const st = lstatOrNull(this.fs, this.abs(known));
      if (st?.isFile() && st.size === listed.size && (await sha256File(this.abs(known), this.fs).catch(() => null)) === listed.sha256) {
        this.claimed.add(known);
        return { kind: 'keep', outcome: 'adopted', relPath: known, sha256: listed.sha256, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
      }
    }
    return { kind: 'plan', plan: await planner.plan(targetOf(item)) };
  }

  /** Renames the recorded copy to the planned name; 'exists' when that name was taken meanwhile. */
  rename(item: ExportItem, from: string, to: string): 'renamed' | 'exists' | 'missing' {
    const fromAbs = this.abs(from);
    const st = lstatOrNull(this.fs, fromAbs);
    if (!st?.isFile()) return 'missing';
    if (lstatOrNull(this.fs, this.abs(to))) return 'exists';
    const sha = item.archived?.relPath === from ? item.archived.sha256 : item.sha256;
    this.appendNow([this.record(item, 'move', to, sha, st.size, from)]);
    return renameNoReplace(this.fs, fromAbs, this.abs(to));
  }
}

/**
 * Results wait here until they are durable: the folders that gained names are synced and the
 * manifest records appended (and synced) before the runner hears of them, so the database never
 * lists a copy a power cut could take away. One sync per batch, not per file.
 */
/**
 * The folders to sync for a batch: each folder that gained or lost a name, and every folder above
 * it up to the archive root. A year folder (or a template's nested folders) made during the run is
 * a new name in its parent, which only an fsync of that parent makes durable; the root is synced
 * with every batch (one more fsync per batch, a few ms).
 */
export function withParents(dirs: Iterable<string>, root: string): string[] {
  const top = path.resolve(root);
  const out = new Set<string>();
  for (const dir of dirs) {
    out.add(dir);
    for (let p = path.dirname(path.resolve(dir)); p.startsWith(top + path.sep) || p === top; p = path.dirname(p)) {
      out.add(p);
      if (p === top) break;
    }
  }
  return [...out];
}

export class DurableResults {
  private results: FileDone[] = [];
  private readonly dirs = new Set<string>();
  private records: ManifestRecord[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly state: ArchiveState,
    private readonly post: (m: FileDone) => void,
    private readonly onError: (e: unknown) => void,
    private readonly fs: ExportFs,
    private readonly maxWaitMs = 200,
    private readonly maxBatch = 256,
  ) {}

  add(result: Omit<FileDone, 'type'>, dirAbs: string | null, record: ManifestRecord | readonly ManifestRecord[] | null): void {
    this.results.push({ type: 'file-done', ...result });
    if (dirAbs !== null) this.dirs.add(dirAbs);
    if (Array.isArray(record)) this.records.push(...(record as readonly ManifestRecord[]));
    else if (record !== null) this.records.push(record as ManifestRecord);
    if (this.results.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
  }

  /** A folder that lost a name (the old name of a renamed copy) is synced with the batch too. */
  syncWithBatch(dirAbs: string): void {
    this.dirs.add(dirAbs);
  }

  /** Syncs, appends the manifest, then reports. On failure nothing is reported (resume adopts the copies). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.results.length === 0) return;
    const results = this.results;
    const records = this.records;
    const dirs = [...this.dirs];
    this.results = [];
    this.records = [];
    this.dirs.clear();
    try {
      syncDirs(withParents(dirs, this.state.root), this.fs);
      if (records.length) this.state.appendNow(records);
    } catch (e) {
      this.onError(e);
      return;
    }
    for (const r of results) this.post(r);
  }
}

export type { ExportOutcome };
