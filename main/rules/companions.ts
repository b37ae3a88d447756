/**
 * A group's companions: the other members (a Live Photo's video, the RAW of a RAW+JPEG pair) and
 * every member's sidecars. They take the main file's base name and counter in the archive
 * (`20210410_114400.jpg` + `.mov` + `.xmp`), so the planner claims their names together.
 * Pure: no I/O.
 */
import { sanitizeFileName, splitExtension, collisionKey } from '../../shared/naming.js';
import type { CaptureTime } from '../../shared/capture-time.js';
import type { ExportItem, ExportSidecar } from '../protocol/workers.js';

/** What the name planner (targets.ts) places: a file, with the members of its group. */
export interface TargetItem {
  fileId: number;
  originalName: string;
  size: number;
  sha256: string;
  timestamp: CaptureTime | null;
  /** For the naming template's `{camera}` and `{tag}`. */
  cameraModel?: string | null;
  tags?: readonly string[];
  /** A group's other members and sidecars: their names (same base, same counter) are claimed with this one. */
  companions?: readonly Companion[];
}

/**
 * `from`: where the bytes to place are, when not the original's (an XMP sidecar made by this run).
 * `pending`: an XMP sidecar still to be made (size and sha256 unknown): the worker makes it before
 * it is placed.
 */
export type Companion =
  | { kind: 'file'; item: ExportItem; suffix: string; size: number; sha256: string }
  | { kind: 'sidecar'; sidecar: ExportSidecar; ownerId: number; suffix: string; size: number; sha256: string; from?: string; pending?: boolean }
  | { kind: 'xmp'; owner: ExportItem; ownerId: number; suffix: string; size: number; sha256: string; from?: string; pending?: boolean };

/** A file's own XMP sidecars (`name.xmp`, `name.nef.xmp`): corrected fields are written into their copies. */
export function ownXmpSidecars(owner: Pick<ExportItem, 'sidecars'>): ExportSidecar[] {
  return (owner.sidecars ?? []).filter((sc) => sc.suffix.toLowerCase().endsWith('.xmp'));
}

/** Identifies a companion within its group. */
export function companionKey(c: Companion): string {
  return c.kind === 'file' ? `f${c.item.fileId}` : c.kind === 'sidecar' ? `s${c.sidecar.sidecarId}` : `x${c.ownerId}`;
}

/** The lower-case extension a file keeps in the archive (`.mov`), or ''. */
export function archiveExt(originalName: string): string {
  return splitExtension(sanitizeFileName(originalName)).ext.toLowerCase();
}

/**
 * The companions of `item`, each with a suffix unique within the group (a clash, such as the
 * JPEG's and the RAW's `.xmp`, gets its owner's extension in front: `.nef.xmp`). A member (or the
 * main file) whose format cannot take its corrected date (`xmpWrite`) gets it in an XMP sidecar:
 * written into the copy of its own .xmp when it has one, else a new `<base>.xmp` (named after the
 * sidecars that came along).
 */
export function companionsOf(item: Pick<ExportItem, 'fileId' | 'originalName' | 'members' | 'sidecars' | 'xmpWrite' | 'xmpFiles'>): Companion[] {
  const out: Companion[] = [];
  const used = new Set<string>([archiveExt(item.originalName)]);
  const unique = (suffix: string, ownerExt: string): string => {
    let s = suffix;
    if (used.has(collisionKey(s))) s = `${ownerExt}${suffix}`;
    for (let n = 2; used.has(collisionKey(s)); n++) s = `${ownerExt}.${n}${suffix}`;
    used.add(collisionKey(s));
    return s;
  };
  type Owner = Pick<ExportItem, 'fileId' | 'originalName' | 'sidecars' | 'xmpWrite' | 'xmpFiles'>;
  const addSidecars = (owner: Owner): void => {
    const written = owner.xmpWrite ? new Set(ownXmpSidecars(owner)) : null;
    for (const sc of owner.sidecars ?? []) {
      const suffix = unique(sc.suffix, archiveExt(owner.originalName));
      if (!written?.has(sc)) {
        out.push({ kind: 'sidecar', sidecar: sc, ownerId: owner.fileId, suffix, size: sc.size, sha256: sc.sha256 });
        continue;
      }
      const made = owner.xmpFiles?.[`s${sc.sidecarId}`];
      out.push(
        made
          ? { kind: 'sidecar', sidecar: sc, ownerId: owner.fileId, suffix, size: made.size, sha256: made.sha256, from: made.path }
          : { kind: 'sidecar', sidecar: sc, ownerId: owner.fileId, suffix, size: -1, sha256: '', pending: true },
      );
    }
  };
  const addNewXmp = (owner: Owner): void => {
    if (!owner.xmpWrite || ownXmpSidecars(owner).length > 0) return;
    const suffix = unique('.xmp', archiveExt(owner.originalName));
    const made = owner.xmpFiles?.['new'];
    out.push(
      made
        ? { kind: 'xmp', owner: owner as ExportItem, ownerId: owner.fileId, suffix, size: made.size, sha256: made.sha256, from: made.path }
        : { kind: 'xmp', owner: owner as ExportItem, ownerId: owner.fileId, suffix, size: -1, sha256: '', pending: true },
    );
  };
  for (const m of item.members ?? []) {
    const ext = archiveExt(m.originalName);
    out.push({ kind: 'file', item: m, suffix: unique(ext, ext), size: m.size, sha256: m.sha256 });
  }
  addSidecars(item);
  for (const m of item.members ?? []) addSidecars(m);
  // New XMP sidecars last: the sidecars that came along keep their names.
  addNewXmp(item);
  for (const m of item.members ?? []) addNewXmp(m);
  return out;
}

/** The companion's path beside the main file's `relPath` (whose extension is `mainExt`). */
export function companionPath(mainRelPath: string, mainExt: string, suffix: string): string {
  const base = mainExt && mainRelPath.toLowerCase().endsWith(mainExt) ? mainRelPath.slice(0, mainRelPath.length - mainExt.length) : mainRelPath;
  return `${base}${suffix}`;
}

/** What the planner needs of an item: with its companions when it leads a group or has sidecars. */
export function targetOf(item: ExportItem): TargetItem {
  return item.members?.length || item.sidecars?.length || item.xmpWrite ? { ...item, companions: companionsOf(item) } : item;
}
