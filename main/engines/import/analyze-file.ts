/**
 * Everything the import learns about one file: hash, type, size in pixels, date candidates,
 * the chosen capture time and the tags. The original is only read: opened read-only (with
 * O_NOATIME where the OS allows it), never written.
 *
 * Each file is read once: small files whole into memory (hash, sniff and exifr share the bytes),
 * large ones streamed through the hash, with only their head kept for sniffing. ExifTool, when a
 * format needs it, reads the file itself (with -fast it reads only the metadata).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, read as readCallback, readSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import type { ExifTool } from 'exiftool-vendored';
import { imageSize } from 'image-size';
import { err, ok, type Result } from '../../../shared/errors.js';
import type { ImportedFile, ImportOptions } from '../../protocol/workers.js';
import { errnoToAppError } from '../../rules/errno.js';
import { encodePathBytes } from '../../rules/byte-names.js';
import { nonRegularKind, openOriginal, withStringPath } from '../originals.js';
import { readCanonRawMetadata, readWithExifr } from './exifr-dates.js';
import { readWithExiftool } from './exiftool-dates.js';
import { emptyMetadataDates, type MetadataDates, type ReaderResult } from './metadata-dates.js';
import { planMetadataRead } from './reader-choice.js';
import { QUICKTIME_MIMES, readMovie } from './quicktime.js';
import { findMovie, looksLikeMovie, MovieCollector, type MovieParts } from './quicktime-boxes.js';
import type { ScanEntry } from './scan.js';
import { SNIFF_BYTES, sniffMedia } from './sniff.js';
import { readTakeoutJson } from './takeout.js';
import { extractTags } from './tags.js';
import { buildCandidates, chooseCaptureTime } from './timestamps.js';

export interface AnalyzeContext {
  /** Reads a file with ExifTool (the import worker passes a batching reader, created lazily). */
  readExiftool?: (path: string) => Promise<ReaderResult>;
  /** A shared ExifTool pool, used one file at a time when `readExiftool` is not given. */
  exiftool?: ExifTool;
}

const CANON_CR3 = 'image/x-canon-cr3';
/** Files up to this size are read whole: one read serves hash, sniff and metadata. */
const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const readAsync = promisify(readCallback);
const EMPTY = Buffer.alloc(0);
/** Formats whose pixel size image-size always finds in an intact file. */
const SIZED_BY_IMAGE_SIZE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/heic', 'image/heif', 'image/avif']);

/**
 * Whole-file buffers are reused: allocating (and collecting) a fresh buffer per photo is a
 * large share of the import's CPU time. A buffer goes back to the pool once its file's
 * analysis is finished; nothing derived from it (dates, sizes) keeps a reference.
 */
const freeBuffers: Buffer[] = [];
const MAX_FREE_BUFFERS = 8;

function acquireBuffer(size: number): Buffer {
  const i = freeBuffers.findIndex((b) => b.length >= size);
  if (i >= 0) return freeBuffers.splice(i, 1)[0]!;
  let capacity = 256 * 1024;
  while (capacity < size) capacity *= 2;
  return Buffer.allocUnsafeSlow(Math.min(capacity, Math.max(size, WHOLE_FILE_LIMIT)));
}

function releaseBuffer(buf: Buffer | undefined): void {
  if (buf === undefined) return;
  if (freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(buf);
  else {
    // Keep the biggest ones: they serve every smaller file too.
    freeBuffers.sort((a, b) => a.length - b.length);
    if (freeBuffers[0]!.length < buf.length) freeBuffers[0] = buf;
  }
}

interface ReadResult {
  sha256: string;
  size: number;
  /** The whole file when small, else its first SNIFF_BYTES. */
  bytes: Buffer;
  whole: boolean;
  /** The pooled buffer behind `bytes`, to release when done. */
  pooled?: Buffer;
  /** A large QuickTime/MP4 file's movie boxes, kept as the hash read past them (null: not a plain movie). */
  movie?: MovieParts | null;
}

/**
 * Small files are read synchronously on purpose: this runs in the import worker, whose only job
 * is this I/O, and for the many small files of a photo library the thread-pool round trips of
 * async calls cost more than the reads themselves. Large files (videos) are read in 1 MiB chunks
 * asynchronously so the worker stays responsive (ExifTool replies, control messages) meanwhile.
 * Every file is read once.
 */
async function readAndHash(file: string | Buffer): Promise<ReadResult | { notRegular: string }> {
  const fd = openOriginal(file);
  try {
    const st = fstatSync(fd);
    // A FIFO, socket or device where the scan saw a file: never read (a read could block).
    const kind = nonRegularKind(st);
    if (kind !== null) return { notRegular: kind };
    const size = st.size;
    if (size <= WHOLE_FILE_LIMIT) {
      const buf = acquireBuffer(size);
      try {
        let off = 0;
        while (off < size) {
          const n = readSync(fd, buf, off, size - off, off);
          if (n === 0) break;
          off += n;
        }
        const bytes = buf.subarray(0, off);
        // (WebCrypto's thread-pool digest was tried: copying the data in costs more than it saves.
        // So was a hashing thread reading shared buffers, as the export does: on 2 cores the
        // import got slower, with twice the system time; bench:import compares.)
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        // A file that shrank while we read it is hashed as far as it goes; the size says so.
        return { sha256, size: off, bytes, whole: true, pooled: buf };
      } catch (e) {
        releaseBuffer(buf);
        throw e;
      }
    }
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(CHUNK);
    let head: Buffer | null = null;
    // A video's metadata (its moov box) is often at the end: keep it as the hash reads past it.
    let movie: MovieCollector | null = null;
    let pos = 0;
    for (;;) {
      const { bytesRead: n } = await readAsync(fd, chunk, 0, CHUNK, pos);
      if (n === 0) break;
      if (head === null) {
        head = Buffer.from(chunk.subarray(0, Math.min(n, SNIFF_BYTES)));
        if (looksLikeMovie(head)) movie = new MovieCollector();
      }
      movie?.feed(chunk.subarray(0, n));
      hash.update(chunk.subarray(0, n));
      pos += n;
    }
    return { sha256: hash.digest('hex'), size: pos, bytes: head ?? Buffer.alloc(0), whole: false, movie: movie?.movie() ?? null };
  } finally {
    try {
      closeSync(fd);
    } catch {
      // closing a read-only descriptor cannot lose data
    }
  }
}

/** Width and height from the bytes in memory, when the format is one image-size knows. */
function dimensionsFromBuffer(buf: Uint8Array): { width: number | null; height: number | null } {
  try {
    const size = imageSize(buf);
    // Stored (unrotated) size, as ExifTool reports it.
    return { width: size.width || null, height: size.height || null };
  } catch {
    return { width: null, height: null };
  }
}

/** Tools that open files by a string path get one that reaches the exact bytes (core/byte-names.ts). */
function withReadablePath<T>(entry: ScanEntry, fn: (p: string) => Promise<T>): Promise<T> {
  return entry.pathBytes ? withStringPath(entry.pathBytes, entry.path, fn) : fn(entry.path);
}

/** The keys of an object whose values are set (so a spread does not blank out others). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Analyses one scanned file. A file that cannot be read (vanished, no permission) is an error;
 * one whose metadata cannot be parsed is still returned, hashed, with `warning` set and the
 * dates that do not depend on metadata (file name, mtime).
 */
export async function analyzeFile(entry: ScanEntry, options: ImportOptions, ctx: AnalyzeContext = {}): Promise<Result<ImportedFile>> {
  const name = path.basename(entry.path);
  let read: ReadResult;
  try {
    const r = await readAndHash(entry.pathBytes ?? entry.path);
    if ('notRegular' in r) return err('unsupported', `${name} is ${r.notRegular}, not a photo or video file.`, entry.path);
    read = r;
  } catch (e) {
    return { ok: false, error: errnoToAppError(e, entry.path) };
  }

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    releaseBuffer(read.pooled);
    // Also drops a large file's head copy: a file waiting for ExifTool then holds no bytes.
    read.bytes = EMPTY;
    read.movie = null;
    read.pooled = undefined;
  };
  try {
    return await analyzeBytes(entry, name, read, options, ctx, release);
  } finally {
    release();
  }
}

/** `releaseBytes` gives `read.bytes` back to the pool; nothing may touch them afterwards. */
async function analyzeBytes(
  entry: ScanEntry,
  name: string,
  read: ReadResult,
  options: ImportOptions,
  ctx: AnalyzeContext,
  releaseBytes: () => void,
): Promise<Result<ImportedFile>> {
  const sniffed = await sniffMedia(read.bytes, name);
  if (!sniffed) return err('unsupported', `Not a photo or video: ${name}`, entry.path);

  let dates: MetadataDates = emptyMetadataDates();
  let width: number | null = null;
  let height: number | null = null;
  let warning: string | null = null;

  if (sniffed.mediaType === 'image' && read.whole) {
    ({ width, height } = dimensionsFromBuffer(read.bytes));
  }

  const plan = planMetadataRead(sniffed.mime, read.bytes, read.whole);
  let needExiftool = plan.reader === 'exiftool';
  if (QUICKTIME_MIMES.has(sniffed.mime) || sniffed.mime === CANON_CR3) {
    // A plain movie's (or CR3's) dates are read here; anything more only ExifTool reads.
    const parts = read.whole ? findMovie(read.bytes) : (read.movie ?? null);
    const movie = parts === null ? null : sniffed.mime === CANON_CR3 ? await readCanonRawMetadata(parts) : readMovie(parts);
    if (movie !== null) {
      dates = movie.dates;
      width = movie.width;
      height = movie.height;
      needExiftool = false;
    }
  }
  if (plan.reader === 'exifr') {
    try {
      const source = plan.embeddedExif?.tiff ?? (read.whole ? read.bytes : null);
      const r =
        source !== null
          ? await readWithExifr(source, sniffed.mime)
          : await withReadablePath(entry, (p) => readWithExifr(p, sniffed.mime));
      dates = r.dates;
      if (plan.xmp !== undefined) dates.xmp = plan.xmp;
      width ??= r.width;
      height ??= r.height;
      if (r.problem !== null) warning = `Part of the file's metadata could not be read: ${r.problem}`;
      // The embedded EXIF block had no capture date; the container's other metadata may.
      if (plan.embeddedExif && dates.dateTimeOriginal === undefined) {
        if (plan.embeddedExif.fallback === 'exiftool') {
          if (plan.fallbackXmp !== undefined) dates.xmp = plan.fallbackXmp;
          else needExiftool = true;
        }
        else if (plan.embeddedExif.fallback === 'exifr') {
          const container = await readWithExifr(read.bytes, sniffed.mime);
          dates = { ...container.dates, ...definedOnly(dates), xmp: container.dates.xmp };
        }
      }
    } catch {
      // exifr does not know every HEIF brand or odd TIFF variant, nor damaged files; ExifTool
      // reads more, and says what is wrong.
      needExiftool = true;
    }
  }
  // A video read in process (AVI): what ExifTool would have reported.
  if (plan.read !== undefined) ({ dates, width, height } = plan.read);
  // XMP read from the container (GIF, WebP without EXIF): all the metadata such a file has.
  if (plan.reader === 'none' && plan.xmp !== undefined) dates.xmp = plan.xmp;
  // Near-duplicates (issue 11): hashed from the bytes already in memory, before they go back to the pool.
  // ExifTool reads the file itself and may take a while (it queues behind other files): the
  // buffer is not held meanwhile.
  releaseBytes();
  if (needExiftool) {
    const exiftool = ctx.exiftool;
    const readExiftool = ctx.readExiftool ?? (exiftool ? (p: string) => readWithExiftool(exiftool, p) : undefined);
    if (readExiftool) {
      try {
        const r = await withReadablePath(entry, readExiftool);
        dates = r.dates;
        width ??= r.width;
        height ??= r.height;
        if (r.problem !== null) warning = `The file may be damaged: ${r.problem}`;
      } catch (e) {
        warning = `The file's metadata could not be read: ${errorText(e)}`;
      }
    } else {
      warning = 'Reading the metadata of this format needs ExifTool, which is not available.';
    }
  }
  if (warning === null && SIZED_BY_IMAGE_SIZE.has(sniffed.mime) && read.whole && width === null && height === null) {
    warning = 'The image looks damaged or truncated: its size could not be read.';
  }

  if (entry.takeoutJson !== undefined) {
    const jsonPath = entry.takeoutJsonBytes ?? path.join(path.dirname(entry.path), entry.takeoutJson.name);
    const takeout = readTakeoutJson(jsonPath, entry.takeoutJson.expectTitle);
    if (takeout !== null) dates.takeoutPhotoTaken = { utcMs: takeout.takenMs, raw: takeout.raw, position: takeout.position };
  }

  const timestampOptions = {
    timeZone: options.timeZone,
    useFileDatesAsLastResort: options.useFileDatesAsLastResort,
    useGpsTimeZone: options.useGpsTimeZone ?? true,
  };
  const candidates = buildCandidates(dates, name, entry.mtimeMs, timestampOptions);
  const choice = chooseCaptureTime(candidates, timestampOptions);

  return ok({
    path: entry.path,
    ...(entry.pathBytes ? { pathBytes: encodePathBytes(entry.pathBytes) } : {}),
    root: entry.root,
    name,
    size: read.size,
    mtimeMs: entry.mtimeMs,
    sha256: read.sha256,
    mediaType: sniffed.mediaType,
    mime: sniffed.mime,
    width,
    height,
    candidates,
    detected: choice.detected,
    detectedSource: choice.source,
    confidence: choice.confidence,
    tags: extractTags(entry.path, entry.root),
    cameraModel: dates.cameraModel ?? null,
    ...(dates.contentId !== undefined ? { contentId: dates.contentId } : {}),
    warning,
  });
}
