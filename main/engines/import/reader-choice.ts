/**
 * Which reader takes a file's metadata: exifr (pure JS, fast) for the formats it handles well,
 * ExifTool (exiftool-vendored, one shared pool) for everything else: most other videos, PNG text
 * profiles, RAF, and whatever exifr fails on.
 *
 * Containers exifr does not know are opened just far enough to hand it (or exifr's XMP parser)
 * their metadata blocks, so ExifTool is not needed for them: QuickTime/MP4 movies and Canon CR3
 * (quicktime.ts), HEIF stills without the `heic` brand and AVIF (heif-items.ts), the XMP of
 * GIF and WebP (xmp-dates.ts). AVI (riff-avi.ts) and AVCHD `.MTS` (avchd.ts) dates are read from
 * the file's head as ExifTool reads them. Each of those readers gives up, and leaves the file to ExifTool,
 * whenever the file holds anything it cannot read exactly as ExifTool would; their tests compare
 * them with ExifTool.
 */
import type { DatesAndSize } from './metadata-dates.js';
import { heifItems } from './heif-items.js';
import { QUICKTIME_MIMES } from './quicktime.js';
import { xmpDatesLikeExiftool } from './xmp-dates.js';
import { readAvi } from './riff-avi.js';
import { readAvchd } from './avchd.js';
import { extensionOf, MEDIA_EXTENSIONS } from './sniff.js';

/** MIME types exifr reads completely (EXIF, XMP, IPTC); everything else goes to ExifTool. */
const EXIFR_MIMES = new Set([
  'image/jpeg',
  'image/heic',
  'image/heif',
  'image/tiff',
  'image/x-canon-cr2',
  'image/x-nikon-nef',
  'image/x-adobe-dng',
  'image/x-sony-arw',
  'image/x-panasonic-rw2',
  'image/x-olympus-orf',
  'image/x-pentax-pef',
  'image/x-samsung-srw',
]);

/**
 * HEIF stills from cameras (Canon and Sony `.HIF`: brands `heix`, `mif1`, `miaf`) do not list the
 * `heic` brand exifr's HEIF reader looks for: their EXIF item is found in heif-items.ts instead.
 */
const HEIF_STILL_BRANDS = new Set(['mif1', 'heix', 'heim', 'heis']);

function heifBrands(buf: Buffer): string[] {
  const length = buf.readUInt32BE(0);
  if (length > 64 || length > buf.length) return [];
  const brands = [buf.toString('latin1', 8, 12)];
  for (let offset = 16; offset + 4 <= length; offset += 4) brands.push(buf.toString('latin1', offset, offset + 4));
  return brands;
}

// --- In-process video readers (AVI: riff-avi.ts, AVCHD: avchd.ts) -------------------------
/** Videos read here when their metadata is what riff-avi.ts / avchd.ts prove equal to ExifTool. */
const IN_PROCESS_VIDEO_MIMES = ['video/vnd.avi', 'video/x-msvideo', 'video/mp2t'];

/** An AVI's or AVCHD clip's dates and size, read here from its head; null: ExifTool's. */
function readVideoInProcess(mime: string, buf: Buffer, whole: boolean): DatesAndSize | null {
  if (mime === 'video/vnd.avi' || mime === 'video/x-msvideo') return readAvi(buf);
  if (mime === 'video/mp2t') return readAvchd(buf, whole);
  return null;
}
// --- end of in-process video readers ---------------------------------------------------------

/** Formats whose metadata blocks are found here and read by exifr or xmp-dates.ts (see planMetadataRead). */
const READ_WITHOUT_EXIFTOOL = new Set(['image/x-canon-cr3', 'image/avif', 'image/gif', 'image/webp', ...IN_PROCESS_VIDEO_MIMES]);

export function exifrCanRead(mime: string): boolean {
  return EXIFR_MIMES.has(mime);
}

/**
 * From the name alone: will this file probably be read by ExifTool (the videos and image formats
 * that neither exifr nor the QuickTime header reader handle)? Only used to schedule such files
 * early; the content decides the reader.
 */
export function likelyNeedsExiftool(fileName: string): boolean {
  const ext = extensionOf(fileName);
  if (!Object.hasOwn(MEDIA_EXTENSIONS, ext)) return false;
  const mime = MEDIA_EXTENSIONS[ext]!.mime;
  return !exifrCanRead(mime) && !QUICKTIME_MIMES.has(mime) && !READ_WITHOUT_EXIFTOOL.has(mime);
}

export type MetadataReader = 'exifr' | 'exiftool' | 'none';

export interface ReaderPlan {
  reader: MetadataReader;
  /**
   * A TIFF/EXIF block found inside a PNG (eXIf) or WebP (EXIF chunk) that exifr reads directly;
   * `fallback` says whether other metadata (XMP, compressed text, tIME) would still need ExifTool
   * when this block holds no DateTimeOriginal.
   */
  embeddedExif?: { tiff: Buffer; fallback: MetadataReader };
  /** XMP dates found outside what exifr reads (a HEIF's XMP item, a GIF's XMP block), to use as read. */
  xmp?: { tag: string; value: string }[];
  /**
   * XMP dates (a WebP's XMP chunk) that stand in for the ExifTool read of `embeddedExif.fallback`:
   * together with exifr's reading of the EXIF block they are what ExifTool would report.
   */
  fallbackXmp?: { tag: string; value: string }[];
  /** A video's dates and size read here (in-process video readers): all ExifTool would report. */
  read?: DatesAndSize;
}

/**
 * PNG: walks the chunk headers (length + type) to find where the metadata lives. exifr reads
 * tEXt and XMP iTXt itself; the eXIf block is handed to exifr as TIFF; compressed text
 * (ImageMagick's "Raw profile" lives in zTXt), tIME and other iTXt need ExifTool.
 * The chunk contents are left to the metadata libraries.
 */
function planPng(buf: Buffer): ReaderPlan {
  let pos = 8;
  let exif: Buffer | undefined;
  let needsExiftool = false;
  while (pos + 8 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (type === 'eXIf') exif = buf.subarray(pos + 8, Math.min(buf.length, pos + 8 + length));
    else if (type === 'zTXt' || type === 'tIME') needsExiftool = true;
    else if (type === 'iTXt' && buf.toString('latin1', pos + 8, pos + 8 + 17) !== 'XML:com.adobe.xmp') needsExiftool = true;
    else if (type === 'tEXt' && buf.toString('latin1', pos + 8, pos + 8 + 11) === 'Raw profile') needsExiftool = true;
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  if (exif) return { reader: 'exifr', embeddedExif: { tiff: stripExifPrefix(exif), fallback: needsExiftool ? 'exiftool' : 'exifr' } };
  return { reader: needsExiftool ? 'exiftool' : 'exifr' };
}

/** WebP: RIFF chunks (fourcc + little-endian size); EXIF and XMP live only in the extended format. */
function planWebp(buf: Buffer): ReaderPlan {
  if (buf.toString('latin1', 12, 16) !== 'VP8X') return { reader: 'none' };
  let pos = 12;
  let exif: Buffer | undefined;
  const xmpChunks: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const type = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (type === 'EXIF') exif = buf.subarray(pos + 8, Math.min(buf.length, pos + 8 + size));
    else if (type === 'XMP ') xmpChunks.push(buf.subarray(pos + 8, Math.min(buf.length, pos + 8 + size)));
    pos += 8 + size + (size & 1);
  }
  // The XMP chunk's dates, read as ExifTool reads them (null: only ExifTool can tell).
  const xmp = xmpChunks.length === 1 && pos === buf.length ? xmpDatesLikeExiftool(xmpChunks[0]!.toString('utf8')) : xmpChunks.length === 0 ? [] : null;
  if (exif) {
    const plan: ReaderPlan = { reader: 'exifr', embeddedExif: { tiff: stripExifPrefix(exif), fallback: xmpChunks.length > 0 ? 'exiftool' : 'none' } };
    if (xmpChunks.length > 0 && xmp !== null) plan.fallbackXmp = xmp;
    return plan;
  }
  if (xmpChunks.length === 0) return { reader: 'none' };
  return xmp === null ? { reader: 'exiftool' } : { reader: 'none', xmp };
}

/**
 * GIF: XMP lives in an application extension ("XMP DataXMP"); nothing else in a GIF gives
 * ExifTool a date. Its packet is read here; anything unusual goes to ExifTool.
 */
function planGif(buf: Buffer): ReaderPlan {
  const at = buf.indexOf('XMP DataXMP', 0, 'latin1');
  if (at < 0) return { reader: 'none' };
  if (buf.indexOf('XMP DataXMP', at + 1, 'latin1') >= 0) return { reader: 'exiftool' };
  const start = buf.indexOf('<x:xmpmeta', at, 'latin1');
  const end = start < 0 ? -1 : buf.indexOf('</x:xmpmeta>', start, 'latin1');
  if (end < 0 || buf.indexOf('<x:xmpmeta', start + 1, 'latin1') >= 0) return { reader: 'exiftool' };
  const xmp = xmpDatesLikeExiftool(buf.toString('utf8', start, end + '</x:xmpmeta>'.length));
  return xmp === null ? { reader: 'exiftool' } : { reader: 'none', xmp };
}

function stripExifPrefix(block: Buffer): Buffer {
  return block.toString('latin1', 0, 6) === 'Exif\0\0' ? block.subarray(6) : block;
}

/** A HEIF still without the `heic` brand (see HEIF_STILL_BRANDS). */
function isHeifStill(buf: Buffer): boolean {
  if (buf.length < 16 || buf.toString('latin1', 4, 8) !== 'ftyp') return false;
  const brands = heifBrands(buf);
  return !brands.includes('heic') && !brands.includes('avif') && brands.some((b) => HEIF_STILL_BRANDS.has(b));
}

/**
 * A still made of ftyp, one meta and its image data: what exifr and heif-items.ts read completely.
 * Anything else (uuid boxes, image sequences, truncated files) goes to ExifTool.
 */
function isPlainHeif(buf: Buffer): boolean {
  let pos = 0;
  let metas = 0;
  while (pos < buf.length) {
    if (buf.length - pos < 8) return false;
    const size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if (size < 8 || pos + size > buf.length) return false;
    if (type === 'meta') metas++;
    else if (!['ftyp', 'mdat', 'free', 'skip'].includes(type)) return false;
    pos += size;
  }
  return metas === 1;
}

/**
 * Which library reads a file's metadata. exifr where it reads everything that matters (it is
 * several times cheaper than a round trip to ExifTool); ExifTool for the rest. GIF and WebP
 * files without any metadata block (stickers, web images) need no reader at all.
 * `whole` says whether `bytes` is the entire file (small files) or only its head.
 */
export function planMetadataRead(mime: string, bytes: Uint8Array, whole: boolean): ReaderPlan {
  if (mime === 'image/heif' || mime === 'image/heic' || mime === 'image/avif') {
    // exifr reads HEIF/AVIF stills' EXIF; their XMP is read here. ExifTool keeps the rest.
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (mime === 'image/avif' || isHeifStill(buf)) {
      const items = whole && isPlainHeif(buf) ? heifItems(buf) : null;
      if (items === null || items.exifTiff === null) return { reader: 'exiftool' };
      return { reader: 'exifr', embeddedExif: { tiff: items.exifTiff, fallback: 'none' }, xmp: items.xmp };
    }
  }
  if (EXIFR_MIMES.has(mime)) return { reader: 'exifr' };
  // In-process video readers: the head is enough (they give up when their metadata is not in it).
  const video = readVideoInProcess(mime, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), whole);
  if (video !== null) return { reader: 'none', read: video };
  if (!whole) return { reader: 'exiftool' };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (mime === 'image/png') return planPng(buf);
    if (mime === 'image/webp') return planWebp(buf);
  } catch {
    // A damaged container: let ExifTool say what is wrong.
    return { reader: 'exiftool' };
  }
  if (mime === 'image/gif') return planGif(buf);
  return { reader: 'exiftool' };
}
