/**
 * Capture dates hidden in file names by phones, messengers and screenshot tools.
 * Only names that follow a known layout count: a random 8-digit number is not a date.
 */
import { makeLocal } from '../../../shared/capture-time.js';

export interface FileNameDate {
  /** Canonical local wall-clock time (`YYYY-MM-DDTHH:MM:SS.mmm`); midnight for date-only names. */
  local: string;
  /** True when the name carries a day but no time of day. */
  dateOnly: boolean;
  /** The part of the name the date was read from. */
  raw: string;
}

// Digits must not touch other digits, so `IMG_120190514_...` or serial numbers do not half-match.
const YEAR = '((?:18|19|20)\\d{2})';

/** Date and time patterns, tried in order; the first valid one wins. */
const DATE_TIME_PATTERNS: { re: RegExp; twelveHour?: boolean }[] = [
  // IMG_20190514_103000, VID_..., PXL_20230102_153012345 (ms), MVIMG_/PANO_, 20190514_103000,
  // Screenshot_20220315-081530
  { re: new RegExp(`(?<!\\d)${YEAR}(\\d{2})(\\d{2})[_-](\\d{2})(\\d{2})(\\d{2})(\\d{3})?(?!\\d)`) },
  // Screen Shot 2019-01-02 at 3.04.05 PM (macOS, 12-hour clock)
  {
    re: new RegExp(`(?<!\\d)${YEAR}-(\\d{2})-(\\d{2})(?: at |[ _T])(\\d{1,2})[.:](\\d{2})[.:](\\d{2})\\s?([AaPp][Mm])(?![A-Za-z])`),
    twelveHour: true,
  },
  // WhatsApp Image 2021-03-04 at 12.30.45, Screenshot 2021-07-04 at 18.30.00, 2016-03-04 12.13.14,
  // Screenshot_2021-07-04-18-30-00, photo_2020-10-10_10-10-10, 2016-03-04T12:13:14
  { re: new RegExp(`(?<!\\d)${YEAR}-(\\d{2})-(\\d{2})(?: at |[ _T-])(\\d{2})[.:_-](\\d{2})[.:_-](\\d{2})(?!\\d)`) },
  // signal-2022-11-30-101010 (also 2022-11-30-101010123 with ms)
  { re: new RegExp(`(?<!\\d)${YEAR}-(\\d{2})-(\\d{2})[-_ ](\\d{2})(\\d{2})(\\d{2})(\\d{3})?(?!\\d)`) },
];

/** Day-only patterns, tried after every date-and-time pattern failed. */
const DATE_ONLY_PATTERNS: RegExp[] = [
  // IMG-20180101-WA0012, VID-20210606-WA0003 (WhatsApp keeps only the day)
  new RegExp(`(?<!\\d)${YEAR}(\\d{2})(\\d{2})-WA\\d+`, 'i'),
  // scan_1998_07_04, animation 2019-09-09, 2019.09.09
  new RegExp(`(?<!\\d)${YEAR}([-_.])(\\d{2})\\2(\\d{2})(?!\\d)`),
  // IMG_20190514, 20190514 as a whole token
  new RegExp(`(?<![\\dA-Za-z])(?:[A-Za-z]+[_-])?${YEAR}(\\d{2})(\\d{2})(?!\\d)`),
];

function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * Reads a capture date from a file name (with or without extension).
 * Returns null when the name holds no valid date (month 13, 30 Feb, hour 25 are not dates).
 */
export function parseFileNameDate(name: string): FileNameDate | null {
  const base = stripExtension(name);
  for (const { re, twelveHour } of DATE_TIME_PATTERNS) {
    const m = re.exec(base);
    if (!m) continue;
    let hour = Number(m[4]);
    if (twelveHour) {
      const pm = /p/i.test(m[7] ?? '');
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    const ms = !twelveHour && m[7] !== undefined && /^\d{3}$/.test(m[7]) ? Number(m[7]) : 0;
    const local = makeLocal(Number(m[1]), Number(m[2]), Number(m[3]), hour, Number(m[5]), Number(m[6]), ms);
    if (local !== null) return { local, dateOnly: false, raw: m[0] };
    // A name that looks like a date-time but is impossible (IMG_20191332_250000) is no date at all;
    // reading just its day part would invent one.
    return null;
  }
  for (const re of DATE_ONLY_PATTERNS) {
    const m = re.exec(base);
    if (!m) continue;
    const parts = m.length === 5 ? [m[1], m[3], m[4]] : [m[1], m[2], m[3]];
    const local = makeLocal(Number(parts[0]), Number(parts[1]), Number(parts[2]));
    if (local !== null) return { local, dateOnly: true, raw: m[0] };
    return null;
  }
  return null;
}
