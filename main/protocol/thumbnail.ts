/**
 * Messages between the thumbnail service (main thread) and its worker threads, which also hash
 * pictures for near-duplicates in the background.
 * The worker imports these with `import type`; nothing here runs.
 */
import type { Result } from '../../shared/errors.js';

export type ThumbnailSize = 'small' | 'large';

/** What every cached thumbnail is. */
export const THUMBNAIL_MIME = 'image/webp';

/** Longest edge, in pixels, of each thumbnail size. */
export const THUMBNAIL_MAX_EDGE: Readonly<Record<ThumbnailSize, number>> = { small: 256, large: 1600 };

export interface RenderJob {
  /** The original; only ever read. */
  sourcePath: string;
  /** Base64 of the original's exact path bytes when they are not valid UTF-8 (core/byte-names.ts): read by these. */
  sourcePathBytes?: string;
  /** Where the finished thumbnail goes (inside the cache folder). */
  targetPath: string;
  maxEdge: number;
}

export interface RenderedThumbnail {
  width: number;
  height: number;
  mime: string;
  /** `embedded`: the file's own preview (RAW, HEIC) because its main image cannot be decoded here; `video`: a poster frame. */
  from: 'image' | 'embedded' | 'video';
}

/**
 * Pictures the near-duplicate hash covers: formats sharp's prebuilt libvips decodes reliably and
 * cheaply. Not HEVC HEIC and RAW (no decoder), nor AVIF: libvips decodes an AV1 picture at full
 * size (no shrink-on-load): far slower than every other format.
 */
export const HASHABLE_MIMES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff']);

/** A picture to hash for near-duplicates (main/library/similar/similar-indexer.ts). */
export interface HashJob {
  sourcePath: string;
  sourcePathBytes?: string;
}

/** `background`: the worker serves only background hashes and lowers its own priority (nice 10). */
export type ThumbnailWorkerRequest = { type: 'render'; id: number; job: RenderJob } | { type: 'phash'; id: number; job: HashJob; background: true };

/** `hash`: the dHash (perceptual-hash.ts), null when the picture cannot be decoded or read. */
export type ThumbnailWorkerMessage = { type: 'rendered'; id: number; result: Result<RenderedThumbnail> } | { type: 'hashed'; id: number; hash: string | null };
