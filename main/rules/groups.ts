/**
 * Export groups: files that are one shot and must keep one base name in the archive.
 * - Live Photo: a still (HEIC/JPEG) and a video (MOV/MP4) with the same Apple ContentIdentifier,
 *   or else in the same folder with the same base name and capture times within 3 s.
 * - RAW+JPEG / RAW+HEIC: the same folder, the same base name, capture times within 2 s.
 * The still (JPEG/HEIC) is the group's main file; its capture time names the group.
 * Pure: no I/O.
 */
export interface GroupInput {
  id: number;
  path: string;
  /** Effective capture time (local wall clock, `YYYY-MM-DDTHH:MM:SS.mmm`), null when undated. */
  local: string | null;
  contentId: string | null;
}

export interface ExportGroup {
  main: number;
  members: number[];
}

const STILL = new Set(['jpg', 'jpeg', 'jpe', 'heic', 'heif', 'hif']);
const LIVE_VIDEO = new Set(['mov', 'mp4', 'qt']);
const RAW = new Set(['cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'raf', 'rw2', 'orf', 'pef', 'srw', 'x3f']);
export const LIVE_PHOTO_WINDOW_MS = 3000;
export const RAW_PAIR_WINDOW_MS = 2000;

function split(p: string): { dir: string; stem: string; ext: string } {
  const slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  const dir = p.slice(0, slash + 1);
  const name = p.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { dir, stem: name.slice(0, dot).toLowerCase(), ext: name.slice(dot + 1).toLowerCase() } : { dir, stem: name.toLowerCase(), ext: '' };
}

/** Milliseconds between two wall-clock times (both taken as UTC: only the difference matters). */
function gapMs(a: string | null, b: string | null): number {
  if (a === null || b === null) return Number.POSITIVE_INFINITY;
  return Math.abs(Date.parse(`${a.slice(0, 23)}Z`) - Date.parse(`${b.slice(0, 23)}Z`));
}

export function findExportGroups(files: readonly GroupInput[]): ExportGroup[] {
  const grouped = new Set<number>();
  const groups = new Map<number, number[]>();
  const add = (main: number, member: number): void => {
    grouped.add(main);
    grouped.add(member);
    const list = groups.get(main) ?? [];
    list.push(member);
    groups.set(main, list);
  };
  const info = files.map((f) => ({ ...f, ...split(f.path) }));

  // Live Photos by ContentIdentifier first: it pairs them even when renamed.
  const byContent = new Map<string, typeof info>();
  for (const f of info) {
    if (!f.contentId) continue;
    const list = byContent.get(f.contentId) ?? [];
    list.push(f);
    byContent.set(f.contentId, list);
  }
  for (const list of byContent.values()) {
    const still = list.find((f) => STILL.has(f.ext));
    const video = list.find((f) => LIVE_VIDEO.has(f.ext));
    if (still && video) add(still.id, video.id);
  }

  // Then by folder and base name.
  const byStem = new Map<string, typeof info>();
  for (const f of info) {
    const key = `${f.dir}\u0000${f.stem}`;
    const list = byStem.get(key) ?? [];
    list.push(f);
    byStem.set(key, list);
  }
  for (const list of byStem.values()) {
    if (list.length < 2) continue;
    const still = list.find((f) => STILL.has(f.ext) && !grouped.has(f.id)) ?? list.find((f) => STILL.has(f.ext));
    if (!still) continue;
    for (const f of list) {
      if (f.id === still.id || grouped.has(f.id)) continue;
      const gap = gapMs(still.local, f.local);
      if (RAW.has(f.ext) && gap <= RAW_PAIR_WINDOW_MS) add(still.id, f.id);
      else if (LIVE_VIDEO.has(f.ext) && gap <= LIVE_PHOTO_WINDOW_MS) add(still.id, f.id);
    }
  }
  return [...groups].map(([main, members]) => ({ main, members }));
}
