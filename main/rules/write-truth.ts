/**
 * Writing the truth into a copy: when the capture time an archive copy is named after is not what
 * the file's own metadata says (set by the user, taken from its name or the file time, or none
 * embedded), the copy gets it written in, so every program that opens the archive sorts it the
 * same way; folder tags go in as keywords. Written with ExifTool (exiftool-vendored) into a staged
 * copy that is read back and checked before it is published; the original is never touched.
 */
import type { ExifTool, WriteTags } from 'exiftool-vendored';
import { offsetMinutes, utcToZone, type CaptureTime } from '../../shared/capture-time.js';
import type { TimestampSource, WriteReason } from '../../shared/types.js';
import type { ExportItem, MetadataWrite, WriteSettings } from '../protocol/workers.js';
import { archiveExt } from './companions.js';

/** Sources that are the file's own embedded metadata: a copy dated by one of them already says it. */
export const EMBEDDED_SOURCES: ReadonlySet<TimestampSource> = new Set<TimestampSource>([
  'exif-datetime-original',
  'exif-create-date',
  'xmp-date',
  'quicktime-creation-date',
  'quicktime-create-date',
  'quicktime-media-create-date',
  'quicktime-track-create-date',
  'png-creation-time',
]);

/** Formats ExifTool rewrites safely (it never writes RAW makers' notes here). */
const IMAGE_WRITABLE = new Set(['.jpg', '.jpeg', '.jpe', '.tif', '.tiff', '.heic', '.heif', '.png', '.webp', '.dng']);
const VIDEO_WRITABLE = new Set(['.mov', '.qt', '.mp4', '.m4v', '.3gp']);

export type { WriteSettings };

export type { WriteReason };

export type { MetadataWrite };

/** `YYYY:MM:DD HH:MM:SS` (EXIF style) from a canonical local time. */
function exifDate(local: string): string {
  return `${local.slice(0, 4)}:${local.slice(5, 7)}:${local.slice(8, 10)} ${local.slice(11, 19)}`;
}

function sameTime(a: CaptureTime | null | undefined, b: CaptureTime): boolean {
  return !!a && a.local.slice(0, 19) === b.local.slice(0, 19) && (a.offset ?? null) === (b.offset ?? null);
}

function dateReason(item: ExportItem): WriteReason | null {
  const ts = item.timestamp;
  if (ts === null) return null;
  const source = item.timestampSource;
  if (source !== null && EMBEDDED_SOURCES.has(source)) return null;
  if (source === 'user') return sameTime(item.embedded, ts) ? null : 'date-set-by-user';
  if (source === 'filename-date' || source === 'filename-datetime') return 'date-from-name';
  if (source === 'file-mtime') return 'date-from-file-time';
  return 'date-not-embedded';
}

/** The offset of a local wall-clock time in `timeZone` (for a video whose capture time has none). */
function zoneOffset(local: string, timeZone: string): string {
  const guess = Date.parse(`${local}Z`);
  const first = utcToZone(guess, timeZone);
  if (!first?.offset) return '+00:00';
  const second = utcToZone(guess - offsetMinutes(first.offset) * 60_000, timeZone);
  return second?.offset ?? first.offset;
}

/** Whether this copy can get metadata written in place (else it stays a byte copy). */
export function writableFormat(originalName: string): 'image' | 'video' | null {
  const ext = archiveExt(originalName);
  if (IMAGE_WRITABLE.has(ext)) return 'image';
  if (VIDEO_WRITABLE.has(ext)) return 'video';
  return null;
}

/** Why the copy of `item` needs new metadata (empty: it stays byte-identical to its original). */
export function writeReasons(item: ExportItem, settings: WriteSettings): WriteReason[] {
  const reasons: WriteReason[] = [];
  const date = settings.dates ? dateReason(item) : null;
  if (date) reasons.push(date);
  if (settings.tags && (item.tags?.length ?? 0) > 0) reasons.push('folder-tags');
  return reasons;
}

/** Whether `item`'s copy gets an XMP sidecar: something needs writing and its format cannot take it. */
export function needsXmpSidecar(item: ExportItem, settings: WriteSettings): boolean {
  return writableFormat(item.originalName) === null && writeReasons(item, settings).length > 0;
}

/** The XMP date of a capture time: `YYYY:MM:DD HH:MM:SS[.mmm][+HH:MM]` as ExifTool reads it back. */
function xmpDate(ts: CaptureTime): string {
  const ms = ts.local.slice(20, 23) || '000';
  return `${exifDate(ts.local)}${ms !== '000' ? `.${ms}` : ''}${ts.offset ?? ''}`;
}

/**
 * What goes into the XMP sidecar of a file whose format cannot be written safely (RAW, AVI, MTS,
 * GIF, ...): the XMP dates Lightroom, darktable, digiKam and Immich read from a sidecar, and the
 * folder tags as XMP-dc:Subject. `own`: written into a copy of the file's own .xmp sidecar, whose
 * keywords are kept (the folder tags are added, once). Null when the copy needs no sidecar.
 */
export function plannedSidecarWrite(item: ExportItem, settings: WriteSettings, own = false): MetadataWrite | null {
  if (writableFormat(item.originalName) !== null) return null;
  const reasons = writeReasons(item, settings);
  if (reasons.length === 0) return null;
  const tags: Record<string, unknown> = {};
  const expect: Record<string, string> = {};
  const readTags: string[] = [];
  const ts = item.timestamp;
  if (ts !== null && reasons.some((r) => r.startsWith('date-'))) {
    const xmp = xmpDate(ts);
    Object.assign(tags, { 'XMP-exif:DateTimeOriginal': xmp, 'XMP-xmp:CreateDate': xmp, 'XMP-photoshop:DateCreated': xmp });
    expect['XMP-exif:DateTimeOriginal'] = xmp;
    expect['XMP-xmp:CreateDate'] = xmp;
    readTags.push('XMP-exif:DateTimeOriginal', 'XMP-xmp:CreateDate');
  }
  if (reasons.includes('folder-tags')) {
    // ExifTool's "add without duplicating" for list tags: remove these values, then add them.
    if (own) Object.assign(tags, { 'XMP-dc:Subject-': item.tags, 'XMP-dc:Subject+': item.tags });
    else tags['XMP-dc:Subject'] = item.tags;
    readTags.push('XMP-dc:Subject');
  }
  return { reasons, tags: tags as WriteTags, expect, readTags };
}

/** What to write into the copy of `item`, or null when nothing (or when its format cannot take it). */
export function plannedWrite(item: ExportItem, settings: WriteSettings): MetadataWrite | null {
  const reasons = writeReasons(item, settings);
  if (reasons.length === 0) return null;
  const kind = writableFormat(item.originalName);
  if (kind === null) return null;
  const tags: Record<string, unknown> = {};
  const expect: Record<string, string> = {};
  const readTags: string[] = [];
  const ts = item.timestamp;
  if (ts !== null && reasons.some((r) => r.startsWith('date-'))) {
    const dt = exifDate(ts.local);
    const ms = ts.local.slice(20, 23) || '000';
    const xmp = xmpDate(ts);
    if (kind === 'image') {
      Object.assign(tags, {
        'EXIF:DateTimeOriginal': dt,
        'EXIF:CreateDate': dt,
        'EXIF:SubSecTimeOriginal': ms,
        'EXIF:SubSecTimeDigitized': ms,
        'XMP-exif:DateTimeOriginal': xmp,
        'XMP-xmp:CreateDate': xmp,
        'XMP-photoshop:DateCreated': xmp,
      });
      if (ts.offset) Object.assign(tags, { 'EXIF:OffsetTimeOriginal': ts.offset, 'EXIF:OffsetTimeDigitized': ts.offset, 'EXIF:OffsetTime': ts.offset });
      expect['EXIF:DateTimeOriginal'] = dt;
      readTags.push('EXIF:DateTimeOriginal');
    } else {
      // QuickTime's own dates are UTC by the format's definition; Keys keeps the local time and offset.
      const offset = ts.offset ?? zoneOffset(ts.local, settings.timeZone);
      const utc = exifDate(new Date(Date.parse(`${ts.local}Z`) - offsetMinutes(offset) * 60_000).toISOString().replace('Z', ''));
      Object.assign(tags, {
        'QuickTime:CreateDate': utc,
        'QuickTime:ModifyDate': utc,
        'QuickTime:TrackCreateDate': utc,
        'QuickTime:TrackModifyDate': utc,
        'QuickTime:MediaCreateDate': utc,
        'QuickTime:MediaModifyDate': utc,
        'Keys:CreationDate': `${dt}${offset}`,
      });
      expect['QuickTime:CreateDate'] = utc;
      expect['Keys:CreationDate'] = `${dt}${offset}`;
      readTags.push('QuickTime:CreateDate', 'Keys:CreationDate');
    }
  }
  if (reasons.includes('folder-tags')) {
    tags['XMP-dc:Subject'] = item.tags;
    if (kind === 'image') tags['IPTC:Keywords'] = item.tags;
    readTags.push('XMP-dc:Subject');
  }
  return { reasons, tags: tags as WriteTags, expect, readTags };
}

/**
 * Writes `write` into the staged copy at `file` and reads it back: returns null when every date
 * reads back as written, else what went wrong. ExifTool writes through its own temp beside the
 * file (`<file>_exiftool_tmp`) and renames it over: a crash leaves the staged copy or that temp,
 * both removed as stray temps, never a half-written archive file.
 */
export async function writeAndCheck(exiftool: ExifTool, file: string, write: MetadataWrite): Promise<string | null> {
  // A file that does not exist yet (an XMP sidecar) is created by ExifTool from scratch.
  const result = await exiftool.write(file, write.tags, { writeArgs: ['-overwrite_original', '-P'] });
  if (result.warnings?.length && result.updated === 0 && result.created === 0) return result.warnings.join('; ');
  const readArgs = ['-G1', ...write.readTags.map((t) => `-${t}`)];
  const back = (await exiftool.readRaw(file, { readArgs })) as unknown as Record<string, unknown>;
  for (const [tag, want] of Object.entries(write.expect)) {
    const group = tag.split(':')[0]!;
    const name = tag.split(':')[1]!;
    // -G1 names the family-1 group: EXIF dates live in ExifIFD, QuickTime's in QuickTime/Track1/..
    const got = Object.entries(back).find(
      ([k]) => k.endsWith(`:${name}`) && (group !== 'EXIF' || k.startsWith('ExifIFD:')) && (group !== 'Keys' || k.startsWith('Keys:')) && (!group.startsWith('XMP-') || k === tag),
    )?.[1];
    if (String(got ?? '') !== want) return `${tag} reads back as "${String(got ?? '')}", not "${want}"`;
  }
  return null;
}
