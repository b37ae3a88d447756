/**
 * Apple's ContentIdentifier pairs a Live Photo's still (MakerNotes; MediaGroupUUID on some models)
 * and video (Keys) even when their names differ. It matters only where a pair by name is missing:
 * in folders holding both stills and videos, for the stills and videos no same-named partner
 * explains (main/rules/groups.ts pairs the rest). A video's identifier comes with its
 * metadata read; a still's costs an ExifTool call, made only for the few stills
 * `LivePhotoCandidates` picks once the import has seen every video.
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

/** How far apart a Live Photo's still and video may be dated and still be read for pairing. */
const PAIR_WINDOW_MS = 10_000;

interface SeenVideo {
  dir: string;
  ms: number | null;
  contentId: string;
}

/** A local capture time (`YYYY-MM-DDTHH:MM:SS[.sss]`) as comparable milliseconds, or null. */
function localMs(local: string | null | undefined): number | null {
  if (!local) return null;
  const ms = Date.parse(`${local.slice(0, 23)}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Finds the stills whose ContentIdentifier is worth an ExifTool read, once every file has been
 * analysed. A video's identifier comes free with its metadata (the movie reader or ExifTool read
 * its Keys); a still's sits in Apple's MakerNotes, which only ExifTool reads, at a real cost per file.
 * So a still is read only when a video of its folder carries an identifier that no same-named
 * still explains and no still read so far holds, and the two are dated within 10 s (or one of
 * them is undated): a folder of ordinary phone videos, which carry none, costs no reads at all.
 */
export class LivePhotoCandidates {
  private readonly videos: SeenVideo[] = [];
  private readonly stills = new Map<string, { dir: string; ms: number | null }>();
  private readonly knownIds = new Set<string>();

  constructor(private readonly needed: ReadonlySet<string>) {}

  /** Notes an analysed file (only those `needsContentId` named matter). */
  seen(file: { path: string; mediaType: 'image' | 'video'; contentId?: string | null; detected: { local: string } | null }): void {
    if (!this.needed.has(file.path)) return;
    const dir = path.dirname(file.path);
    const ms = localMs(file.detected?.local);
    if (file.contentId) {
      if (file.mediaType === 'video') this.videos.push({ dir, ms, contentId: file.contentId });
      else this.knownIds.add(file.contentId);
    } else if (file.mediaType === 'image' && STILL.has(path.extname(file.path).toLowerCase())) {
      this.stills.set(file.path, { dir, ms });
    }
  }

  /** The stills to read, in path order. */
  stillsToRead(): string[] {
    const open = this.videos.filter((v) => !this.knownIds.has(v.contentId));
    if (open.length === 0) return [];
    const byDir = new Map<string, SeenVideo[]>();
    for (const v of open) {
      const list = byDir.get(v.dir);
      if (list) list.push(v);
      else byDir.set(v.dir, [v]);
    }
    const out: string[] = [];
    for (const [p, still] of this.stills) {
      const videos = byDir.get(still.dir);
      if (videos?.some((v) => v.ms === null || still.ms === null || Math.abs(v.ms - still.ms) <= PAIR_WINDOW_MS)) out.push(p);
    }
    return out.sort();
  }
}
