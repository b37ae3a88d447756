/**
 * What every metadata reader gives the import (MetadataDates, DatesAndSize, ReaderResult), and
 * the tag-value conversions the exifr and ExifTool normalisers share.
 */

/**
 * The date-related tags a file carries, as the metadata readers report them (raw strings,
 * never converted). Both readers (exifr, ExifTool) are normalised into this shape so the date
 * rules in timestamps.ts never depend on which library read the file.
 */
export interface MetadataDates {
  /** EXIF DateTimeOriginal (also RIFF/H264 DateTimeOriginal in AVI/M2TS). */
  dateTimeOriginal?: string;
  subSecTimeOriginal?: string;
  offsetTimeOriginal?: string;
  /** EXIF CreateDate / DateTimeDigitized. */
  createDate?: string;
  subSecTimeDigitized?: string;
  offsetTimeDigitized?: string;
  /** EXIF ModifyDate (IFD0 DateTime); PNG tIME is a modification time too. */
  modifyDate?: string;
  subSecTime?: string;
  offsetTime?: string;
  /** XMP and IPTC capture dates in trust order, each with the tag it came from. */
  xmp: { tag: string; value: string }[];
  /** Apple's QuickTime CreationDate (Keys / UserData): local time with its own offset. */
  quickTimeCreationDate?: string;
  /**
   * QuickTime/MP4 `©day` (UserData or ItemList ContentCreateDate): the local time the camera app
   * wrote, usually with its offset (`2020-11-20T15:04:02+0100`).
   */
  quickTimeContentCreateDate?: string;
  /**
   * Container header dates: UTC by specification (QuickTime mvhd; also ASF's file date and
   * Matroska's DateUTC, which ExifTool marks with `Z`).
   */
  quickTimeCreateDate?: string;
  quickTimeMediaCreateDate?: string;
  quickTimeTrackCreateDate?: string;
  /** PNG text "Creation Time" / "create-date": written by software, often not the capture. */
  pngCreationTime?: string;
  /** Google Takeout's `photoTakenTime` from the JSON beside the file: a UTC instant, and the JSON's position. */
  takeoutPhotoTaken?: { utcMs: number; raw: string; position: GpsPosition | null };
  /** The GPS receiver's UTC time of its fix (GPSDateStamp + GPSTimeStamp), as `YYYY:MM:DD HH:MM:SS[.ss]Z`. */
  gpsDateTime?: string;
  /** Where the file was taken (EXIF GPS, QuickTime ISO 6709), in signed decimal degrees. */
  position?: GpsPosition;
  /** Camera clock correction: the camera model (EXIF/QuickTime `Model`), to find a camera's other files. */
  cameraModel?: string;
  /**
   * Apple's ContentIdentifier, which a Live Photo's still (MakerNotes) and video (Keys) share;
   * read where a reader meets it anyway (the movie reader, ExifTool), see live-photos.ts.
   */
  contentId?: string;
}

/** What a reader learns of a file: its date tags and its stored picture size (null: not found). */
export interface DatesAndSize {
  dates: MetadataDates;
  width: number | null;
  height: number | null;
}

/** What the exifr and ExifTool readers give the import. */
export interface ReaderResult extends DatesAndSize {
  /** A problem the reader met (damaged or truncated metadata); the dates found are still used. */
  problem: string | null;
}

export interface GpsPosition {
  latitude: number;
  longitude: number;
}

/** A position only when it is one: numbers in range, and not the 0, 0 of a receiver without a fix. */
export function gpsPosition(latitude: unknown, longitude: unknown): GpsPosition | undefined {
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) return undefined;
  return { latitude, longitude };
}

/**
 * ISO 6709 (`+51.4169-000.0806/`, `+5125.01-00004.83/`) in signed degrees, as ExifTool's
 * ConvertISO6709 reads it.
 */
export function parseIso6709(text: string): GpsPosition | undefined {
  let m = /^([-+]\d{1,2}(?:\.\d*)?)([-+]\d{1,3}(?:\.\d*)?)/.exec(text);
  if (m) return gpsPosition(Number(m[1]), Number(m[2]));
  const sign = (s: string, v: number): number => (s === '-' ? -v : v);
  m = /^([-+])(\d{2})(\d{2}(?:\.\d*)?)([-+])(\d{3})(\d{2}(?:\.\d*)?)/.exec(text);
  if (m) return gpsPosition(sign(m[1]!, Number(m[2]) + Number(m[3]) / 60), sign(m[4]!, Number(m[5]) + Number(m[6]) / 60));
  m = /^([-+])(\d{2})(\d{2})(\d{2}(?:\.\d*)?)([-+])(\d{3})(\d{2})(\d{2}(?:\.\d*)?)/.exec(text);
  if (m) {
    return gpsPosition(
      sign(m[1]!, Number(m[2]) + Number(m[3]) / 60 + Number(m[4]) / 3600),
      sign(m[5]!, Number(m[6]) + Number(m[7]) / 60 + Number(m[8]) / 3600),
    );
  }
  return undefined;
}

export function emptyMetadataDates(): MetadataDates {
  return { xmp: [] };
}

/** A tag's value as text: strings (blank ones excepted) and numbers; undefined otherwise. */
export function tagText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A width or height tag: a positive finite number, rounded; null otherwise. */
export function tagDimension(v: unknown): number | null {
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

/** A camera model as stored (`Canon EOS 5D`), trimmed of the padding and NULs some cameras write; undefined when blank. */
export function cameraModelText(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  // eslint-disable-next-line no-control-regex
  const t = String(v).replace(/\u0000/g, '').trim();
  return t === '' ? undefined : t.slice(0, 200);
}
