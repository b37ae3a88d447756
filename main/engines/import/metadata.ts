/**
 * Reads dates and dimensions with maintained libraries: exifr (pure JS, fast) for the formats it
 * handles well, ExifTool (exiftool-vendored, one shared pool) for everything else: most other
 * videos, PNG text profiles, RAF, and whatever exifr fails on.
 *
 * Containers exifr does not know are opened just far enough to hand it (or exifr's XMP parser)
 * their metadata blocks, so ExifTool is not needed for them: QuickTime/MP4 movies and Canon CR3
 * (quicktime.ts), HEIF stills without the `heic` brand and AVIF (heif-items.ts), the XMP of
 * GIF and WebP (xmp-dates.ts). AVI (riff-avi.ts) and AVCHD `.MTS` (avchd.ts) dates are read from
 * the file's head as ExifTool reads them. Each of those readers gives up, and leaves the file to ExifTool,
 * whenever the file holds anything it cannot read exactly as ExifTool would; their tests compare
 * them with ExifTool.
 */
import exifr from 'exifr';
import type { ExifTool } from 'exiftool-vendored';
import { imageSize } from 'image-size';
import type { MetadataDates } from './metadata-dates.js';
import { emptyMetadataDates, gpsPosition } from './metadata-dates.js';
import { heifItems } from './heif-items.js';
import { type MovieParts, QUICKTIME_MIMES, readCanonRaw } from './quicktime.js';
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
function readVideoInProcess(mime: string, buf: Buffer, whole: boolean): { dates: MetadataDates; width: number | null; height: number | null } | null {
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
  read?: { dates: MetadataDates; width: number | null; height: number | null };
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

const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  xmp: true,
  iptc: true,
  ihdr: true,
  icc: false,
  ifd1: false,
  // The position names the zone of UTC-only dates (Takeout's, a video's).
  gps: true,
  interop: false,
  makerNote: false,
  userComment: false,
  jfif: false,
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  mergeOutput: false,
  multiSegment: true,
  silentErrors: true,
} as unknown as Parameters<typeof exifr.parse>[1];

type Block = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : null;
}

/** `20061029` + `062751-0500` (IPTC) -> `2006:10:29 06:27:51-05:00`. */
export function combineIptc(date: string | undefined, time: string | undefined): string | undefined {
  if (!date || !time) return undefined;
  const d = /^(\d{4})[:-]?(\d{2})[:-]?(\d{2})$/.exec(date.trim());
  const t = /^(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?\s*([+-]\d{2}:?\d{2}|Z)?$/.exec(time.trim());
  if (!d || !t) return undefined;
  let zone = t[4] ?? '';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${d[1]}:${d[2]}:${d[3]} ${t[1]}:${t[2]}:${t[3]}${zone}`;
}

/**
 * exifr's GPSDateStamp (`2008:10:23`) and GPSTimeStamp (`[14, 27, 7.24]`) as ExifTool's
 * Composite GPSDateTime (`2008:10:23 14:27:07.24Z`): its ConvertTimeStamp (seconds to nine
 * decimals, trailing zeros trimmed; 60 seconds roll over).
 */
export function gpsDateTimeOf(date: unknown, time: unknown): string | undefined {
  if (typeof date !== 'string' || !/^\d{4}:\d{2}:\d{2}$/.test(date.trim())) return undefined;
  if (!Array.isArray(time) || time.length !== 3 || !time.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) return undefined;
  let f = ((time[0] as number) * 60 + (time[1] as number)) * 60 + (time[2] as number);
  let h = Math.floor(f / 3600);
  f -= h * 3600;
  let m = Math.floor(f / 60);
  f -= m * 60;
  let ss = f.toFixed(9).padStart(12, '0');
  if (Number(ss) >= 60) {
    ss = '00';
    if (++m >= 60) {
      m -= 60;
      h++;
    }
  } else {
    ss = ss.replace(/\.?0+$/, '');
  }
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${date.trim()} ${p2(h)}:${p2(m)}:${ss}Z`;
}

/** A camera model as stored (`Canon EOS 5D`), trimmed of the padding and NULs some cameras write; undefined when blank. */
export function cameraModelText(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  // eslint-disable-next-line no-control-regex
  const t = String(v).replace(/\u0000/g, '').trim();
  return t === '' ? undefined : t.slice(0, 200);
}

const isXmpStyle = (v: string): boolean => /^\d{4}-\d{2}-\d{2}/.test(v.trim());

/** Normalises exifr's per-block output (mergeOutput: false). */
export function datesFromExifr(out: Record<string, Block | undefined>): MetadataDates {
  const dates = emptyMetadataDates();
  const ifd0 = out.ifd0 ?? {};
  // exifr files XMP's `exif:` namespace under the same `exif` key as the EXIF block; XMP values
  // are ISO-styled (`2013-07-05T03:18:27Z`), EXIF values colon-styled.
  const exif = out.exif ?? {};
  // Some raw files (NEF) keep EXIF tags directly in IFD0, where exifr leaves them numeric.
  const TAG_IDS: Record<string, string> = {
    DateTimeOriginal: '36867',
    CreateDate: '36868',
    OffsetTime: '36880',
    OffsetTimeOriginal: '36881',
    OffsetTimeDigitized: '36882',
    SubSecTime: '37520',
    SubSecTimeOriginal: '37521',
    SubSecTimeDigitized: '37522',
  };
  const exifTag = (name: string): string | undefined => {
    const id = TAG_IDS[name];
    for (const v of [exif[name], ifd0[name], id === undefined ? undefined : ifd0[id]].map(str)) {
      if (v !== undefined && !isXmpStyle(v)) return v;
    }
    return undefined;
  };
  dates.dateTimeOriginal = exifTag('DateTimeOriginal');
  dates.createDate = exifTag('CreateDate') ?? exifTag('DateTimeDigitized');
  dates.modifyDate = str(ifd0.ModifyDate) ?? str(ifd0.DateTime);
  if (dates.modifyDate !== undefined && isXmpStyle(dates.modifyDate)) dates.modifyDate = undefined;
  dates.subSecTimeOriginal = exifTag('SubSecTimeOriginal');
  dates.subSecTimeDigitized = exifTag('SubSecTimeDigitized');
  dates.subSecTime = exifTag('SubSecTime');
  dates.offsetTimeOriginal = exifTag('OffsetTimeOriginal');
  dates.offsetTimeDigitized = exifTag('OffsetTimeDigitized');
  dates.offsetTime = exifTag('OffsetTime');

  const xmpCandidates: [string, unknown][] = [
    ['XMP-photoshop:DateCreated', out.photoshop?.DateCreated],
    ['XMP-exif:DateTimeOriginal', isXmpStyle(str(exif.DateTimeOriginal) ?? '') ? exif.DateTimeOriginal : undefined],
    ['XMP-xmp:CreateDate', (out.xmp ?? out.xap)?.CreateDate],
    ['XMP-exif:DateTimeDigitized', isXmpStyle(str(exif.DateTimeDigitized) ?? '') ? exif.DateTimeDigitized : undefined],
    ['IPTC:DateCreated+TimeCreated', combineIptc(str(out.iptc?.DateCreated), str(out.iptc?.TimeCreated))],
  ];
  for (const [tag, value] of xmpCandidates) {
    const v = str(value);
    if (v !== undefined) dates.xmp.push({ tag, value: v });
  }
  const position = gpsPosition(out.gps?.latitude, out.gps?.longitude);
  if (position !== undefined) dates.position = position;
  const gpsTime = gpsDateTimeOf(out.gps?.GPSDateStamp, out.gps?.GPSTimeStamp);
  if (gpsTime !== undefined) dates.gpsDateTime = gpsTime;
  const ihdr = out.ihdr ?? {};
  dates.pngCreationTime = str(ihdr['Creation Time']) ?? str(ihdr['create-date']) ?? str(ihdr['date:create']);
  // Camera clock correction: which camera took it.
  dates.cameraModel = cameraModelText(ifd0.Model);
  return dates;
}

export interface ReaderResult {
  dates: MetadataDates;
  width: number | null;
  height: number | null;
  /** A problem the reader met (damaged or truncated metadata); the dates found are still used. */
  problem: string | null;
}

/**
 * Reads with exifr from the bytes already in memory (or the path for large files). Throws when
 * exifr cannot make sense of the file, so the caller can ask ExifTool instead.
 */
// (issue 11, import memory) exifr keeps the Options it builds for each options object it is given,
// in a Map keyed by that object: a fresh object per file kept ~6 KB per file for the whole import.
// So the two variants are built once.
const EXIFR_WITH_IPTC = { ...(EXIFR_OPTIONS as object), iptc: true } as Parameters<typeof exifr.parse>[1];
const EXIFR_WITHOUT_IPTC = { ...(EXIFR_OPTIONS as object), iptc: false } as Parameters<typeof exifr.parse>[1];

export async function readWithExifr(input: Buffer | string, mime: string): Promise<ReaderResult> {
  // exifr's IPTC reader breaks on TIFF-based raw files; IPTC dates matter in JPEGs only.
  const options = mime === 'image/jpeg' ? EXIFR_WITH_IPTC : EXIFR_WITHOUT_IPTC;
  const out = (await exifr.parse(input, options)) as (Record<string, Block | undefined> & { errors?: unknown[] }) | undefined;
  if (out && Array.isArray(out.errors) && out.errors.length > 0 && !out.ifd0 && !out.exif) {
    throw new Error(`exifr could not read the metadata: ${String(out.errors[0])}`);
  }
  const blocks = out ?? {};
  const ifd0 = blocks.ifd0 ?? {};
  const exif = blocks.exif ?? {};
  return {
    dates: datesFromExifr(blocks),
    width: num(exif.ExifImageWidth) ?? num(ifd0.ImageWidth),
    height: num(exif.ExifImageHeight) ?? num(ifd0.ImageHeight),
    problem: out && Array.isArray(out.errors) && out.errors.length > 0 ? String(out.errors[0]) : null,
  };
}

/**
 * The environment for ExifTool's perl processes. exiftool-vendored gives them a fresh
 * environment, so without this a TZ set for the app would not reach perl, and the dates ExifTool
 * shows in its own zone (a CR3's movie dates) would follow the system zone instead of the one the
 * app runs in (which the CR3 reader in quicktime.ts uses).
 */
export function exiftoolEnv(): Record<string, string> {
  return process.env.TZ ? { TZ: process.env.TZ } : {};
}

/** The tags ExifTool is asked for: dates, their companions and the dimensions. */
export const EXIFTOOL_ARGS = [
  '-G1',
  '-a',
  '-n',
  // -fast: no scan for trailers at the end of the file. (-fast2 loses QuickTime Keys dates.)
  '-fast',
  '-api',
  'largefilesupport=1',
  '-DateTimeOriginal',
  '-CreateDate',
  '-DateTimeDigitized',
  '-ModifyDate',
  '-SubSecTimeOriginal',
  '-SubSecTimeDigitized',
  '-SubSecTime',
  '-OffsetTimeOriginal',
  '-OffsetTimeDigitized',
  '-OffsetTime',
  '-DateCreated',
  '-TimeCreated',
  '-CreationDate',
  '-ContentCreateDate',
  '-MediaCreateDate',
  '-TrackCreateDate',
  '-CreationTime',
  '-ImageWidth',
  '-ImageHeight',
  // Signed degrees (Composite, from EXIF, XMP or QuickTime's GPSCoordinates): the zone of UTC-only dates.
  '-GPSLatitude',
  '-GPSLongitude',
  '-GPSDateTime',
  // Camera clock correction: the camera model.
  '-Model',
  // Live Photo pairing (live-photos.ts): Apple's MakerNotes (still) or Keys (video).
  '-ContentIdentifier',
  '-MediaGroupUUID',
];

/** Normalises ExifTool's `-G1 -a -n` JSON (keys like `ExifIFD:DateTimeOriginal`, `Track1:MediaCreateDate`). */
export function datesFromExiftool(raw: Record<string, unknown>): { dates: MetadataDates; width: number | null; height: number | null } {
  const dates = emptyMetadataDates();
  const xmp: { tag: string; value: string; rank: number }[] = [];
  let iptcDate: string | undefined;
  let iptcTime: string | undefined;
  /** Width and height by group, in ExifTool's order: both come from the best-ranked group. */
  const sizes = new Map<string, { rank: number; width: number | null; height: number | null }>();
  const set = <K extends keyof MetadataDates>(key: K, value: string | undefined): void => {
    if (value !== undefined && dates[key] === undefined) (dates as unknown as Record<string, unknown>)[key] = value;
  };
  const XMP_RANK: Record<string, number> = { DateCreated: 0, DateTimeOriginal: 1, CreateDate: 2, DateTimeDigitized: 3 };
  const gps: { GPSLatitude?: number; GPSLongitude?: number } = {};

  for (const [key, value] of Object.entries(raw)) {
    const colon = key.indexOf(':');
    if (colon < 0) continue;
    const group = key.slice(0, colon);
    const tag = key.slice(colon + 1);
    if (tag === 'Model') {
      // Camera clock correction: the first Model ExifTool lists (IFD0 before XMP, Keys before UserData).
      if (group !== 'Composite') dates.cameraModel ??= cameraModelText(value);
      continue;
    }
    if (tag === 'ContentIdentifier' || tag === 'MediaGroupUUID') {
      // As readContentId (live-photos.ts): the ContentIdentifier, else the MediaGroupUUID.
      const id = str(value)?.trim();
      if (id && (tag === 'ContentIdentifier' || dates.contentId === undefined)) dates.contentId = id;
      continue;
    }
    if (tag === 'ImageWidth' || tag === 'ImageHeight') {
      // Prefer the container's own size (File/PNG/RIFF/Track) over an embedded preview's IFD0 value.
      const rank = group === 'File' || group === 'PNG' || group === 'RIFF' || group === 'GIF' || group === 'H264' ? 0 : /^Track\d+$/.test(group) ? 1 : 2;
      const n = num(value);
      if (n === null) continue;
      const size = sizes.get(group) ?? { rank, width: null, height: null };
      sizes.set(group, size);
      if (tag === 'ImageWidth') size.width ??= n;
      else size.height ??= n;
      continue;
    }
    if (group === 'Composite' && (tag === 'GPSLatitude' || tag === 'GPSLongitude')) {
      if (typeof value === 'number') gps[tag] = value;
      continue;
    }
    if (group === 'Composite' && tag === 'GPSDateTime') {
      if (typeof value === 'string' && value.endsWith('Z')) dates.gpsDateTime = value;
      continue;
    }
    const v = str(value);
    if (v === undefined) continue;
    if (group === 'Composite' || group === 'MWG' || group === 'System' || group === 'File') continue;
    if (group.startsWith('XMP')) {
      const rank = XMP_RANK[tag];
      if (rank !== undefined) xmp.push({ tag: key, value: v, rank });
      continue;
    }
    if (group === 'IPTC') {
      if (tag === 'DateCreated') iptcDate = v;
      else if (tag === 'TimeCreated') iptcTime = v;
      continue;
    }
    if (group === 'QuickTime') {
      if (tag === 'CreateDate') set('quickTimeCreateDate', v);
      continue;
    }
    if (/^Track\d+$/.test(group)) {
      if (tag === 'MediaCreateDate') set('quickTimeMediaCreateDate', v);
      else if (tag === 'TrackCreateDate') set('quickTimeTrackCreateDate', v);
      continue;
    }
    if (group === 'Keys' || group === 'UserData' || group === 'ItemList') {
      if (tag === 'CreationDate') set('quickTimeCreationDate', v);
      // A year alone (`2010`, iTunes style) is no capture time: a full ©day elsewhere wins.
      else if (tag === 'ContentCreateDate' && (dates.quickTimeContentCreateDate === undefined || !/\d:\d\d/.test(dates.quickTimeContentCreateDate))) {
        dates.quickTimeContentCreateDate = v;
      }
      continue;
    }
    // ASF's file date and Matroska's DateUTC (family-1 group Info) are UTC instants (ExifTool appends `Z`), not the
    // local time a camera wrote: they count as the container's UTC header date. (Matroska's
    // DATE_RECORDED tag, also named DateTimeOriginal, is written as the writer chose.)
    if ((group === 'ASF' && tag === 'CreationDate') || ((group === 'Matroska' || group === 'Info') && tag === 'DateTimeOriginal' && /Z$/.test(v))) {
      set('quickTimeCreateDate', v);
      continue;
    }
    if (group === 'PNG') {
      if (tag === 'CreationTime' || tag === 'CreateDate') set('pngCreationTime', v);
      else if (tag === 'ModifyDate') set('modifyDate', v);
      continue;
    }
    switch (tag) {
      case 'DateTimeOriginal':
        set('dateTimeOriginal', v);
        break;
      case 'CreateDate':
      case 'DateTimeDigitized':
        set('createDate', v);
        break;
      case 'ModifyDate':
        if (group === 'IFD0' || group === 'ExifIFD') set('modifyDate', v);
        break;
      case 'SubSecTimeOriginal':
        set('subSecTimeOriginal', v);
        break;
      case 'SubSecTimeDigitized':
        set('subSecTimeDigitized', v);
        break;
      case 'SubSecTime':
        set('subSecTime', v);
        break;
      case 'OffsetTimeOriginal':
        set('offsetTimeOriginal', v);
        break;
      case 'OffsetTimeDigitized':
        set('offsetTimeDigitized', v);
        break;
      case 'OffsetTime':
        set('offsetTime', v);
        break;
      default:
        break;
    }
  }
  // The first best-ranked group with a width (a movie's first picture track), its height with it.
  let best: { rank: number; width: number | null; height: number | null } | undefined;
  for (const size of sizes.values()) if (size.width !== null && (best === undefined || size.rank < best.rank)) best = size;
  const width = best?.width ?? null;
  let height = best?.height ?? null;
  if (height === null && best !== undefined) height = [...sizes.values()].find((s) => s.rank <= best.rank && s.height !== null)?.height ?? null;
  xmp.sort((a, b) => a.rank - b.rank);
  dates.xmp = xmp.map(({ tag, value }) => ({ tag, value }));
  const iptc = combineIptc(iptcDate, iptcTime);
  if (iptc) dates.xmp.push({ tag: 'IPTC:DateCreated+TimeCreated', value: iptc });
  const position = gpsPosition(gps.GPSLatitude, gps.GPSLongitude);
  if (position !== undefined) dates.position = position;
  return { dates, width, height };
}

/** `Warning: Truncated 'moov' data - /path/file.mov` -> `Truncated 'moov' data`. */
function cleanExiftoolMessage(message: string, path: string): string {
  return message.replace(/^(Warning|Error):\s*/i, '').replace(` - ${path}`, '').trim();
}

/**
 * Dates, size and the first real problem from one file's ExifTool record (readRaw output, which
 * has `errors`/`warnings` arrays, or a batch record with `ExifTool:Error`/`ExifTool:Warning`).
 */
export function resultFromExiftool(raw: Record<string, unknown>, path: string): ReaderResult {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const errors = [...list(raw.errors), ...list(raw['ExifTool:Error'])];
  // '[minor]' warnings are ExifTool's notes about harmless oddities, not damage.
  const warnings = [...list(raw.warnings), ...list(raw['ExifTool:Warning'])].filter((w) => !/\[minor\]/i.test(w));
  const first = errors[0] ?? warnings[0];
  return { ...datesFromExiftool(raw), problem: first === undefined ? null : cleanExiftoolMessage(first, path) };
}

/** Tags of a TIFF block that carry metadata exifr would not read here (XMP, IPTC). */
const FOREIGN_IN_TIFF = ['ApplicationNotes', 'IPTC', '700', '33723'];

/**
 * Canon CR3 (see readCanonRaw): its two EXIF blocks read by exifr, its movie dates like any
 * movie's. Null when only ExifTool can read the file.
 */
export async function readCanonRawMetadata(parts: MovieParts): Promise<ReaderResult | null> {
  const options = EXIFR_WITHOUT_IPTC;
  const reading = await readCanonRaw(parts, async (tiff) => {
    const out = (await exifr.parse(tiff, options)) as (Record<string, Block | undefined> & { errors?: unknown[] }) | undefined;
    if (out === undefined || (Array.isArray(out.errors) && out.errors.length > 0)) throw new Error('unreadable EXIF block');
    if (FOREIGN_IN_TIFF.some((k) => out.ifd0?.[k] !== undefined)) throw new Error('EXIF block with XMP or IPTC');
    return out;
  });
  if (reading?.exif === undefined) return null;
  const exifDates = datesFromExifr({ ifd0: reading.exif });
  const dates: MetadataDates = { ...reading.dates, xmp: reading.dates.xmp };
  for (const [key, value] of Object.entries(exifDates)) {
    if (key !== 'xmp' && value !== undefined) (dates as unknown as Record<string, unknown>)[key] = value;
  }
  return { dates, width: reading.width, height: reading.height, problem: null };
}

export async function readWithExiftool(exiftool: ExifTool, path: string): Promise<ReaderResult> {
  // readRaw: no post-processing, so no time-zone inference on the stored strings.
  const raw = (await exiftool.readRaw(path, { readArgs: EXIFTOOL_ARGS, useMWG: false })) as unknown as Record<string, unknown>;
  return resultFromExiftool(raw, path);
}

/** Width and height from the bytes in memory, when the format is one image-size knows. */
export function dimensionsFromBuffer(buf: Uint8Array): { width: number | null; height: number | null } {
  try {
    const size = imageSize(buf);
    // Stored (unrotated) size, as ExifTool reports it.
    return { width: size.width || null, height: size.height || null };
  } catch {
    return { width: null, height: null };
  }
}
