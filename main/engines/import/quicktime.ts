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
 * Here: the movie, track and media headers, and Canon CR3's EXIF blocks. The box walk and the
 * finding of the `moov` are in quicktime-boxes.ts, the UserData and meta lists in
 * quicktime-tag-lists.ts.
 */
import { utcToZone } from '../../../shared/capture-time.js';
import type { DatesAndSize, GpsPosition } from './metadata-dates.js';
import { emptyMetadataDates } from './metadata-dates.js';
import { type Box, children, type MovieParts, only } from './quicktime-boxes.js';
import { checkMeta, checkUserData } from './quicktime-tag-lists.js';
import { nullIfUnsupported, unsupported } from './unsupported.js';
import { xmpDatesLikeExiftool } from './xmp-dates.js';

/** Seconds from 1904-01-01 (QuickTime's epoch) to 1970-01-01. */
const MAC_EPOCH_OFFSET = (66 * 365 + 17) * 24 * 3600;

/** Formats whose metadata is a QuickTime movie box (file-type's MIME types). Canon CR3 is not one of them: it also holds EXIF. */
export const QUICKTIME_MIMES: ReadonlySet<string> = new Set(['video/quicktime', 'video/mp4', 'video/x-m4v', 'video/3gpp', 'video/3gpp2']);

/** Canon CR3: the moov-level uuid box holding the EXIF blocks, and the top-level preview box. */
const CANON_UUID = '85c0b687820f11e08111f4ce462b6a48';
const CANON_PREVIEW_UUID = 'eaf42b5e1c984b88b9fbb7dc406e4d16';
/** Children of the Canon uuid box; CMT1 (IFD0) and CMT2 (EXIF) hold the dates, the rest none. */
const CANON_UUID_CHILDREN = new Set(['CNCV', 'CCTP', 'CTBO', 'CMT1', 'CMT2', 'CMT3', 'CMT4', 'THMB', 'CNTH', 'CNOP', 'free']);

/** Movie/Track children whose ExifTool sub-tables may hold dates (or that need the whole file). */
const UNSAFE_MOVIE_CHILDREN = new Set(['uuid', 'cmov', 'meco', 'htka']);
const UNSAFE_TRACK_CHILDREN = new Set(['uuid', 'meco']);

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
  /** A movie-level udta's or meta's ©day and position: one value each, or ExifTool's to sort out. */
  const takeDateAndPosition = (found: { contentDate?: string; position?: GpsPosition }): void => {
    if (found.contentDate !== undefined) {
      if (dates.quickTimeContentCreateDate !== undefined && dates.quickTimeContentCreateDate !== found.contentDate) unsupported();
      dates.quickTimeContentCreateDate = found.contentDate;
    }
    if (found.position !== undefined) {
      if (dates.position !== undefined) unsupported();
      dates.position = found.position;
    }
  };
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
      takeDateAndPosition(found);
    } else if (box.type === 'meta') {
      const found = checkMeta(buf, box, true);
      takeDateAndPosition(found);
      if (found.creationDate !== undefined) dates.quickTimeCreationDate ??= found.creationDate;
      if (found.contentId !== undefined) dates.contentId ??= found.contentId;
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
