/**
 * ExifTool, the reference reader: the tags it is asked for, and its `-G1 -a -n` output
 * normalised into MetadataDates (datesFromExiftool), with the first real problem it reports.
 * One file at a time here; exiftool-batch.ts sends several in one command.
 */
import type { ExifTool } from 'exiftool-vendored';
import type { DatesAndSize, MetadataDates, ReaderResult } from './metadata-dates.js';
import { cameraModelText, combineIptc, emptyMetadataDates, gpsPosition, tagDimension, tagText } from './metadata-dates.js';

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

/** EXIF date tags (in whichever other group ExifTool lists them) and the field each fills. */
const EXIF_FIELDS: ReadonlyMap<string, keyof MetadataDates> = new Map<string, keyof MetadataDates>([
  ['DateTimeOriginal', 'dateTimeOriginal'],
  ['CreateDate', 'createDate'],
  ['DateTimeDigitized', 'createDate'],
  ['ModifyDate', 'modifyDate'],
  ['SubSecTimeOriginal', 'subSecTimeOriginal'],
  ['SubSecTimeDigitized', 'subSecTimeDigitized'],
  ['SubSecTime', 'subSecTime'],
  ['OffsetTimeOriginal', 'offsetTimeOriginal'],
  ['OffsetTimeDigitized', 'offsetTimeDigitized'],
  ['OffsetTime', 'offsetTime'],
]);

/** Normalises ExifTool's `-G1 -a -n` JSON (keys like `ExifIFD:DateTimeOriginal`, `Track1:MediaCreateDate`). */
export function datesFromExiftool(raw: Record<string, unknown>): DatesAndSize {
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
      const id = tagText(value)?.trim();
      if (id && (tag === 'ContentIdentifier' || dates.contentId === undefined)) dates.contentId = id;
      continue;
    }
    if (tag === 'ImageWidth' || tag === 'ImageHeight') {
      // Prefer the container's own size (File/PNG/RIFF/Track) over an embedded preview's IFD0 value.
      const rank = group === 'File' || group === 'PNG' || group === 'RIFF' || group === 'GIF' || group === 'H264' ? 0 : /^Track\d+$/.test(group) ? 1 : 2;
      const n = tagDimension(value);
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
    const v = tagText(value);
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
    const field = EXIF_FIELDS.get(tag);
    // ModifyDate counts from IFD0 and ExifIFD only.
    if (field !== undefined && (tag !== 'ModifyDate' || group === 'IFD0' || group === 'ExifIFD')) set(field, v);
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

export async function readWithExiftool(exiftool: ExifTool, path: string): Promise<ReaderResult> {
  // readRaw: no post-processing, so no time-zone inference on the stored strings.
  const raw = (await exiftool.readRaw(path, { readArgs: EXIFTOOL_ARGS, useMWG: false })) as unknown as Record<string, unknown>;
  return resultFromExiftool(raw, path);
}
