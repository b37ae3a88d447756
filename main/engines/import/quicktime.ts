/**
 * QuickTime / MP4 / 3GP dates without a round trip to ExifTool, for the common case: a movie
 * whose only date-bearing atoms are the movie, track and media headers (mvhd, tkhd, mdhd) and
 * Apple's `com.apple.quicktime.creationdate` key. Those are a few fixed-layout integers and one
 * string; every value is produced exactly as ExifTool (the reference reader, whose output the
 * import normalises in datesFromExiftool) renders it, so the candidates do not depend on which
 * reader ran.
 *
 * An XMP packet (a `udta/XMP_` atom or the XMP uuid box) is read with exifr's XMP parser
 * (see xmp-dates.ts). Anything else that ExifTool could turn into one of the tags we ask for
 * (maker-specific user data, iTunes info, unknown Keys, compressed or fragmented movies, other
 * uuid boxes, trailing bytes, truncated atoms) makes `readMovie` answer null, and the file goes
 * to ExifTool as before. The lists of such atoms come from ExifTool's own tag tables
 * (QuickTime.pm 13.59: the UserData, Keys, Movie, Track and Meta tables, and the tables their
 * sub-directories lead to that hold a date or image-size tag).
 *
 * (mp4box was tried for the box parsing: it stops at the first atom whose type is not ASCII,
 * and the `©xyz`-style atoms that phones write into `udta` are exactly those, so it could not
 * tell whether a movie carries anything only ExifTool reads.)
 */
import { utcToZone } from '../../../shared/capture-time.js';
import type { DatesAndSize, GpsPosition } from './metadata-dates.js';
import { emptyMetadataDates, parseIso6709 } from './metadata-dates.js';
import { nullIfUnsupported, unsupported } from './unsupported.js';
import { convertXmpDate, xmpDatesLikeExiftool } from './xmp-dates.js';

/** Seconds from 1904-01-01 (QuickTime's epoch) to 1970-01-01. */
const MAC_EPOCH_OFFSET = (66 * 365 + 17) * 24 * 3600;

/** Formats whose metadata is a QuickTime movie box (file-type's MIME types). Canon CR3 is not one of them: it also holds EXIF. */
export const QUICKTIME_MIMES: ReadonlySet<string> = new Set(['video/quicktime', 'video/mp4', 'video/x-m4v', 'video/3gpp', 'video/3gpp2']);

/** Top-level boxes a plain movie consists of. Anything else (meta, pnot, moof...) goes to ExifTool; uuid only for XMP. */
const PLAIN_TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'uuid']);
/** The uuid box that holds an XMP packet (Adobe's, also used by Canon). */
export const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
/** Canon CR3: the moov-level uuid box holding the EXIF blocks, and the top-level preview box. */
const CANON_UUID = '85c0b687820f11e08111f4ce462b6a48';
const CANON_PREVIEW_UUID = 'eaf42b5e1c984b88b9fbb7dc406e4d16';
/** Children of the Canon uuid box; CMT1 (IFD0) and CMT2 (EXIF) hold the dates, the rest none. */
const CANON_UUID_CHILDREN = new Set(['CNCV', 'CCTP', 'CTBO', 'CMT1', 'CMT2', 'CMT3', 'CMT4', 'THMB', 'CNTH', 'CNOP', 'free']);
/** Biggest XMP packet kept for a streamed file. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
/** Padding boxes: ExifTool looks inside them (Kodak, Pittasoft, DJI, Canon...) unless they are blank. */
const PADDING = new Set(['free', 'skip', 'wide']);
/** Biggest `moov` kept in memory for a streamed file; larger ones are left to ExifTool. */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/** Movie/Track children whose ExifTool sub-tables may hold dates (or that need the whole file). */
const UNSAFE_MOVIE_CHILDREN = new Set(['uuid', 'cmov', 'meco', 'htka']);
const UNSAFE_TRACK_CHILDREN = new Set(['uuid', 'meco']);
/**
 * UserData atoms that ExifTool maps to a date or image-size tag, directly (`date`) or through
 * a sub-table (EXIF blocks, maker notes, PLIST, GoPro, TomTom, Microsoft Xtra). The others,
 * maker atoms such as TAGS included, lead only to tables without such tags. (XMP_ is read here,
 * in the movie's own udta.)
 */
const UNSAFE_USER_DATA = new Set(['date', 'GPMF', 'LEIC', 'MVTG', 'NCDT', 'PANA', 'QVMI', 'RICO', 'RMKN', 'SIGM', 'TTMD', 'Xtra']);
/**
 * Keys (after ExifTool strips `com.` / `com.apple.quicktime.`) known to hold no date: what
 * iPhones, Android phones and editors write. Any other key goes to ExifTool, which names unknown
 * keys after their text (a key `creation.date` would become a CreationDate tag).
 */
const SAFE_KEYS = new Set([
  'album', 'artist', 'author', 'comment', 'copyright', 'description', 'displayname', 'genre', 'keywords', 'title',
  'information', 'publisher', 'rating.user', 'collection.user', 'year',
  'make', 'model', 'software', 'location.ISO6709', 'location.name', 'location.body', 'location.note', 'location.role',
  'location.accuracy.horizontal', 'location.date', 'content.identifier', 'live-photo.auto', 'live-photo.vitality-score',
  'live-photo.vitality-scoring-version', 'full-frame-rate-playback-intent', 'camera.identifier', 'camera.lens_model',
  'camera.focal_length.35mm_equivalent', 'camera.framereadouttimeinmicroseconds', 'android.version', 'android.capture.fps',
  'android.manufacturer', 'android.model',
]);
/** The Apple key a Live Photo's video shares with its still (live-photos.ts). */
const CONTENT_ID_KEY = 'content.identifier';
/** The Apple key whose value is the local capture time with its offset. */
const CREATION_DATE_KEY = 'creationdate';
/** The Apple key holding the position (ISO 6709), which names the zone of the UTC header dates. */
const LOCATION_KEY = 'location.ISO6709';
/** The UserData atom holding the position (ISO 6709), written by Android phones and cameras. */
const POSITION_ATOM = '\u00a9xyz';

/** Whether a file's first bytes are an ISO-BMFF/QuickTime box header of a plain movie. */
export function looksLikeMovie(head: Buffer): boolean {
  return head.length >= 8 && PLAIN_TOP_LEVEL.has(typeAt(head, 4));
}

interface Box {
  type: string;
  /** Offset of the box header. */
  offset: number;
  /** Offset of the payload (after the header). */
  start: number;
  /** Offset just past the box. */
  end: number;
}

function typeAt(buf: Buffer, pos: number): string {
  return buf.toString('latin1', pos, pos + 4);
}

/**
 * The boxes tiling `buf[start, end)`. Anything irregular (a size that does not fit, leftover
 * bytes) is unsupported: ExifTool would warn about it, and its warning is what the file's row
 * should show. QuickTime allows a 32-bit zero to end a UserData list (`allowTerminator`).
 */
function children(buf: Buffer, start: number, end: number, allowTerminator = false): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < 8) {
      if (allowTerminator && end - pos === 4 && buf.readUInt32BE(pos) === 0) break;
      unsupported();
    }
    let size = buf.readUInt32BE(pos);
    let header = 8;
    if (size === 1) {
      if (end - pos < 16) unsupported();
      const big = buf.readBigUInt64BE(pos + 8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) unsupported();
      size = Number(big);
      header = 16;
    } else if (size === 0) {
      if (allowTerminator) break;
      unsupported();
    }
    if (size < header || pos + size > end) unsupported();
    out.push({ type: typeAt(buf, pos + 4), offset: pos, start: pos + header, end: pos + size });
    pos += size;
  }
  return out;
}

/** ExifTool's rendering of a QuickTime header date (`%timeInfo`: RawConv, then ConvertUnixTime). */
export function quickTimeDateString(seconds: number, asLocal: boolean, timeZone?: string): string {
  let t = seconds;
  // Software that counted from 1970 instead of 1904: ExifTool takes the value as Unix time.
  if (t !== 0 && t >= MAC_EPOCH_OFFSET) t -= MAC_EPOCH_OFFSET;
  if (t === 0) return '0000:00:00 00:00:00';
  const p2 = (n: number): string => String(n).padStart(2, '0');
  if (!asLocal) {
    const d = new Date(t * 1000);
    return `${String(d.getUTCFullYear()).padStart(4, ' ')}:${p2(d.getUTCMonth() + 1)}:${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  }
  // Canon CR3: ExifTool shows the (UTC) value in its own process's zone, with the offset.
  const local = utcToZone(t * 1000, timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone) ?? { local: new Date(t * 1000).toISOString(), offset: '+00:00' };
  return `${local.local.slice(0, 10).replaceAll('-', ':')} ${local.local.slice(11, 19)}${local.offset}`;
}

/** ExifTool's Keys CreationDate ValueConv (XMP::ConvertXMPDate, then a colon in the offset). */
export function keysDateString(value: string): string {
  return convertXmpDate(value).replace(/([-+]\d{2})(\d{2})$/, '$1:$2');
}

/** The creation time of an mvhd/tkhd/mdhd payload (version 0: 32-bit, version 1: 64-bit). */
function headerTime(buf: Buffer, box: Box): { seconds: number; version: number } {
  if (box.end - box.start < 12) unsupported();
  const version = buf[box.start]!;
  if (version === 0) return { seconds: buf.readUInt32BE(box.start + 4), version };
  if (version === 1) {
    if (box.end - box.start < 16) unsupported();
    const big = buf.readBigUInt64BE(box.start + 4);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) unsupported();
    return { seconds: Number(big), version };
  }
  return unsupported();
}

/** ExifTool's FixWrongFormat: a 16.16 fixed-point size read as an integer; 0 means no tag. */
function trackDimension(raw: number): number | null {
  if (raw === 0) return null;
  return (raw & 0xfff00000) !== 0 ? raw >>> 16 : raw;
}

function only(boxes: Box[], type: string): Box | undefined {
  const found = boxes.filter((b) => b.type === type);
  if (found.length > 1) unsupported();
  return found[0];
}

/**
 * ExifTool warns about a sample description table whose entries overrun it ("Truncated ...
 * sample table"); such a file goes to ExifTool, so that its warning reaches the file's row.
 */
function checkSampleDescriptions(buf: Buffer, media: Box[]): void {
  const minf = only(media, 'minf');
  if (minf === undefined) return;
  const stbl = only(children(buf, minf.start, minf.end), 'stbl');
  if (stbl === undefined) return;
  for (const stsd of children(buf, stbl.start, stbl.end)) {
    if (stsd.type !== 'stsd' || stsd.end - stsd.start < 8) continue;
    const count = buf.readUInt32BE(stsd.start + 4);
    let pos = stsd.start + 8;
    for (let i = 0; i < count; i++) {
      if (pos + 8 > stsd.end) unsupported();
      const size = buf.readUInt32BE(pos);
      if (pos + size > stsd.end) unsupported();
      // (A zero size would make ExifTool loop on the same entry; it is no valid movie either.)
      if (size === 0) unsupported();
      pos += size;
    }
  }
}

/** The `©day` atom (ContentCreateDate): the camera app's local time, usually with its offset. */
const CONTENT_DATE_ATOM = '\u00a9day';

/** What a movie-level UserData list or meta box gives the import. */
interface UserDataFound {
  xmp?: Buffer;
  /** ©day, rendered as ExifTool renders ContentCreateDate. */
  contentDate?: string;
  position?: GpsPosition;
}

/** Keeps the first ©day; a second one that differs is ExifTool's to sort out. */
function addContentDate(found: UserDataFound, value: string | undefined): void {
  if (value === undefined) return;
  if (found.contentDate !== undefined && found.contentDate !== value) unsupported();
  found.contentDate = value;
}

/**
 * A QuickTime-style text atom (`©day` in UserData): one string of a 16-bit length and a 16-bit
 * language code. Several strings (languages) or any other layout go to ExifTool.
 */
function userDataText(buf: Buffer, atom: Box): string {
  if (atom.end - atom.start < 4) unsupported();
  const length = buf.readUInt16BE(atom.start);
  if (atom.start + 4 + length !== atom.end) unsupported();
  return buf.toString('utf8', atom.start + 4, atom.end).replace(/\0+$/, '');
}

/**
 * A UserData list: fine when none of its atoms can give ExifTool a date; a nested meta is vetted
 * too. Returns its XMP packet and ©day; `movieLevel` is false inside tracks (ExifTool files
 * those under the track, where the import ignores them).
 */
function checkUserData(buf: Buffer, udta: Box, movieLevel: boolean): UserDataFound {
  const found: UserDataFound = {};
  for (const atom of children(buf, udta.start, udta.end, true)) {
    if (UNSAFE_USER_DATA.has(atom.type)) unsupported();
    if (atom.type === 'meta') {
      const inMeta = checkMeta(buf, atom, false, movieLevel);
      addContentDate(found, inMeta.contentDate);
      if (inMeta.position !== undefined) {
        if (found.position !== undefined) unsupported();
        found.position = inMeta.position;
      }
    }
    if (atom.type === CONTENT_DATE_ATOM) {
      if (!movieLevel) unsupported();
      const text = userDataText(buf, atom);
      if (text.trim() !== '') addContentDate(found, keysDateString(text));
    }
    if (atom.type === POSITION_ATOM && movieLevel) {
      const position = parseIso6709(userDataText(buf, atom));
      // Two positions: ExifTool's first one is not worth guessing.
      if (found.position !== undefined && position !== undefined) unsupported();
      if (position !== undefined) found.position = position;
    }
    if (atom.type === 'XMP_') {
      if (!movieLevel || found.xmp !== undefined) unsupported();
      found.xmp = buf.subarray(atom.start, atom.end);
    }
  }
  return found;
}

/** Payload boxes of a `meta`, which is a full box in MP4 and a plain container in QuickTime. */
function metaChildren(buf: Buffer, meta: Box): Box[] {
  const plain = meta.end - meta.start >= 8 && typeAt(buf, meta.start + 4) === 'hdlr';
  return children(buf, plain ? meta.start : meta.start + 4, meta.end);
}

/** The UTF-8 text of an item list entry's single `data` box. */
function itemText(buf: Buffer, item: Box): string {
  const data = children(buf, item.start, item.end);
  if (data.length !== 1 || data[0]!.type !== 'data') unsupported();
  const d = data[0]!;
  // data: 1 byte version, 3 bytes type (1 = UTF-8), 4 bytes locale, then the text.
  if (d.end - d.start < 8 || buf.readUInt32BE(d.start) !== 1) unsupported();
  return buf.toString('utf8', d.start + 8, d.end);
}

/**
 * Vets a `meta` box and returns the Apple creation date and the ©day it holds, if any. Only a
 * handler, keys and an item list (and padding) are understood; `allowCreationDate` is false
 * inside UserData and tracks (ExifTool files the key elsewhere and the import ignores it), and
 * `movieLevel` false inside tracks.
 */
function checkMeta(
  buf: Buffer,
  meta: Box,
  allowCreationDate: boolean,
  movieLevel = allowCreationDate,
): { creationDate?: string; contentDate?: string; position?: GpsPosition; contentId?: string } {
  const boxes = metaChildren(buf, meta);
  for (const b of boxes) if (!['hdlr', 'keys', 'ilst', 'free'].includes(b.type)) unsupported();
  const keysBox = only(boxes, 'keys');
  const ilst = only(boxes, 'ilst');
  let creationIndex = -1;
  let locationIndex = -1;
  let contentIdIndex = -1;
  if (keysBox) {
    if (keysBox.end - keysBox.start < 8) unsupported();
    const count = buf.readUInt32BE(keysBox.start + 4);
    let pos = keysBox.start + 8;
    for (let i = 1; i <= count; i++) {
      if (pos + 8 > keysBox.end) unsupported();
      const size = buf.readUInt32BE(pos);
      if (size < 8 || pos + size > keysBox.end) unsupported();
      const namespace = typeAt(buf, pos + 4);
      let key = buf.toString('utf8', pos + 8, pos + size).replace(/\0.*$/s, '');
      if (namespace === 'mdta') key = key.replace(/^com\.(apple\.quicktime\.)?/, '');
      if (namespace === 'mdta' && key === CREATION_DATE_KEY) creationIndex = i;
      else if (namespace === 'mdta' && key === LOCATION_KEY) locationIndex = i;
      else if (namespace === 'mdta' && key === CONTENT_ID_KEY) contentIdIndex = i;
      else if (namespace !== 'mdta' || !SAFE_KEYS.has(key)) unsupported();
      pos += size;
    }
  }
  const out: { creationDate?: string; contentDate?: string; position?: GpsPosition; contentId?: string } = {};
  if (!ilst) return out;
  for (const item of children(buf, ilst.start, ilst.end)) {
    // iTunes "----" items lead ExifTool to PLIST data, which may hold dates.
    if (item.type === '----') unsupported();
    if (keysBox === undefined) {
      // An iTunes-style list (ExifTool's ItemList): ©day is its only date we ask for, ©xyz its position.
      if (item.type === POSITION_ATOM && movieLevel) {
        const position = parseIso6709(itemText(buf, item));
        if (out.position !== undefined && position !== undefined) unsupported();
        if (position !== undefined) out.position = position;
        continue;
      }
      if (item.type !== CONTENT_DATE_ATOM) continue;
      if (!movieLevel) unsupported();
      const text = itemText(buf, item);
      if (text.trim() === '') continue;
      const value = keysDateString(text);
      if (out.contentDate !== undefined && out.contentDate !== value) unsupported();
      out.contentDate = value;
      continue;
    }
    // In a keyed list, an item's type is the 1-based index of its key.
    const index = Buffer.from(item.type, 'latin1').readUInt32BE(0);
    if (index === contentIdIndex) {
      // Live Photo pairing only, never a date: kept from the movie's own list.
      const text = itemText(buf, item).trim();
      if (movieLevel && text !== '') out.contentId ??= text;
      continue;
    }
    if (index === locationIndex && allowCreationDate) {
      out.position ??= parseIso6709(itemText(buf, item));
      continue;
    }
    if (index !== creationIndex) continue;
    if (!allowCreationDate) unsupported();
    const text = itemText(buf, item);
    if (out.creationDate === undefined && text.trim() !== '') out.creationDate = keysDateString(text);
  }
  return out;
}

/**
 * What the import needs from an ISO-BMFF file's top level: the `moov` box (header included),
 * the XMP uuid box's packet, the ids of any other uuid boxes, and the major brand.
 */
export interface MovieParts {
  moov: Buffer;
  xmp: Buffer | null;
  otherUuids: string[];
  brand: string | null;
}

export interface QuickTimeReading extends DatesAndSize {
  /** CR3 only: the EXIF tags of its IFD0 and EXIF blocks, as exifr names them (for datesFromExifr). */
  exif?: Record<string, unknown>;
}

/**
 * Reads the dates and the first video track's size from a movie's parts. Null when the movie
 * holds anything only ExifTool reads.
 */
export function readMovie(parts: MovieParts): QuickTimeReading | null {
  return nullIfUnsupported(() => readMovieOrThrow(parts, null));
}

/**
 * Canon CR3: a QuickTime movie whose EXIF lives in two TIFF blocks (CMT1: IFD0, CMT2: the EXIF
 * directory) inside a Canon uuid box. The blocks are read by exifr; the movie's dates as for any
 * movie, except that ExifTool shows a CR3's header dates in its own time zone, with the offset.
 * Null when only ExifTool can read the file.
 */
export async function readCanonRaw(parts: MovieParts, exifrReader: (tiff: Buffer) => Promise<Record<string, Record<string, unknown> | undefined>>): Promise<QuickTimeReading | null> {
  if (parts.brand !== 'crx ') return null;
  const canon: CanonBlocks = {};
  const reading = nullIfUnsupported(() => readMovieOrThrow(parts, canon));
  if (reading === null) return null;
  if (canon.cmt1 === undefined || canon.cmt2 === undefined) return null;
  const blocks = await Promise.all([exifrReader(canon.cmt1), exifrReader(canon.cmt2)]).catch(() => null);
  if (blocks === null) return null;
  const [ifd0, exif] = blocks.map((b) => b.ifd0);
  // Either block holding anything but its own directory (XMP, IPTC, errors) is left to ExifTool.
  for (const b of blocks) if (Object.keys(b).some((k) => k !== 'ifd0')) return null;
  if (ifd0 === undefined || exif === undefined) return null;
  reading.exif = { ...exif, ...ifd0 };
  return reading;
}

interface CanonBlocks {
  cmt1?: Buffer;
  cmt2?: Buffer;
}

function readMovieOrThrow(parts: MovieParts, canon: CanonBlocks | null): QuickTimeReading {
  const cr3 = canon !== null;
  if (parts.otherUuids.some((id) => !(cr3 && id === CANON_PREVIEW_UUID))) unsupported();
  const localZone = cr3 ? Intl.DateTimeFormat().resolvedOptions().timeZone : undefined;
  const when = (seconds: number): string => quickTimeDateString(seconds, cr3, localZone);
  const buf = parts.moov;
  let xmp: Buffer | undefined = parts.xmp ?? undefined;
  const [moov] = children(buf, 0, buf.length);
  if (moov?.type !== 'moov') unsupported();
  const dates = emptyMetadataDates();
  let width: number | null = null;
  let height: number | null = null;
  const boxes = children(buf, moov.start, moov.end);
  const mvhd = only(boxes, 'mvhd');
  if (mvhd === undefined) unsupported();
  dates.quickTimeCreateDate = when(headerTime(buf, mvhd).seconds);
  for (const box of boxes) {
    if (canon !== null && box.type === 'uuid' && box.end - box.start >= 16 && buf.toString('hex', box.start, box.start + 16) === CANON_UUID) {
      for (const atom of children(buf, box.start + 16, box.end)) {
        if (!CANON_UUID_CHILDREN.has(atom.type)) unsupported();
        if (atom.type === 'CMT1' || atom.type === 'CMT2') {
          const key = atom.type === 'CMT1' ? 'cmt1' : 'cmt2';
          if (canon[key] !== undefined) unsupported();
          canon[key] = buf.subarray(atom.start, atom.end);
        }
      }
      continue;
    }
    if (UNSAFE_MOVIE_CHILDREN.has(box.type)) unsupported();
    if (box.type === 'udta') {
      const found = checkUserData(buf, box, true);
      if (found.xmp !== undefined) {
        // Two packets would give ExifTool two values for one tag: let it sort them out.
        if (xmp !== undefined) unsupported();
        xmp = found.xmp;
      }
      if (found.contentDate !== undefined) {
        if (dates.quickTimeContentCreateDate !== undefined && dates.quickTimeContentCreateDate !== found.contentDate) unsupported();
        dates.quickTimeContentCreateDate = found.contentDate;
      }
      if (found.position !== undefined) {
        if (dates.position !== undefined) unsupported();
        dates.position = found.position;
      }
    } else if (box.type === 'meta') {
      const found = checkMeta(buf, box, true);
      if (found.position !== undefined) {
        if (dates.position !== undefined) unsupported();
        dates.position = found.position;
      }
      if (found.creationDate !== undefined) dates.quickTimeCreationDate ??= found.creationDate;
      if (found.contentId !== undefined) dates.contentId ??= found.contentId;
      if (found.contentDate !== undefined) {
        if (dates.quickTimeContentCreateDate !== undefined && dates.quickTimeContentCreateDate !== found.contentDate) unsupported();
        dates.quickTimeContentCreateDate = found.contentDate;
      }
    } else if (box.type === 'trak') {
      const track = children(buf, box.start, box.end);
      for (const t of track) {
        if (UNSAFE_TRACK_CHILDREN.has(t.type)) unsupported();
        if (t.type === 'udta') checkUserData(buf, t, false);
        if (t.type === 'meta') checkMeta(buf, t, false);
      }
      const tkhd = only(track, 'tkhd');
      const mdia = only(track, 'mdia');
      if (tkhd === undefined || mdia === undefined) unsupported();
      const { seconds, version } = headerTime(buf, tkhd);
      dates.quickTimeTrackCreateDate ??= when(seconds);
      const sizeAt = tkhd.start + (version === 1 ? 88 : 76);
      if (sizeAt + 8 > tkhd.end) unsupported();
      const w = trackDimension(buf.readUInt32BE(sizeAt));
      const h = trackDimension(buf.readUInt32BE(sizeAt + 4));
      // The first track with a picture size, as datesFromExiftool picks it.
      if (width === null && w !== null) {
        width = w;
        height = h;
      }
      const media = children(buf, mdia.start, mdia.end);
      const mdhd = only(media, 'mdhd');
      if (mdhd === undefined) unsupported();
      checkSampleDescriptions(buf, media);
      dates.quickTimeMediaCreateDate ??= when(headerTime(buf, mdhd).seconds);
    }
  }
  if (xmp !== undefined) {
    const found = xmpDatesLikeExiftool(xmp.toString('utf8'));
    if (found === null) unsupported();
    dates.xmp = found;
  }
  return { dates, width, height };
}

/**
 * Finds the movie parts of a whole file in memory: null when the file's top level holds anything
 * but the plain movie boxes (or padding with content), or is not tiled exactly by its boxes.
 */
export function findMovie(file: Buffer): MovieParts | null {
  return nullIfUnsupported(() => {
    const parts: Omit<MovieParts, 'moov'> & { moov: Buffer | null } = { moov: null, xmp: null, otherUuids: [], brand: null };
    for (const box of children(file, 0, file.length)) {
      if (!PLAIN_TOP_LEVEL.has(box.type)) return null;
      if (PADDING.has(box.type) && !isBlank(file, box.start, box.end)) return null;
      if (box.type === 'ftyp' && parts.brand === null && box.end - box.start >= 4) parts.brand = file.toString('latin1', box.start, box.start + 4);
      if (box.type === 'uuid') {
        if (box.end - box.start < 16) return null;
        const id = file.toString('hex', box.start, box.start + 16);
        if (id !== XMP_UUID) parts.otherUuids.push(id);
        else if (parts.xmp !== null) return null;
        else parts.xmp = file.subarray(box.start + 16, box.end);
      }
      if (box.type === 'moov') {
        if (parts.moov !== null) return null;
        parts.moov = file.subarray(box.offset, box.end);
      }
    }
    return parts.moov === null ? null : { ...parts, moov: parts.moov };
  });
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Watches a file stream by (chunks in order, as the hash reads them) and keeps the movie parts
 * (see MovieParts), so a large video or CR3 is read once. `movie()` is null when the top level
 * is not a plain movie.
 */
export class MovieCollector {
  private pos = 0;
  /** File offset just past the last complete box. */
  private nextBox = 0;
  /** The current box's header bytes while they arrive. */
  private header: Buffer = Buffer.alloc(0);
  private current: { type: string; payloadStart: number; end: number } | null = null;
  /** Payload bytes kept for the current box: all of moov/ftyp/XMP, the 16-byte id of another uuid. */
  private kept: Buffer[] | null = null;
  private keptLength = 0;
  private moov: Buffer | null = null;
  private xmp: Buffer | null = null;
  private brand: string | null = null;
  private readonly otherUuids: string[] = [];
  private failed = false;

  feed(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.failed) {
      const at = this.pos + off;
      if (this.current === null) {
        // Collect the box header (8 bytes, 16 for a 64-bit size).
        const need = this.header.length < 8 ? 8 : this.header.readUInt32BE(0) === 1 ? 16 : 8;
        const take = Math.min(need - this.header.length, chunk.length - off);
        this.header = Buffer.concat([this.header, chunk.subarray(off, off + take)]);
        off += take;
        if (this.header.length < need) continue;
        if (need === 8 && this.header.readUInt32BE(0) === 1) continue;
        this.startBox(at + take - this.header.length);
        continue;
      }
      const take = Math.min(this.current.end - at, chunk.length - off);
      const part = chunk.subarray(off, off + take);
      if (this.kept !== null) this.keep(part);
      else if (PADDING.has(this.current.type) && !isBlank(part, 0, part.length)) this.failed = true;
      off += take;
      if (at + take === this.current.end) this.endBox();
    }
    this.pos += chunk.length;
  }

  private keep(part: Buffer): void {
    const current = this.current!;
    if (current.type === 'uuid' && this.keptLength < 16) {
      // Decide on the uuid box once its id is known: only the XMP box is kept whole.
      const head = Buffer.concat([...this.kept!, part]);
      if (head.length >= 16 && head.toString('hex', 0, 16) !== XMP_UUID) {
        this.otherUuids.push(head.toString('hex', 0, 16));
        this.kept = null;
        return;
      }
      if (head.length >= 16 && (this.xmp !== null || current.end - current.payloadStart > MAX_XMP_BYTES)) {
        this.failed = true;
        return;
      }
    }
    this.kept!.push(Buffer.from(part));
    this.keptLength += part.length;
  }

  private startBox(boxStart: number): void {
    let size = this.header.readUInt32BE(0);
    const type = typeAt(this.header, 4);
    if (size === 1) {
      const big = this.header.readBigUInt64BE(8);
      size = big > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(big);
    }
    const headerLength = this.header.length;
    if (
      size < headerLength ||
      !PLAIN_TOP_LEVEL.has(type) ||
      (type === 'moov' && (this.moov !== null || size > MAX_MOOV_BYTES)) ||
      (type === 'ftyp' && size > 4096)
    ) {
      this.failed = true;
      return;
    }
    this.current = { type, payloadStart: boxStart + headerLength, end: boxStart + size };
    this.kept = type === 'moov' ? [Buffer.from(this.header)] : type === 'uuid' || type === 'ftyp' ? [] : null;
    this.keptLength = 0;
    this.header = Buffer.alloc(0);
    if (size === headerLength) this.endBox();
  }

  private endBox(): void {
    const current = this.current!;
    if (this.kept !== null) {
      const bytes = Buffer.concat(this.kept);
      this.kept = null;
      if (current.type === 'moov') this.moov = bytes;
      else if (current.type === 'ftyp') this.brand ??= bytes.length >= 4 ? bytes.toString('latin1', 0, 4) : null;
      else if (bytes.length >= 16) this.xmp = bytes.subarray(16);
      else this.failed = true;
    }
    this.nextBox = current.end;
    this.current = null;
  }

  /** The movie parts of a file that ended exactly after its last box, else null. */
  movie(): MovieParts | null {
    if (this.failed || this.current !== null || this.header.length > 0 || this.nextBox !== this.pos || this.moov === null) return null;
    return { moov: this.moov, xmp: this.xmp, otherUuids: [...this.otherUuids], brand: this.brand };
  }
}
