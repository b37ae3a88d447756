/**
 * A group's companions: the other members (a Live Photo's video, the RAW of a RAW+JPEG pair) and
 * every member's sidecars. They take the main file's base name and counter in the archive
 * (`20210410_114400.jpg` + `.mov` + `.xmp`), so the planner claims their names together.
 * Pure: no I/O.
 */
import { sanitizeFileName, splitExtension, collisionKey } from '../../../shared/naming.js';
import type { CaptureTime } from '../../../shared/capture-time.js';
import type { ExportItem, ExportSidecar } from '../../workers/protocol.js';

/** What the name planner (targets.ts) places: a file, with the members of its group. */
export interface TargetItem {
  fileId: number;
  originalName: string;
  size: number;
  sha256: string;
  timestamp: CaptureTime | null;
  /** A group's other members and sidecars: their names (same base, same counter) are claimed with this one. */
  companions?: readonly Companion[];
}

export type Companion =
  | { kind: 'file'; item: ExportItem; suffix: string; size: number; sha256: string }
  | { kind: 'sidecar'; sidecar: ExportSidecar; ownerId: number; suffix: string; size: number; sha256: string };

/** The lower-case extension a file keeps in the archive (`.mov`), or ''. */
export function archiveExt(originalName: string): string {
  return splitExtension(sanitizeFileName(originalName)).ext.toLowerCase();
}

/**
 * The companions of `item`, each with a suffix unique within the group (a clash, such as the
 * JPEG's and the RAW's `.xmp`, gets its owner's extension in front: `.nef.xmp`).
 */
export function companionsOf(item: Pick<ExportItem, 'fileId' | 'originalName' | 'members' | 'sidecars'>): Companion[] {
  const out: Companion[] = [];
  const used = new Set<string>([archiveExt(item.originalName)]);
  const unique = (suffix: string, ownerExt: string): string => {
    let s = suffix;
    if (used.has(collisionKey(s))) s = `${ownerExt}${suffix}`;
    for (let n = 2; used.has(collisionKey(s)); n++) s = `${ownerExt}.${n}${suffix}`;
    used.add(collisionKey(s));
    return s;
  };
  const addSidecars = (owner: Pick<ExportItem, 'fileId' | 'originalName' | 'sidecars'>): void => {
    for (const sc of owner.sidecars ?? []) {
      out.push({ kind: 'sidecar', sidecar: sc, ownerId: owner.fileId, suffix: unique(sc.suffix, archiveExt(owner.originalName)), size: sc.size, sha256: sc.sha256 });
    }
  };
  for (const m of item.members ?? []) {
    const ext = archiveExt(m.originalName);
    out.push({ kind: 'file', item: m, suffix: unique(ext, ext), size: m.size, sha256: m.sha256 });
  }
  addSidecars(item);
  for (const m of item.members ?? []) addSidecars(m);
  return out;
}

/** The companion's path beside the main file's `relPath` (whose extension is `mainExt`). */
export function companionPath(mainRelPath: string, mainExt: string, suffix: string): string {
  const base = mainExt && mainRelPath.toLowerCase().endsWith(mainExt) ? mainRelPath.slice(0, mainRelPath.length - mainExt.length) : mainRelPath;
  return `${base}${suffix}`;
}

/** What the planner needs of an item: with its companions when it leads a group or has sidecars. */
export function targetOf(item: ExportItem): TargetItem {
  return item.members?.length || item.sidecars?.length ? { ...item, companions: companionsOf(item) } : item;
}
