/**
 * Camera clock correction: the offset grammar, the "session" rule and the shapes the contract,
 * the CLI and the UI share. Pure TypeScript (no node:*, no DOM).
 *
 * A shift moves each file's capture time (the final one, else the detected one) by the same
 * wall-clock amount; the UTC offset stays as it was, because a camera set to the wrong time
 * still knew nothing more about its zone. Undated files cannot be shifted and are counted apart.
 */
import { localDiffMs } from './capture-time.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: Unit[] = ['d', 'h', 'm', 's'];

/** Shifts larger than this are typing mistakes, not clock errors (and would leave the calendar). */
export const MAX_SHIFT_MS = 100 * 365 * UNIT_MS.d;

/**
 * Parses a clock correction: an optional sign (none means later), then one or more
 * `<number><unit>` parts in the order d, h, m, s, each at most once, separated by spaces or not:
 * `+1h`, `-8h`, `+1d 2h 3m`, `-1h30m`, `90m`, `+0d 0h 45s`. Also `+HH:MM` / `-HH:MM[:SS]`,
 * the way time-zone offsets are written (`-08:00`). The sign applies to the whole amount.
 */
export function parseShiftOffset(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const usage = `"${text}" is not a clock correction (write it like +1h, -8h or +1d 2h 3m).`;
  const t = text.trim().toLowerCase();
  const colon = /^([+-])?(\d{1,4}):([0-5]\d)(?::([0-5]\d))?$/.exec(t);
  if (colon) {
    const ms = (Number(colon[2]) * 60 + Number(colon[3])) * 60_000 + Number(colon[4] ?? '0') * 1000;
    return finish(colon[1] === '-' ? -ms : ms, usage);
  }
  const m = /^([+-])?\s*(.*)$/.exec(t);
  const body = m?.[2] ?? '';
  if (body === '') return { ok: false, message: usage };
  const part = /(\d{1,6})\s*([dhms])\s*/y;
  let at = 0;
  let last = -1;
  let ms = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const p = part.exec(body);
    if (!p) return { ok: false, message: usage };
    const unit = p[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= last) return { ok: false, message: `${usage} Give each of d, h, m, s at most once, largest first.` };
    last = rank;
    ms += Number(p[1]) * UNIT_MS[unit];
    at = part.lastIndex;
  }
  return finish(m?.[1] === '-' ? -ms : ms, usage);
}

function finish(ms: number, usage: string): { ok: true; ms: number } | { ok: false; message: string } {
  if (!Number.isFinite(ms)) return { ok: false, message: usage };
  if (Math.abs(ms) > MAX_SHIFT_MS) return { ok: false, message: 'A clock correction of more than 100 years is surely a typing mistake.' };
  // -0 would print as "+0m" yet compare as a change in some places; there is only one zero.
  return { ok: true, ms: ms === 0 ? 0 : ms };
}

/** `+1d 2h 3m`, `-8h`, `+45s`, `0m` for no change: what parseShiftOffset reads back to the same amount. */
export function formatShiftOffset(ms: number): string {
  if (ms === 0) return '0m';
  let rest = Math.abs(Math.round(ms / 1000)) * 1000;
  const parts: string[] = [];
  for (const unit of UNIT_ORDER) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    rest -= n * UNIT_MS[unit];
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return (ms < 0 ? '-' : '+') + parts.join(' ');
}

/**
 * A canonical local time (`YYYY-MM-DDTHH:MM:SS.mmm`) moved by `ms` of wall-clock time; null when
 * the result leaves the years 1..9999.
 */
export function shiftLocal(local: string, ms: number): string | null {
  const t = Date.parse(local + 'Z');
  if (!Number.isFinite(t)) return null;
  const d = new Date(t + ms);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return null;
  // toISOString writes years outside 0..9999 with a sign; these are inside.
  return d.toISOString().slice(0, 23);
}

/** The correction that turns `from` into `to` (both canonical local times). */
export function correctionBetween(from: string, to: string): number {
  return localDiffMs(to, from);
}

/**
 * A camera session: the photos one camera took in one go, which share one clock error.
 *
 * The rule: starting from the photo the user corrected, the files with the same camera model
 * (files without a known model count as one unknown camera) in the same folder, in time order,
 * taken while no gap between consecutive shots exceeds SESSION_GAP_MS. A camera keeps the wrong
 * time until someone sets it, so overnight pauses on a trip stay inside the session; a longer
 * silence usually means another outing, possibly after the clock was fixed. Another camera's
 * files in the same folder (a phone beside the camera) are never part of it.
 */
export const SESSION_GAP_MS = 24 * UNIT_MS.h;

export interface SessionFile {
  id: number;
  cameraModel: string | null;
  /** The folder holding the original (its path without the file name). */
  folder: string;
  /** Effective capture time (canonical local), null when undated. */
  local: string | null;
}

/** The ids of `anchorId`'s session among `files` (the anchor included), in time order. */
export function sessionOf(anchorId: number, files: readonly SessionFile[], gapMs = SESSION_GAP_MS): number[] {
  const anchor = files.find((f) => f.id === anchorId);
  if (!anchor || anchor.local === null) return anchor ? [anchor.id] : [];
  const same = files
    .filter((f): f is SessionFile & { local: string } => f.local !== null && f.cameraModel === anchor.cameraModel && f.folder === anchor.folder)
    .sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : a.id - b.id));
  const at = same.findIndex((f) => f.id === anchorId);
  let first = at;
  while (first > 0 && localDiffMs(same[first]!.local, same[first - 1]!.local) <= gapMs) first--;
  let last = at;
  while (last < same.length - 1 && localDiffMs(same[last + 1]!.local, same[last]!.local) <= gapMs) last++;
  return same.slice(first, last + 1).map((f) => f.id);
}

/** The folder part of an original path, for either separator. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '' : path.slice(0, cut);
}

/** Which files a correction applies to. */
export type ShiftTarget =
  | { kind: 'files'; ids: number[] }
  /** Every file from this camera model (optionally only those of one import). */
  | { kind: 'camera'; model: string; jobId?: number | undefined }
  /** Every file directly inside this folder of the originals. */
  | { kind: 'folder'; folder: string }
  /** Every file of one import job. */
  | { kind: 'job'; jobId: number }
  /** Every file of the newest import that brought this file in (the UI's "this import"). */
  | { kind: 'import-of'; fileId: number }
  /** The session (see sessionOf) of one file. */
  | { kind: 'session'; fileId: number };

/** How much to correct: a typed offset, or "this file was really taken at `timestamp`". */
export type ShiftChange = { kind: 'offset'; offset: string } | { kind: 'actual'; fileId: number; timestamp: string };

export interface ShiftPreviewItem {
  id: number;
  originalName: string;
  originalPath: string;
  cameraModel: string | null;
  /** ISO 8601 as in FileSummary, before and after. */
  before: string;
  after: string;
  /** Archive path before and after, before any `_001` suffix the export may add (`2019/20190514_103000.jpg`). */
  beforeName: string;
  afterName: string;
}

export interface ShiftPreview {
  deltaMs: number;
  /** The correction as text (`+1d 2h 3m`). */
  delta: string;
  /** Files that will move. */
  total: number;
  /** The first of them, in time order (the UI and the CLI show these). */
  items: ShiftPreviewItem[];
  /** Files in the target without any date: nothing to correct. */
  undated: number;
  /** Files whose corrected time would leave the calendar: left as they are. */
  outOfRange: number;
  /** What the target was, in words (`3 files from Canon EOS 5D in /photos/trip`). */
  description: string;
}

export interface ShiftApplied extends ShiftPreview {
  shiftId: number;
  /** Files whose time was changed. */
  updated: number;
}

export interface ShiftUndone {
  shiftId: number;
  /** Files back at exactly the time they had before the shift. */
  restored: number;
  /** Files whose time was changed again after the shift: left as they are. */
  changedSince: number;
}

/** One correction as the history lists it. */
export interface ShiftRecord {
  id: number;
  deltaMs: number;
  delta: string;
  description: string;
  fileCount: number;
  createdAt: string;
  undoneAt: string | null;
}
