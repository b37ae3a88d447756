/**
 * Decodes one original and writes a small WebP of it. Pure file I/O (sharp + exifr), no
 * database: it runs inside the thumbnail worker thread, and tests call it directly.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import exifr from 'exifr';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { err, ok, type Result } from '../../../shared/errors.js';
import { errnoToAppError } from '../../rules/errno.js';
import { decodePathBytes } from '../../rules/byte-names.js';
import { ffmpegPath, videoPosterFrame } from './ffmpeg.js';
import { heifPreview } from './heif-preview.js';
import { rawPreviews } from './raw-preview.js';
import { THUMBNAIL_MIME, type RenderJob, type RenderedThumbnail } from '../../protocol/thumbnail.js';
import { withStringPath } from '../originals.js';


// Extensions whose files claim to be an ordinary image: if sharp cannot read them, the file is damaged.
const PLAIN_IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

// TIFF-based RAW files open in sharp as their (often tiny) first IFD; a failure there is not damage.
const RAW_EXTENSIONS = new Set([
  '.3fr', '.arw', '.cr2', '.cr3', '.crw', '.dcr', '.dng', '.erf', '.iiq', '.k25', '.kdc', '.mef', '.mos',
  '.mrw', '.nef', '.nrw', '.orf', '.pef', '.raf', '.raw', '.rw2', '.rwl', '.sr2', '.srf', '.srw', '.x3f',
]);

const VIDEO_EXTENSIONS = new Set([
  '.mp4', '.m4v', '.mov', '.qt', '.3gp', '.3g2', '.avi', '.mts', '.m2ts', '.ts', '.mkv', '.webm', '.wmv', '.asf', '.mpg', '.mpeg',
  '.vob', '.flv', '.dv', '.mod', '.tod',
]);

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

// Decoders in sharp's prebuilt libvips that fail cleanly when bytes are bad (HEVC HEIC is not among them).
const DECODABLE_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff']);

// A thumbnail of a pathological file must not hold a worker forever.
const ENCODE_TIMEOUT_SECONDS = 60;

/** Flop/rotate that turns an EXIF orientation upright; flop first, as sharp itself does it. */
export function orientationOps(orientation: number | undefined): { flop: boolean; rotate: 0 | 90 | 180 | 270 } {
  switch (orientation) {
    case 2: return { flop: true, rotate: 0 };
    case 3: return { flop: false, rotate: 180 };
    case 4: return { flop: true, rotate: 180 };
    case 5: return { flop: true, rotate: 270 };
    case 6: return { flop: false, rotate: 90 };
    case 7: return { flop: true, rotate: 90 };
    case 8: return { flop: false, rotate: 270 };
    default: return { flop: false, rotate: 0 };
  }
}

// libvips keeps one error buffer per thread, so a sharp message can start with lines left over
// from earlier files; the last line is the one about this file.
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1) ?? text;
}

// Written beside the target under a unique name, then renamed, so a reader never sees half a file.
async function writeAtomically(targetPath: string, data: Buffer): Promise<Result<void>> {
  const tmpPath = `${targetPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(targetPath), { recursive: true });
    await writeFile(tmpPath, data);
    await rename(tmpPath, targetPath);
    return ok(undefined);
  } catch (error) {
    await unlink(tmpPath).catch(() => undefined);
    const cause = errnoToAppError(error, targetPath);
    return err(cause.code, `The thumbnail could not be saved in the cache folder: ${cause.message}`, cause.detail);
  }
}

async function encode(
  pipeline: Sharp,
  job: RenderJob,
  from: RenderedThumbnail['from'],
): Promise<Result<RenderedThumbnail>> {
  const { data, info } = await pipeline
    .resize({ width: job.maxEdge, height: job.maxEdge, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .timeout({ seconds: ENCODE_TIMEOUT_SECONDS })
    .toBuffer({ resolveWithObject: true });
  const written = await writeAtomically(job.targetPath, data);
  if (!written.ok) return written;
  return ok({ width: info.width, height: info.height, mime: THUMBNAIL_MIME, from });
}

function fromFile(job: RenderJob): Promise<Result<RenderedThumbnail>> {
  // 'truncated' rejects cut-off files but tolerates the minor warnings many camera JPEGs carry.
  return encode(sharp(job.sourcePath, { failOn: 'truncated', pages: 1 }).rotate(), job, 'image');
}

const NO_PREVIEW = 'MediaParser cannot show a preview of this file type, but it will still be imported and exported.';

// exifr opens a path itself and leaks the handle on some paths (unknown formats, no thumbnail),
// so it gets bytes read here instead. Previews sit near the start of a file; RAWs are tens of MB.
const PREVIEW_SCAN_BYTES = 64 * 1024 * 1024;

/** JPEG, TIFF-based RAW (incl. RW2/ORF variants), PNG, HEIF/AVIF: the containers exifr can read. */
export function mayHoldExif(head: Buffer): boolean {
  if (head.length < 12) return false;
  if (head[0] === 0xff && head[1] === 0xd8) return true;
  const magic = head.toString('latin1', 0, 4);
  if (magic === 'II*\0' || magic === 'MM\0*' || magic === 'IIU\0' || magic === 'IIRO' || magic === 'IIRS' || magic === 'MMOR') return true;
  if (magic === '\x89PNG') return true;
  if (head.toString('latin1', 4, 8) === 'ftyp') {
    return ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif'].includes(head.toString('latin1', 8, 12));
  }
  return false;
}

async function readHead(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const size = Math.min((await handle.stat()).size, maxBytes);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The JPEG preview cameras and phones embed in the EXIF block, for files sharp cannot decode. */
async function fromEmbeddedPreview(job: RenderJob, orientation: number | undefined, why: string): Promise<Result<RenderedThumbnail>> {
  let preview: Uint8Array | undefined;
  let bytes: Buffer;
  try {
    const head = await readHead(job.sourcePath, 16);
    if (!mayHoldExif(head)) return err('unsupported', NO_PREVIEW, `${why}; no EXIF container`);
    bytes = await readHead(job.sourcePath, PREVIEW_SCAN_BYTES);
    preview = await exifr.thumbnail(bytes);
  } catch (error) {
    return err('unsupported', NO_PREVIEW, `${why}; no embedded preview: ${describe(error)}`);
  }
  if (!preview || preview.length === 0) return err('unsupported', NO_PREVIEW, `${why}; no embedded preview`);
  try {
    let pipeline = sharp(Buffer.from(preview.buffer, preview.byteOffset, preview.byteLength), { failOn: 'truncated' });
    // The embedded preview is stored like the sensor data, so the main image's orientation applies to it.
    const ops = orientationOps(orientation ?? (await exifr.orientation(bytes).catch(() => undefined)));
    if (ops.flop) pipeline = pipeline.flop();
    if (ops.rotate !== 0) pipeline = pipeline.rotate(ops.rotate);
    return await encode(pipeline, job, 'embedded');
  } catch (error) {
    return err('unsupported', NO_PREVIEW, `${why}; embedded preview unreadable: ${describe(error)}`);
  }
}

/** A video's poster frame (ffmpeg), a second in, where most clips have left their first black frame. */
async function fromVideo(job: RenderJob): Promise<Result<RenderedThumbnail>> {
  const ffmpeg = ffmpegPath();
  if (ffmpeg === null) return err('unsupported', NO_PREVIEW, 'no ffmpeg for a poster frame');
  const frame = await videoPosterFrame(ffmpeg, job.sourcePath);
  if ('error' in frame) return err('unsupported', 'MediaParser could not read a frame of this video to show.', frame.error);
  try {
    return await encode(sharp(frame.png), job, 'video');
  } catch (error) {
    return err('unsupported', 'MediaParser could not read a frame of this video to show.', describe(error));
  }
}

/** A HEVC-coded HEIC: its thumbnail item or primary image, decoded by ffmpeg. Null: not that kind of file. */
async function fromHeif(job: RenderJob): Promise<Result<RenderedThumbnail> | null> {
  const head = await readHead(job.sourcePath, 12).catch(() => Buffer.alloc(0));
  if (head.length < 12 || head.toString('latin1', 4, 8) !== 'ftyp' || !HEIF_BRANDS.has(head.toString('latin1', 8, 12))) return null;
  const ffmpeg = ffmpegPath();
  if (ffmpeg === null) return null;
  try {
    const preview = await heifPreview(ffmpeg, await readHead(job.sourcePath, PREVIEW_SCAN_BYTES), job.maxEdge);
    return preview === null ? null : await encode(preview.image, job, 'embedded');
  } catch (error) {
    return err('unsupported', NO_PREVIEW, `HEIF image not decodable: ${describe(error)}`);
  }
}

/** A RAW file's own JPEG preview (ExifTool finds every maker's), upright. Null: it has none. */
async function fromRaw(job: RenderJob): Promise<Result<RenderedThumbnail> | null> {
  let found: Awaited<ReturnType<typeof rawPreviews>>;
  try {
    found = await rawPreviews(job.sourcePath);
  } catch {
    return null;
  }
  for (const jpeg of found.jpegs) {
    try {
      let pipeline = sharp(jpeg, { failOn: 'truncated' });
      const ops = orientationOps(found.orientation);
      if (ops.flop) pipeline = pipeline.flop();
      if (ops.rotate !== 0) pipeline = pipeline.rotate(ops.rotate);
      return await encode(pipeline, job, 'embedded');
    } catch {
      // a damaged preview: try the next one
    }
  }
  return null;
}

function corrupt(job: RenderJob, error: unknown): Result<RenderedThumbnail> {
  return err('corrupt', 'This image appears to be damaged and cannot be shown.', `${job.sourcePath}: ${describe(error)}`);
}

/**
 * Writes a WebP no larger than `job.maxEdge` on its longest side, upright per EXIF, to
 * `job.targetPath`. Videos get a poster frame and HEVC HEIC their own thumbnail or image (both
 * through ffmpeg), RAWs their embedded JPEG. Expected failures are values: `unsupported` (no
 * decoder, no ffmpeg, no embedded preview), `corrupt`, `not-found`, `permission-denied`, `io`.
 */
export async function renderThumbnail(job: RenderJob): Promise<Result<RenderedThumbnail>> {
  // sharp and the preview reader open files by string: a name that is not UTF-8 goes through a link.
  if (job.sourcePathBytes !== undefined) {
    const { sourcePathBytes, ...rest } = job;
    return withStringPath(decodePathBytes(sourcePathBytes), job.sourcePath, (p) => renderFromPath({ ...rest, sourcePath: p }));
  }
  return renderFromPath(job);
}

async function renderFromPath(job: RenderJob): Promise<Result<RenderedThumbnail>> {
  try {
    const info = await stat(job.sourcePath);
    if (!info.isFile()) return err('invalid-argument', 'This is not a file.', job.sourcePath);
  } catch (error) {
    return { ok: false, error: errnoToAppError(error, job.sourcePath) };
  }

  const ext = extname(job.sourcePath).toLowerCase();
  if (VIDEO_EXTENSIONS.has(ext)) return fromVideo(job);
  if (RAW_EXTENSIONS.has(ext)) {
    const raw = await fromRaw(job);
    if (raw !== null) return raw;
  }
  let meta: Metadata;
  try {
    meta = await sharp(job.sourcePath).metadata();
  } catch (error) {
    // e.g. a JPEG using DNL markers, which libjpeg-turbo does not implement: valid, just not decodable here.
    const notImplemented = /not supported|not implemented/i.test(describe(error));
    if (PLAIN_IMAGE_EXTENSIONS.has(ext) && !notImplemented) return corrupt(job, error);
    return (await fromHeif(job)) ?? fromEmbeddedPreview(job, undefined, describe(error));
  }

  const decodable =
    (DECODABLE_FORMATS.has(meta.format) && !(meta.format === 'tiff' && RAW_EXTENSIONS.has(ext))) ||
    (meta.format === 'heif' && meta.compression === 'av1');
  try {
    return await fromFile(job);
  } catch (error) {
    if (decodable && !/not supported|not implemented/i.test(describe(error))) return corrupt(job, error);
    if (meta.format === 'heif') {
      const heif = await fromHeif(job);
      if (heif !== null) return heif;
    }
    return fromEmbeddedPreview(job, meta.orientation, describe(error));
  }
}
