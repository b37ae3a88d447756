/**
 * Sidecars: the files other programs keep beside a photo or video (`.xmp` edits and ratings,
 * Apple's `.aae` edits, camera `.thm` thumbnails, Google Takeout's `.json`). They are not library
 * items; each is linked to the media file it belongs to and exported with it, under its base name.
 *
 * Matching is by name within one folder, case-insensitively, as the programs that write them do.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openSync } from 'node:fs';
import path from 'node:path';
import { ORIGINAL_OPEN_FLAGS } from '../originals.js';

import type { ImportedSidecar, MatchedSidecar, SidecarKind } from '../../protocol/workers.js';

export type { ImportedSidecar, MatchedSidecar, SidecarKind };

export interface SidecarCandidate {
  path: string;
  size: number;
}


const RAW_EXTS = new Set(['cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'raf', 'rw2', 'orf', 'pef', 'srw', 'x3f']);
const VIDEO_EXTS = new Set(['mov', 'qt', 'mp4', 'm4v', '3gp', '3g2', 'avi', 'mts', 'm2ts', 'm2t', 'mkv']);
const SUPPLEMENTAL = 'supplemental-metadata';
const TAKEOUT_ALBUM_FILES = new Set(['metadata.json', 'print-subscriptions.json', 'shared_album_comments.json', 'user-generated-memory-titles.json']);

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The kind of sidecar a file name could be, or null (decided by name alone, before matching). */
export function sidecarKind(name: string): SidecarKind | null {
  const ext = extOf(name);
  if (ext === 'xmp') return 'xmp';
  if (ext === 'aae') return 'aae';
  if (ext === 'thm') return 'thm';
  // Takeout names its JSON after the media file (`IMG_1.JPG.json`, or cut short); its album files are no sidecars.
  if (ext === 'json' && !TAKEOUT_ALBUM_FILES.has(name.toLowerCase())) return 'takeout';
  return null;
}

/** Takeout numbers a duplicate `IMG(1).JPG`; its JSON is `IMG.JPG(1).json`. Returns [name without it, n]. */
function splitDuplicateNumber(name: string): [string, string] {
  const m = /^(.*)\((\d+)\)(\.[^.]*)?$/.exec(name);
  if (!m) return [name, ''];
  return [m[1]! + (m[3] ?? ''), m[2]!];
}

/** Media files of one folder, for matching. */
class FolderMedia {
  readonly byName = new Map<string, string>();
  readonly byStem = new Map<string, string[]>();
  readonly normalized: { name: string; base: string; dup: string }[] = [];

  constructor(names: string[]) {
    for (const name of [...names].sort()) {
      const lower = name.toLowerCase();
      this.byName.set(lower, name);
      const stem = stemOf(lower);
      const list = this.byStem.get(stem) ?? [];
      list.push(name);
      this.byStem.set(stem, list);
      const [base, dup] = splitDuplicateNumber(lower);
      this.normalized.push({ name, base, dup });
    }
  }

  /** The file with this stem, preferring the kinds `prefer` accepts (a RAW for `.xmp`, a video for `.thm`). */
  stem(stem: string, prefer: (ext: string) => boolean): string | null {
    const list = this.byStem.get(stem.toLowerCase());
    if (!list) return null;
    return list.find((n) => prefer(extOf(n))) ?? list[0]!;
  }
}

function matchTakeout(name: string, media: FolderMedia): string | null {
  let core = stemOf(name).toLowerCase();
  const exact = media.byName.get(core);
  if (exact) return exact;
  const dupMatch = /^(.*)\((\d+)\)$/.exec(core);
  let dup = '';
  if (dupMatch) {
    core = dupMatch[1]!;
    dup = dupMatch[2]!;
  }
  // `.supplemental-metadata`, or what is left of it after Takeout's 51-character limit.
  const dot = core.lastIndexOf('.');
  if (dot > 0) {
    const last = core.slice(dot + 1);
    if (last.length > 0 && SUPPLEMENTAL.startsWith(last)) core = core.slice(0, dot);
  }
  const same = media.normalized.filter((m) => m.dup === dup && m.base === core);
  if (same.length === 1) return same[0]!.name;
  // The media name itself was cut short: accept a unique, long enough prefix.
  if (core.length < 8) return null;
  const prefixed = media.normalized.filter((m) => m.dup === dup && m.base.startsWith(core));
  return prefixed.length === 1 ? prefixed[0]!.name : null;
}

/** The media file (name) a sidecar belongs to, and the suffix it gets in the archive. */
function matchSidecar(name: string, media: FolderMedia): { owner: string; suffix: string } | null {
  const kind = sidecarKind(name);
  const core = stemOf(name);
  switch (kind) {
    case 'xmp': {
      const exact = media.byName.get(core.toLowerCase());
      if (exact) return { owner: exact, suffix: `.${extOf(exact)}.xmp` };
      const owner = media.stem(core, (e) => RAW_EXTS.has(e));
      return owner ? { owner, suffix: '.xmp' } : null;
    }
    case 'aae': {
      const isStill = (e: string): boolean => !VIDEO_EXTS.has(e) && !RAW_EXTS.has(e);
      // Apple also writes `IMG_O1234.AAE` (and other tools `name_O.aae`) for the original's edits.
      const stems = [core, core.replace(/_O$/i, ''), core.replace(/^([A-Za-z]+)_O(\d+)$/, '$1_$2')];
      for (const s of stems) {
        const owner = media.stem(s, isStill);
        if (owner) return { owner, suffix: '.aae' };
      }
      return null;
    }
    case 'thm': {
      const owner = media.stem(core, (e) => VIDEO_EXTS.has(e));
      return owner ? { owner, suffix: '.thm' } : null;
    }
    case 'takeout': {
      const owner = matchTakeout(name, media);
      return owner ? { owner, suffix: `.${extOf(owner)}.json` } : null;
    }
    default:
      return null;
  }
}

/**
 * Links each sidecar to a media file of the same folder. Returns media path -> its sidecars;
 * a sidecar nothing matches is left out (it stays where it is, like any other non-media file).
 */
export function matchSidecars(mediaPaths: readonly string[], candidates: readonly SidecarCandidate[]): Map<string, MatchedSidecar[]> {
  const byDir = new Map<string, string[]>();
  for (const p of mediaPaths) {
    const dir = path.dirname(p);
    const list = byDir.get(dir) ?? [];
    list.push(path.basename(p));
    byDir.set(dir, list);
  }
  const folders = new Map<string, FolderMedia>();
  const out = new Map<string, MatchedSidecar[]>();
  for (const c of candidates) {
    const dir = path.dirname(c.path);
    const names = byDir.get(dir);
    if (!names) continue;
    let media = folders.get(dir);
    if (!media) {
      media = new FolderMedia(names);
      folders.set(dir, media);
    }
    const name = path.basename(c.path);
    const kind = sidecarKind(name);
    const m = kind ? matchSidecar(name, media) : null;
    if (!kind || !m) continue;
    const owner = path.join(dir, m.owner);
    const list = out.get(owner) ?? [];
    // Two sidecars of one file wanting the same name (`IMG.xmp` and `IMG.JPG.xmp`): the second keeps its own.
    const suffix = list.some((s) => s.suffix.toLowerCase() === m.suffix.toLowerCase()) ? `.${name.toLowerCase()}` : m.suffix;
    list.push({ path: c.path, kind, suffix, size: c.size });
    out.set(owner, list);
  }
  return out;
}

/** sha256 of a sidecar's bytes (opened like every original: read-only, never blocking on a FIFO). */
export function hashSidecar(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    // An fd opened like every original (read-only, never blocking on a FIFO).
    let fd: number;
    try {
      fd = openSync(filePath, ORIGINAL_OPEN_FLAGS);
    } catch (e) {
      reject(e as Error);
      return;
    }
    createReadStream('', { fd })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Hashes the matched sidecars of one file; one that cannot be read is left out. */
export async function describeSidecars(matched: readonly MatchedSidecar[] | undefined): Promise<ImportedSidecar[]> {
  const out: ImportedSidecar[] = [];
  for (const m of matched ?? []) {
    try {
      out.push({ ...m, sha256: await hashSidecar(m.path) });
    } catch {
      // Vanished or unreadable since the scan: the media file is imported without it.
    }
  }
  return out;
}
