/**
 * From raw metadata, file name and mtime to date candidates, and from candidates to the one
 * capture time the archive will use. Pure functions: no I/O, `now` injectable for tests.
 *
 * Rules (issue 2, section 3):
 * - placeholders (`0000:00:00 00:00:00`, blanks) are no candidates at all;
 * - dates before 1826 or more than two days in the future, and known camera/firmware defaults,
 *   are kept as candidates marked implausible and are never chosen;
 * - local times stay as stored; an offset is kept when the file states one, and a source that
 *   states one (EXIF OffsetTime*, Apple CreationDate, ©day, XMP) beats a UTC-only date. Only
 *   UTC-only instants (container header dates, Takeout's photoTakenTime) are converted: to the
 *   zone of the file's GPS position, else to the configured time zone;
 * - placeholders that look like dates (the epochs, camera defaults) are set aside with the
 *   reason unless an independent source states the same moment;
 * - the PNG text "Creation Time" is written by the encoding software (see the corpus traps), so
 *   it is kept for the review but never chosen; the file mtime likewise, unless the user enabled
 *   "use file dates as a last resort".
 */
import tzLookup from '@photostructure/tz-lookup';
import type { CaptureTime } from '../../../shared/capture-time.js';
import { isValidTimeZone, localDiffMs, makeLocal, normalizeOffset, toUtcMs, utcToZone } from '../../../shared/capture-time.js';
import type { Confidence, DateCandidate, TimestampSource } from '../../../shared/types.js';
import { parseFileNameDate } from './filename-dates.js';
import type { GpsPosition, MetadataDates } from './metadata-dates.js';

export interface TimestampOptions {
  /** IANA zone used for UTC-only dates without a GPS position, and for the file mtime. */
  timeZone: string;
  useFileDatesAsLastResort: boolean;
  /** Place UTC-only dates in the zone of the file's GPS position (default true). */
  useGpsTimeZone?: boolean;
  /** For tests; defaults to the current time. */
  nowMs?: number;
}

export interface CaptureChoice {
  detected: CaptureTime | null;
  source: TimestampSource | null;
  confidence: Confidence;
}

/** Sources that may date a file, most trustworthy first (the order). */
const CHOICE_ORDER: readonly TimestampSource[] = [
  'exif-datetime-original',
  'exif-create-date',
  'xmp-date',
  'quicktime-creation-date',
  'quicktime-content-create-date',
  'quicktime-create-date',
  'quicktime-media-create-date',
  'quicktime-track-create-date',
  // Google Photos' own record of the capture: below every date the file states itself.
  'takeout-photo-taken',
  // The receiver's last fix: often seconds from the shot, sometimes stale.
  'gps-date-time',
  'filename-datetime',
  'exif-modify-date',
  'filename-date',
];

/** UTC-only header dates, shown in a zone the import chose (not one the file stated). */
const UTC_HEADER: ReadonlySet<TimestampSource> = new Set<TimestampSource>([
  'quicktime-create-date',
  'quicktime-media-create-date',
  'quicktime-track-create-date',
]);

/**
 * Where a candidate ranks in CHOICE_ORDER. A `©day` that states no offset is a wall-clock time
 * of unknown zone: it ranks below the UTC header dates, which at least fix the instant.
 */
function rank(c: DateCandidate): number {
  if (c.source === 'quicktime-content-create-date' && c.offset === null) return CHOICE_ORDER.indexOf('quicktime-track-create-date') + 0.5;
  const i = CHOICE_ORDER.indexOf(c.source);
  return i < 0 ? Number.POSITIVE_INFINITY : i;
}

/** Capture times recorded by the camera itself: only these can earn HIGH confidence. */
const CAMERA_CAPTURE: ReadonlySet<TimestampSource> = new Set<TimestampSource>([
  'exif-datetime-original',
  'exif-create-date',
  'quicktime-creation-date',
  'quicktime-content-create-date',
  'quicktime-create-date',
  'quicktime-media-create-date',
  'quicktime-track-create-date',
]);

/** Sources reliable enough that disagreeing with them makes the choice doubtful. */
const CONFLICT_SOURCES: ReadonlySet<TimestampSource> = new Set<TimestampSource>([
  ...CAMERA_CAPTURE,
  'xmp-date',
  'takeout-photo-taken',
  'filename-datetime',
]);

/**
 * Sources written together by one writer are not independent witnesses of each other:
 * DateTimeOriginal agreeing with CreateDate proves nothing.
 */
function family(source: TimestampSource): string {
  switch (source) {
    case 'exif-datetime-original':
    case 'exif-create-date':
    case 'exif-modify-date':
      return 'exif';
    case 'xmp-date':
      return 'xmp';
    case 'quicktime-creation-date':
      return 'apple';
    case 'quicktime-content-create-date':
      return 'userdata';
    case 'quicktime-create-date':
    case 'quicktime-media-create-date':
    case 'quicktime-track-create-date':
      return 'quicktime';
    case 'takeout-photo-taken':
      return 'takeout';
    case 'gps-date-time':
      return 'gps';
    case 'png-creation-time':
      return 'png';
    case 'filename-datetime':
    case 'filename-date':
      return 'filename';
    case 'file-mtime':
      return 'mtime';
    case 'user':
      return 'user';
  }
}

/** Offsets that the file states (not ones we derived from the configured zone). */
const STATED_OFFSET: ReadonlySet<TimestampSource> = new Set<TimestampSource>([
  'exif-datetime-original',
  'exif-create-date',
  'exif-modify-date',
  'xmp-date',
  'quicktime-creation-date',
  'quicktime-content-create-date',
]);

const MIN_PLAUSIBLE_LOCAL = '1826-01-01T00:00:00.000';
const FUTURE_MARGIN_MS = 2 * 24 * 3600 * 1000;
const AGREE_MS = 30_000;
/**
 * A movie's header dates are stamped when the recording starts or ends, its local dates (Apple
 * CreationDate, `©day`) when the app saved them: a few minutes apart is still the same clip.
 */
const HEADER_AGREE_MS = 5 * 60_000;

/**
 * Dates cameras and software write when their clock was never set. Exact instants, except
 * the epochs (1900, the QuickTime 1904, Unix 1970), which show up at any hour once a zone was
 * applied.
 */
const CAMERA_DEFAULT_INSTANTS = new Set([
  '1900-01-01T00:00:00',
  '1980-01-01T00:00:00',
  '2000-01-01T00:00:00',
  '2001-01-01T00:00:00',
  '2002-12-08T12:00:00',
  '2004-01-01T00:00:00',
  '2005-01-01T00:00:00',
]);
const EPOCH_DAYS = new Set(['1900-01-01', '1904-01-01', '1970-01-01']);
/** The day before an epoch, where a zone west of Greenwich moves it. */
const EPOCH_EVES = new Set(['1899-12-31', '1903-12-31', '1969-12-31']);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Why a candidate was set aside, for the details panel: the code first, then the reason. */
function describeImplausibility(code: string, ct: CaptureTime): string {
  const day = `${Number(ct.local.slice(8, 10))} ${MONTHS[Number(ct.local.slice(5, 7)) - 1]} ${ct.local.slice(0, 4)}`;
  switch (code) {
    case 'too-early':
      return `too-early: ${day} is before photography existed`;
    case 'future':
      return `future: ${day} has not happened yet`;
    case 'camera-default':
      return `camera-default: ${day}, ${ct.local.slice(11, 16)} is what cameras and programs write when their clock was never set`;
    default:
      return code;
  }
}

export interface ParsedMetaDate extends CaptureTime {
  /** True when the value carried its own fraction of a second. */
  hasFraction: boolean;
}

const META_DATE_RE =
  /^(\d{4})[:\-.](\d{2})[:\-.](\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?(?:\s+DST)?$/;

/**
 * Parses a metadata date (`2019:05:14 10:30:00`, `2013-07-05T03:18:27Z`,
 * `2012:02:11 14:17:08.253+01:00`). Placeholders and malformed values give null. AVCHD
 * camcorders flag summer time after the offset (`2019:04:24 22:24:00+02:00 DST`): the offset
 * already includes it, so the flag is dropped.
 */
export function parseMetaDate(raw: string | null | undefined): ParsedMetaDate | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim().replace(/\0+$/, '');
  const m = META_DATE_RE.exec(text);
  if (!m) return null;
  const frac = m[7];
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const local = makeLocal(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'), ms);
  if (local === null) return null;
  let offset: string | null = null;
  if (m[8] !== undefined) {
    offset = normalizeOffset(m[8]);
    if (offset === null) return null;
  }
  return { local, offset, hasFraction: frac !== undefined };
}

/** `054` -> 54 ms, `935476` -> 935 ms, `21` -> 210 ms; null when not digits. */
export function subSecToMs(subSec: string | number | null | undefined): number | null {
  if (subSec === null || subSec === undefined) return null;
  const text = String(subSec).trim();
  if (!/^\d+$/.test(text)) return null;
  return Number(text.slice(0, 3).padEnd(3, '0'));
}

function withMs(local: string, ms: number): string {
  return `${local.slice(0, 20)}${String(ms).padStart(3, '0')}`;
}

/** Why a date cannot be a capture time, or null when it can. */
export function implausibility(ct: CaptureTime, nowMs: number): string | null {
  if (ct.local < MIN_PLAUSIBLE_LOCAL) return 'too-early';
  const instant = toUtcMs(ct) ?? Date.parse(ct.local + 'Z');
  if (instant > nowMs + FUTURE_MARGIN_MS) return 'future';
  if (EPOCH_DAYS.has(ct.local.slice(0, 10))) return 'camera-default';
  if (EPOCH_EVES.has(ct.local.slice(0, 10)) && ct.offset !== null && ct.offset.startsWith('-')) return 'camera-default';
  if (CAMERA_DEFAULT_INSTANTS.has(ct.local.slice(0, 19))) return 'camera-default';
  return null;
}

/**
 * `stored` is the wall clock the file holds when the candidate shows it moved into a zone (a
 * UTC header date): a placeholder is recognised by what was written, wherever it lands.
 */
function candidate(source: TimestampSource, ct: CaptureTime, raw: string, nowMs: number, stored?: CaptureTime): DateCandidate {
  const code = implausibility(ct, nowMs) ?? (stored === undefined ? null : implausibility(stored, nowMs));
  const c: DateCandidate = { source, local: ct.local, offset: ct.offset, raw, plausible: code === null };
  if (code !== null) c.note = describeImplausibility(code, stored ?? ct);
  return c;
}

/** Sources whose dates come from the file's metadata, each family an independent writer. */
const METADATA_FAMILIES = new Set(['exif', 'xmp', 'apple', 'userdata', 'quicktime', 'takeout', 'gps']);

/** XMP is mostly EXIF copied by an editor: the two never vouch for each other. */
function independent(a: string, b: string): boolean {
  return a !== b && !(a === 'exif' && b === 'xmp') && !(a === 'xmp' && b === 'exif');
}

/**
 * A placeholder-looking date that another, independent metadata source states too is a real
 * moment (a photo taken at midnight on New Year's Day 2000): it counts again. File names and
 * file times do not vouch: a camera names and stamps its files from the same unset clock.
 */
function confirmDefaults(list: DateCandidate[]): void {
  for (const c of list) {
    if (c.plausible || !c.note?.startsWith('camera-default')) continue;
    const fam = family(c.source);
    if (!METADATA_FAMILIES.has(fam)) continue;
    const witness = list.find((o) => o !== c && METADATA_FAMILIES.has(family(o.source)) && independent(family(o.source), fam) && distanceMs(o, c) <= AGREE_MS);
    if (witness === undefined) continue;
    c.plausible = true;
    c.note = `looks like a placeholder, but ${witness.source} states the same moment`;
    if (!witness.plausible && witness.note?.startsWith('camera-default')) {
      witness.plausible = true;
      witness.note = `looks like a placeholder, but ${c.source} states the same moment`;
    }
  }
}

/** An EXIF-style date with its companion SubSecTime* and OffsetTime* tags. */
function exifCandidate(
  source: TimestampSource,
  value: string | undefined,
  subSec: string | undefined,
  offsetTag: string | undefined,
  nowMs: number,
): DateCandidate | null {
  const parsed = parseMetaDate(value);
  if (!parsed || value === undefined) return null;
  let local = parsed.local;
  const subMs = subSecToMs(subSec);
  if (!parsed.hasFraction && subMs !== null) local = withMs(local, subMs);
  const offset = parsed.offset ?? normalizeOffset(offsetTag);
  return candidate(source, { local, offset }, String(value).trim(), nowMs);
}

/** The zone a UTC-only instant is shown in, and why (for the details panel). */
export interface ZoneChoice {
  zone: string;
  reason: string;
}

/**
 * The zone of the file's GPS position (a maintained offline boundary table,
 * @photostructure/tz-lookup), else the configured one.
 */
export function zoneForPosition(position: GpsPosition | null | undefined, options: Pick<TimestampOptions, 'timeZone' | 'useGpsTimeZone'>): ZoneChoice {
  if (position && options.useGpsTimeZone !== false) {
    try {
      const zone = tzLookup(position.latitude, position.longitude);
      if (isValidTimeZone(zone)) {
        return { zone, reason: `GPS position ${position.latitude.toFixed(4)}, ${position.longitude.toFixed(4)}` };
      }
    } catch {
      // An invalid position: the configured zone.
    }
  }
  const why = !position ? 'the file has no GPS position' : options.useGpsTimeZone === false ? 'time zone from GPS is turned off' : 'no time zone at its GPS position';
  return { zone: options.timeZone, reason: `configured time zone (${why})` };
}

/** A UTC instant shown in the chosen zone; the candidate records the zone and why. */
function utcCandidate(source: TimestampSource, utcMs: number, raw: string, choice: ZoneChoice, nowMs: number, stored?: CaptureTime): DateCandidate | null {
  const zoned = utcToZone(utcMs, choice.zone);
  if (!zoned) return null;
  const c = candidate(source, zoned, raw, nowMs, stored);
  c.zone = choice.zone;
  c.zoneReason = choice.reason;
  return c;
}

/** A container header date: the stored value is UTC (unless it names its zone). */
function quickTimeUtcCandidate(source: TimestampSource, value: string | undefined, choice: ZoneChoice, nowMs: number): DateCandidate | null {
  const parsed = parseMetaDate(value);
  if (!parsed || value === undefined) return null;
  const stored = { local: parsed.local, offset: parsed.offset ?? '+00:00' };
  const utcMs = toUtcMs(stored);
  if (utcMs === null) return null;
  return utcCandidate(source, utcMs, String(value).trim(), choice, nowMs, stored);
}

/**
 * Every date the file offers, most trustworthy first, the file mtime always last.
 * Placeholders are dropped; implausible dates stay, flagged, so the review can show them.
 */
export function buildCandidates(
  meta: MetadataDates,
  fileName: string,
  mtimeMs: number,
  options: TimestampOptions,
): DateCandidate[] {
  const nowMs = options.nowMs ?? Date.now();
  const out: DateCandidate[] = [];
  const push = (c: DateCandidate | null): void => {
    if (c) out.push(c);
  };

  push(exifCandidate('exif-datetime-original', meta.dateTimeOriginal, meta.subSecTimeOriginal, meta.offsetTimeOriginal, nowMs));
  push(exifCandidate('exif-create-date', meta.createDate, meta.subSecTimeDigitized, meta.offsetTimeDigitized, nowMs));
  for (const x of meta.xmp) push(exifCandidate('xmp-date', x.value, undefined, undefined, nowMs));
  push(exifCandidate('quicktime-creation-date', meta.quickTimeCreationDate, undefined, undefined, nowMs));
  push(exifCandidate('quicktime-content-create-date', meta.quickTimeContentCreateDate, undefined, undefined, nowMs));
  const fileZone = zoneForPosition(meta.position, options);
  push(quickTimeUtcCandidate('quicktime-create-date', meta.quickTimeCreateDate, fileZone, nowMs));
  push(quickTimeUtcCandidate('quicktime-media-create-date', meta.quickTimeMediaCreateDate, fileZone, nowMs));
  push(quickTimeUtcCandidate('quicktime-track-create-date', meta.quickTimeTrackCreateDate, fileZone, nowMs));
  if (meta.takeoutPhotoTaken !== undefined) {
    // The file's own position first; Google's (geoData) where the file has none.
    const choice = zoneForPosition(meta.position ?? meta.takeoutPhotoTaken.position, options);
    push(utcCandidate('takeout-photo-taken', meta.takeoutPhotoTaken.utcMs, meta.takeoutPhotoTaken.raw, choice, nowMs));
  }
  const gpsTime = parseMetaDate(meta.gpsDateTime);
  if (gpsTime !== null && gpsTime.offset !== null && meta.gpsDateTime !== undefined) {
    push(utcCandidate('gps-date-time', toUtcMs(gpsTime)!, meta.gpsDateTime, fileZone, nowMs, gpsTime));
  }
  push(exifCandidate('png-creation-time', meta.pngCreationTime, undefined, undefined, nowMs));
  push(exifCandidate('exif-modify-date', meta.modifyDate, meta.subSecTime, meta.offsetTime, nowMs));

  const fromName = parseFileNameDate(fileName);
  if (fromName) {
    out.push(candidate(fromName.dateOnly ? 'filename-date' : 'filename-datetime', { local: fromName.local, offset: null }, fromName.raw, nowMs));
  }

  const mtime = utcToZone(mtimeMs, options.timeZone);
  if (mtime) out.push(candidate('file-mtime', mtime, new Date(mtimeMs).toISOString(), nowMs));
  const list = dedupe(out);
  confirmDefaults(list);
  return list;
}

/** The same source with the same value twice (EXIF and a duplicate XMP copy) is shown once. */
function dedupe(list: DateCandidate[]): DateCandidate[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = `${c.source}|${c.local}|${c.offset ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Milliseconds between two capture times: as instants when both offsets are known, else as
 * wall-clock times.
 */
function distanceMs(a: CaptureTime, b: CaptureTime): number {
  const ua = toUtcMs(a);
  const ub = toUtcMs(b);
  if (ua !== null && ub !== null) return Math.abs(ua - ub);
  return Math.abs(localDiffMs(a.local, b.local));
}

/** A whole number of quarter hours up to 14 h apart: the same moment seen in another zone. */
function looksLikeZoneShift(a: CaptureTime, b: CaptureTime): boolean {
  const diff = Math.abs(localDiffMs(a.local, b.local));
  if (diff > 14 * 3600_000 + AGREE_MS) return false;
  const quarter = 15 * 60_000;
  const rest = diff % quarter;
  return rest <= AGREE_MS || quarter - rest <= AGREE_MS;
}

/**
 * Whether a UTC header date and a local date name the same clip: as instants, or because the
 * camera wrote its local wall clock into the header (many non-Apple cameras do), so the
 * header's stored value reads as the other's local time.
 */
function headerAgrees(header: DateCandidate, other: CaptureTime): boolean {
  if (distanceMs(header, other) <= HEADER_AGREE_MS) return true;
  const stored = parseMetaDate(header.raw);
  return stored !== null && stored.offset === null && Math.abs(localDiffMs(stored.local, other.local)) <= HEADER_AGREE_MS;
}

/** Whether two candidates agree on the moment (see headerAgrees for a movie's header dates). */
function agrees(c: DateCandidate, chosen: DateCandidate, detected: CaptureTime): boolean {
  if (UTC_HEADER.has(c.source) && !UTC_HEADER.has(chosen.source)) return headerAgrees(c, detected);
  if (UTC_HEADER.has(chosen.source) && !UTC_HEADER.has(c.source)) return headerAgrees(chosen, c);
  return distanceMs(c, detected) <= AGREE_MS;
}

/**
 * Picks the capture time: the most trustworthy plausible source wins; the mtime only dates a
 * file when `useFileDatesAsLastResort` is on.
 */
export function chooseCaptureTime(candidates: DateCandidate[], options: Pick<TimestampOptions, 'useFileDatesAsLastResort'>): CaptureChoice {
  const plausible = candidates.filter((c) => c.plausible);
  let chosen: DateCandidate | undefined;
  for (const c of plausible) if (rank(c) < (chosen === undefined ? Number.POSITIVE_INFINITY : rank(chosen))) chosen = c;
  if (!chosen) {
    const mtime = options.useFileDatesAsLastResort ? plausible.find((c) => c.source === 'file-mtime') : undefined;
    if (!mtime) return { detected: null, source: null, confidence: 'none' };
    return { detected: { local: mtime.local, offset: mtime.offset }, source: 'file-mtime', confidence: 'low' };
  }

  const detected: CaptureTime = { local: chosen.local, offset: chosen.offset };
  // A date without its zone (XMP photoshop:DateCreated) may have a twin that states it (IPTC time).
  if (detected.offset === null) {
    const twin = plausible.find(
      (c) => c !== chosen && c.offset !== null && STATED_OFFSET.has(c.source) && c.local.slice(0, 19) === detected.local.slice(0, 19),
    );
    if (twin) detected.offset = twin.offset;
  }

  const chosenFamily = family(chosen.source);
  const others = plausible.filter((c) => c !== chosen && family(c.source) !== chosenFamily && c.source !== 'png-creation-time');
  const conflicting = plausible.some(
    (c) => c !== chosen && CONFLICT_SOURCES.has(c.source) && !agrees(c, chosen, detected) && !looksLikeZoneShift(c, detected),
  );
  let confidence: Confidence;
  if (conflicting) confidence = 'low';
  else if (CAMERA_CAPTURE.has(chosen.source) && others.some((c) => agrees(c, chosen, detected))) confidence = 'high';
  else if (chosen.source === 'takeout-photo-taken') confidence = 'high';
  else if (chosen.source === 'gps-date-time') confidence = 'medium';
  else if (CAMERA_CAPTURE.has(chosen.source) || chosen.source === 'xmp-date') confidence = 'medium';
  else confidence = 'low';
  return { detected, source: chosen.source, confidence };
}
