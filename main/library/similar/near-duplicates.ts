/**
 * Near-duplicates, part 2 (issue 11): files whose pictures look the same (a re-save, a chat
 * app's re-encode, a resized copy) grouped by their import-time dHash, with the copy to keep
 * suggested. Exact duplicates (same sha256) keep their own groups and flow: a similar group
 * needs at least two different contents, and resolving one never discards an exact copy of the
 * kept file.
 *
 * Grouping is recomputed on request from the hashes: the library is read once, candidates are
 * found through exact matches on hash bands (two hashes within MAX_DISTANCE bits share at least
 * one of MAX_DISTANCE + 1 bands), so it stays near-linear at 100k files.
 */
import type Database from 'better-sqlite3';
import type { SimilarGroup } from '../../../shared/types.js';
import type { FilesRepo } from '../db/files-repo.js';

/** Hashes this many bits apart or fewer count as the same picture. */
export const MAX_DISTANCE = 5;
/** Shapes must agree this closely (ratio of the long/short side): a crop is another picture. */
const ASPECT_TOLERANCE = 0.03;

interface HashRow {
  id: number;
  sha256: string | null;
  hash: string;
  width: number | null;
  height: number | null;
  size: number;
  mtime_ms: number | null;
  confidence: string;
  detected_source: string | null;
  effective: string;
}

interface Entry extends HashRow {
  hi: number;
  lo: number;
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function distance(a: Entry, b: Entry): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

function sameShape(a: Entry, b: Entry): boolean {
  if (!a.width || !a.height || !b.width || !b.height) return true;
  // Orientation-free: a copy with its rotation baked in has its sides swapped.
  const ra = Math.max(a.width, a.height) / Math.min(a.width, a.height);
  const rb = Math.max(b.width, b.height) / Math.min(b.width, b.height);
  return Math.abs(ra - rb) / Math.max(ra, rb) <= ASPECT_TOLERANCE;
}

/** The 64 bits cut into MAX_DISTANCE + 1 bands of near-equal width, as bucket keys. */
function bands(hash: string): string[] {
  const bits = BigInt(`0x${hash}`).toString(2).padStart(64, '0');
  const count = MAX_DISTANCE + 1;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const width = Math.floor(64 / count) + (i < 64 % count ? 1 : 0);
    out.push(`${i}:${bits.slice(start, start + width)}`);
    start += width;
  }
  return out;
}

/** Camera metadata (not a name, a folder or a file time) dated the file. */
function hasOriginalMetadata(r: HashRow): boolean {
  const s = r.detected_source ?? '';
  return s.startsWith('exif') || s.startsWith('xmp') || s.startsWith('quicktime');
}

/**
 * Best first: the most pixels, then the camera's own metadata, then the earliest (capture time,
 * then file time), then the biggest file, then the first imported.
 */
function better(a: HashRow, b: HashRow): number {
  const pixels = (r: HashRow) => (r.width ?? 0) * (r.height ?? 0);
  return (
    pixels(b) - pixels(a) ||
    Number(hasOriginalMetadata(b)) - Number(hasOriginalMetadata(a)) ||
    (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0) ||
    (a.mtime_ms ?? Infinity) - (b.mtime_ms ?? Infinity) ||
    b.size - a.size ||
    a.id - b.id
  );
}

function reasonFor(keep: HashRow, others: HashRow[]): string {
  const pixels = (r: HashRow) => (r.width ?? 0) * (r.height ?? 0);
  const reasons: string[] = [];
  if (others.every((o) => pixels(o) < pixels(keep))) reasons.push(`largest (${keep.width}×${keep.height})`);
  if (hasOriginalMetadata(keep) && others.some((o) => !hasOriginalMetadata(o))) reasons.push("keeps the camera's date");
  if (reasons.length === 0 && others.every((o) => o.effective > keep.effective)) reasons.push('earliest');
  if (reasons.length === 0) reasons.push('best of equals');
  return reasons.join(', ');
}

/** Members listed per group in full; the rest are counted (`memberCount`) and resolved all the same. */
export const MAX_LISTED_MEMBERS = 24;

/** Unresolved groups of kept (not discarded) images, each with the copy suggested to keep. */
export function findSimilarGroups(sqlite: Database.Database, files: FilesRepo): SimilarGroup[] {
  return similarClusters(sqlite).map((c) => ({
    id: c.id,
    keepId: c.keep.id,
    reason: c.reason,
    memberCount: c.members.length,
    members: c.members
      .slice(0, MAX_LISTED_MEMBERS)
      .map((m) => files.get(m.id))
      .filter((s) => s !== null),
  }));
}

interface Cluster {
  id: number;
  keep: HashRow;
  reason: string;
  /** Best first. */
  members: HashRow[];
}

function similarClusters(sqlite: Database.Database): Cluster[] {
  const rows = sqlite
    .prepare(
      `SELECT id, sha256, perceptual_hash AS hash, width, height, size, mtime_ms, confidence, detected_source,
         COALESCE(final_at, detected_at, '~') AS effective
       FROM files WHERE perceptual_hash IS NOT NULL AND discarded = 0 ORDER BY id`,
    )
    .all() as HashRow[];
  const entries: Entry[] = [];
  for (const r of rows) {
    if (!/^[0-9a-f]{16}$/.test(r.hash)) continue;
    const hi = parseInt(r.hash.slice(0, 8), 16);
    const lo = parseInt(r.hash.slice(8), 16);
    // A flat or nearly flat picture (a black frame, a blank page) has almost no gradient bits:
    // its hash says nothing about what it shows.
    const bitsSet = popcount32(hi) + popcount32(lo);
    if (bitsSet <= 2 || bitsSet >= 62) continue;
    entries.push({ ...r, hi, lo });
  }

  const parent = entries.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  // Equal hashes join at once; the band search then compares one entry per distinct hash, so a
  // picture copied a thousand times costs one comparison, not half a million.
  const firstWithHash = new Map<string, number>();
  const distinct: number[] = [];
  entries.forEach((e, i) => {
    const first = firstWithHash.get(e.hash);
    if (first === undefined) {
      firstWithHash.set(e.hash, i);
      distinct.push(i);
    } else if (sameShape(entries[first]!, e)) parent[find(i)] = find(first);
    else distinct.push(i);
  });
  const buckets = new Map<string, number[]>();
  for (const i of distinct) {
    for (const key of bands(entries[i]!.hash)) {
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
  }
  for (const bucket of buckets.values()) {
    for (let x = 0; x < bucket.length; x++) {
      for (let y = x + 1; y < bucket.length; y++) {
        const a = bucket[x]!;
        const b = bucket[y]!;
        if (find(a) === find(b)) continue;
        if (distance(entries[a]!, entries[b]!) <= MAX_DISTANCE && sameShape(entries[a]!, entries[b]!)) parent[find(a)] = find(b);
      }
    }
  }

  const clusters = new Map<number, Entry[]>();
  entries.forEach((e, i) => {
    const root = find(i);
    const list = clusters.get(root);
    if (list) list.push(e);
    else clusters.set(root, [e]);
  });
  const groups: Cluster[] = [];
  for (const members of clusters.values()) {
    if (members.length < 2) continue;
    // Only exact copies of one another: the exact-duplicate flow handles them.
    if (new Set(members.map((m) => m.sha256)).size < 2) continue;
    const sorted = [...members].sort(better);
    const keep = sorted[0]!;
    groups.push({
      id: members.reduce((min, m) => Math.min(min, m.id), Infinity),
      keep,
      reason: reasonFor(keep, sorted.filter((m) => m.sha256 !== keep.sha256)),
      members: sorted,
    });
  }
  return groups.sort((a, b) => a.id - b.id);
}

/**
 * Keeps the suggested file of every group (or the one `keep` names for a group id) and
 * discards the group's other contents; exact copies of the kept file stay as they are.
 */
export function resolveSimilarGroups(
  sqlite: Database.Database,
  files: Pick<FilesRepo, 'transaction' | 'setDiscarded'>,
  keep: ReadonlyMap<number, number> = new Map(),
): { groups: number; discarded: number } {
  return files.transaction(() => {
    const groups = similarClusters(sqlite);
    let discarded = 0;
    for (const group of groups) {
      const keepId = keep.get(group.id) ?? group.keep.id;
      const kept = group.members.find((m) => m.id === keepId) ?? group.keep;
      const others = group.members.filter((m) => m.sha256 !== kept.sha256).map((m) => m.id);
      if (others.length > 0) discarded += files.setDiscarded(others, true);
    }
    return { groups: groups.length, discarded };
  });
}
