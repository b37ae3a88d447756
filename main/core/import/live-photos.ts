/**
 * Apple's ContentIdentifier pairs a Live Photo's still (MakerNotes; MediaGroupUUID on some models)
 * and video (Keys) even when their names differ. Reading it costs an ExifTool call per file, so it
 * is read only where a pair by name is missing: in folders holding both stills and videos, for
 * the stills and videos no same-named partner explains (main/core/export/groups.ts pairs the rest).
 */
import path from 'node:path';
import type { ExifTool } from 'exiftool-vendored';

const STILL = new Set(['.jpg', '.jpeg', '.heic', '.heif']);
const VIDEO = new Set(['.mov', '.mp4']);

/** The scanned files whose ContentIdentifier is worth reading. */
export function needsContentId(paths: readonly string[]): Set<string> {
  const byDir = new Map<string, { stills: Map<string, string[]>; videos: Map<string, string[]> }>();
  for (const p of paths) {
    const ext = path.extname(p).toLowerCase();
    const kind = STILL.has(ext) ? 'stills' : VIDEO.has(ext) ? 'videos' : null;
    if (kind === null) continue;
    const dir = path.dirname(p);
    const entry = byDir.get(dir) ?? { stills: new Map<string, string[]>(), videos: new Map<string, string[]>() };
    const stem = path.basename(p, path.extname(p)).toLowerCase();
    const list = entry[kind].get(stem) ?? [];
    list.push(p);
    entry[kind].set(stem, list);
    byDir.set(dir, entry);
  }
  const out = new Set<string>();
  for (const { stills, videos } of byDir.values()) {
    if (stills.size === 0 || videos.size === 0) continue;
    const unpairedVideos = [...videos].filter(([stem]) => !stills.has(stem));
    if (unpairedVideos.length === 0) continue;
    for (const [, list] of unpairedVideos) for (const p of list) out.add(p);
    for (const [stem, list] of stills) if (!videos.has(stem)) for (const p of list) out.add(p);
  }
  return out;
}

/** The file's ContentIdentifier (or MediaGroupUUID), or null. */
export async function readContentId(exiftool: ExifTool, file: string): Promise<string | null> {
  const raw = (await exiftool.readRaw(file, { readArgs: ['-fast', '-ContentIdentifier', '-MediaGroupUUID'] })) as unknown as Record<string, unknown>;
  const value = raw.ContentIdentifier ?? raw.MediaGroupUUID;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
