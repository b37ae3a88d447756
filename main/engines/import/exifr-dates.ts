/**
 * exifr, the in-process reader of EXIF, XMP and IPTC: its options, and its per-block output
 * normalised into MetadataDates (datesFromExifr) as ExifTool would report the same tags. Reads
 * whole files or paths, TIFF blocks found in other containers (reader-choice.ts) and a Canon
 * CR3's two EXIF blocks (quicktime.ts finds them).
 */
import exifr from 'exifr';
import type { MetadataDates, ReaderResult } from './metadata-dates.js';
import { cameraModelText, combineIptc, emptyMetadataDates, gpsPosition, tagDimension, tagText } from './metadata-dates.js';
import { readCanonRaw } from './quicktime.js';
import type { MovieParts } from './quicktime-boxes.js';

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

// (issue 11, import memory) exifr keeps the Options it builds for each options object it is given,
// in a Map keyed by that object: a fresh object per file kept one more entry per file for the whole import.
// So the two variants are built once.
const EXIFR_WITH_IPTC = { ...(EXIFR_OPTIONS as object), iptc: true } as Parameters<typeof exifr.parse>[1];
const EXIFR_WITHOUT_IPTC = { ...(EXIFR_OPTIONS as object), iptc: false } as Parameters<typeof exifr.parse>[1];

type Block = Record<string, unknown>;
/** What exifr.parse gives with mergeOutput: false: one object per block, and the errors it met. */
type ExifrOutput = (Record<string, Block | undefined> & { errors?: unknown[] }) | undefined;

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
    for (const v of [exif[name], ifd0[name], id === undefined ? undefined : ifd0[id]].map(tagText)) {
      if (v !== undefined && !isXmpStyle(v)) return v;
    }
    return undefined;
  };
  dates.dateTimeOriginal = exifTag('DateTimeOriginal');
  dates.createDate = exifTag('CreateDate') ?? exifTag('DateTimeDigitized');
  dates.modifyDate = tagText(ifd0.ModifyDate) ?? tagText(ifd0.DateTime);
  if (dates.modifyDate !== undefined && isXmpStyle(dates.modifyDate)) dates.modifyDate = undefined;
  dates.subSecTimeOriginal = exifTag('SubSecTimeOriginal');
  dates.subSecTimeDigitized = exifTag('SubSecTimeDigitized');
  dates.subSecTime = exifTag('SubSecTime');
  dates.offsetTimeOriginal = exifTag('OffsetTimeOriginal');
  dates.offsetTimeDigitized = exifTag('OffsetTimeDigitized');
  dates.offsetTime = exifTag('OffsetTime');

  const xmpCandidates: [string, unknown][] = [
    ['XMP-photoshop:DateCreated', out.photoshop?.DateCreated],
    ['XMP-exif:DateTimeOriginal', isXmpStyle(tagText(exif.DateTimeOriginal) ?? '') ? exif.DateTimeOriginal : undefined],
    ['XMP-xmp:CreateDate', (out.xmp ?? out.xap)?.CreateDate],
    ['XMP-exif:DateTimeDigitized', isXmpStyle(tagText(exif.DateTimeDigitized) ?? '') ? exif.DateTimeDigitized : undefined],
    ['IPTC:DateCreated+TimeCreated', combineIptc(tagText(out.iptc?.DateCreated), tagText(out.iptc?.TimeCreated))],
  ];
  for (const [tag, value] of xmpCandidates) {
    const v = tagText(value);
    if (v !== undefined) dates.xmp.push({ tag, value: v });
  }
  const position = gpsPosition(out.gps?.latitude, out.gps?.longitude);
  if (position !== undefined) dates.position = position;
  const gpsTime = gpsDateTimeOf(out.gps?.GPSDateStamp, out.gps?.GPSTimeStamp);
  if (gpsTime !== undefined) dates.gpsDateTime = gpsTime;
  const ihdr = out.ihdr ?? {};
  dates.pngCreationTime = tagText(ihdr['Creation Time']) ?? tagText(ihdr['create-date']) ?? tagText(ihdr['date:create']);
  // Camera clock correction: which camera took it.
  dates.cameraModel = cameraModelText(ifd0.Model);
  return dates;
}

/**
 * Reads with exifr from the bytes already in memory (or the path for large files). Throws when
 * exifr cannot make sense of the file, so the caller can ask ExifTool instead.
 */
export async function readWithExifr(input: Buffer | string, mime: string): Promise<ReaderResult> {
  // exifr's IPTC reader breaks on TIFF-based raw files; IPTC dates matter in JPEGs only.
  const options = mime === 'image/jpeg' ? EXIFR_WITH_IPTC : EXIFR_WITHOUT_IPTC;
  const out = (await exifr.parse(input, options)) as ExifrOutput;
  if (out && Array.isArray(out.errors) && out.errors.length > 0 && !out.ifd0 && !out.exif) {
    throw new Error(`exifr could not read the metadata: ${String(out.errors[0])}`);
  }
  const blocks = out ?? {};
  const ifd0 = blocks.ifd0 ?? {};
  const exif = blocks.exif ?? {};
  return {
    dates: datesFromExifr(blocks),
    width: tagDimension(exif.ExifImageWidth) ?? tagDimension(ifd0.ImageWidth),
    height: tagDimension(exif.ExifImageHeight) ?? tagDimension(ifd0.ImageHeight),
    problem: out && Array.isArray(out.errors) && out.errors.length > 0 ? String(out.errors[0]) : null,
  };
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
    const out = (await exifr.parse(tiff, options)) as ExifrOutput;
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
