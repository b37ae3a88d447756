/**
 * Capture times are local wall-clock time plus the UTC offset when one is known.
 * They are never converted to UTC for naming: 22:00 on 31 Dec in New York is
 * `2024/20241231_220000.jpg`.
 */

/**
 * How much of a date is known. A scan dated by a person may be known only to the day ("1987-12-25"),
 * the month or the year; absent means to the second.
 */
export type DatePrecision = 'year' | 'month' | 'day' | 'second';

/** A wall-clock instant as the camera (or the user) saw it. */
export interface CaptureTime {
  /**
   * Local wall-clock time, always `YYYY-MM-DDTHH:MM:SS.mmm` (sorts as text). A coarser date fills
   * the unknown parts with their first value (`1987-12` is `1987-12-01T00:00:00.000`).
   */
  local: string;
  /** UTC offset like `+02:00` / `-05:00`, or null when the source does not say. */
  offset: string | null;
  /** What is known; absent (or `second`) for a full date and time. */
  precision?: DatePrecision;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** True when y-m-d h:m:s names a real calendar moment (no month 13, no 30 Feb). */
export function isValidDateParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (![y, mo, d, h, mi, s].every(Number.isInteger)) return false;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= dim;
}

/** Builds the canonical local string; returns null for impossible dates. */
export function makeLocal(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): string | null {
  if (!isValidDateParts(y, mo, d, h, mi, s) || ms < 0 || ms > 999) return null;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(Math.floor(ms), 3)}`;
}

/** Normalises `+0200`, `+02`, `Z` to `+02:00`; null when malformed. */
export function normalizeOffset(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const t = raw.trim();
  if (t === 'Z' || t === 'z') return '+00:00';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(t);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? '0');
  if (h > 14 || mi > 59) return null;
  return `${m[1]}${m[2]}:${pad(mi)}`;
}

/** Offset in minutes east of UTC (`+02:00` -> 120). */
export function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':');
  return sign * (Number(h) * 60 + Number(m));
}

const PARTIAL_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * Parses user or wire input: `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`, or a date known only to the
 * day, month or year (`1987-12-25`, `1987-12`, `1987`), which carries its `precision`.
 * Returns null for malformed or impossible dates.
 */
export function parseCaptureTime(text: string): CaptureTime | null {
  const trimmed = text.trim();
  const partial = PARTIAL_RE.exec(trimmed);
  if (partial) {
    const local = makeLocal(Number(partial[1]), Number(partial[2] ?? '1'), Number(partial[3] ?? '1'));
    if (local === null) return null;
    const precision: DatePrecision = partial[3] !== undefined ? 'day' : partial[2] !== undefined ? 'month' : 'year';
    return { local, offset: null, precision };
  }
  const m = ISO_RE.exec(trimmed);
  if (!m) return null;
  const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const local = makeLocal(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'), frac);
  if (local === null) return null;
  let offset: string | null = null;
  if (m[8] !== undefined) {
    offset = normalizeOffset(m[8]);
    if (offset === null) return null;
  }
  return { local, offset };
}

/**
 * ISO 8601 for people and JSON: `2024-12-31T22:00:00-05:00`; milliseconds only when not zero;
 * no offset when unknown. A coarser date is written with only what is known (`1987-12`).
 */
export function formatCaptureTime(ct: CaptureTime): string {
  if (ct.precision === 'day') return ct.local.slice(0, 10);
  if (ct.precision === 'month') return ct.local.slice(0, 7);
  if (ct.precision === 'year') return ct.local.slice(0, 4);
  const base = ct.local.endsWith('.000') ? ct.local.slice(0, 19) : ct.local;
  return ct.offset ? base + ct.offset : base;
}

/** Milliseconds between two local wall-clock strings, ignoring offsets. */
export function localDiffMs(a: string, b: string): number {
  return Date.parse(a + 'Z') - Date.parse(b + 'Z');
}

/** The UTC instant of a capture time when its offset is known, else null. */
export function toUtcMs(ct: CaptureTime): number | null {
  if (ct.offset === null) return null;
  return Date.parse(ct.local + 'Z') - offsetMinutes(ct.offset) * 60_000;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per zone: building one costs about half a millisecond, and imports convert every file. */
function zoneFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let fmt = zoneFormatters.get(timeZone);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      fmt = null;
    }
    zoneFormatters.set(timeZone, fmt);
  }
  return fmt;
}

/** The wall-clock time of a UTC instant in an IANA time zone (`America/New_York`). */
export function utcToZone(utcMs: number, timeZone: string): CaptureTime | null {
  const fmt = zoneFormatter(timeZone);
  if (fmt === null || !Number.isFinite(utcMs)) return null;
  const parts = fmt.formatToParts(new Date(utcMs));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const ms = ((utcMs % 1000) + 1000) % 1000;
  const local = makeLocal(get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second'), ms);
  if (local === null) return null;
  const offMin = Math.round((Date.parse(local + 'Z') - utcMs) / 60_000);
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  return { local, offset: `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}` };
}

/** True when the string names an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  return zoneFormatter(timeZone) !== null;
}
