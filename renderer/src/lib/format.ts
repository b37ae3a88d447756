import { formatCaptureTime, parseCaptureTime } from '../../../shared/capture-time.js';
import { formatBytes, formatEta as timeLeft } from '../../../shared/format.js';

export { formatBytes, formatCount } from '../../../shared/format.js';


export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '—';
}

/** "3 min left" style wording for people, not stopwatch precision. */
export function formatEta(seconds: number | null): string {
  return timeLeft(seconds) ?? 'working out time left…';
}

/** `2024-12-31T22:00:00-05:00` -> `2024-12-31 22:00:00 (UTC-05:00)`; the raw text when it does not parse. */
export function formatTimestamp(value: string | null): string {
  if (!value) return 'No date';
  const ct = parseCaptureTime(value);
  if (!ct) return value;
  if (ct.precision) return formatCaptureTime(ct);
  const base = ct.local.slice(0, 19).replace('T', ' ');
  return ct.offset ? `${base} (UTC${ct.offset})` : base;
}

/** The value to prefill a date box with: `YYYY-MM-DDTHH:MM:SS`. */
export function toInputValue(value: string | null): string {
  if (!value) return '';
  const ct = parseCaptureTime(value);
  if (!ct) return '';
  return ct.precision ? formatCaptureTime(ct) : ct.local.slice(0, 19);
}

/** How much of a date is known, for people: null for a full date and time. */
export function precisionLabel(value: string | null): string | null {
  const precision = value ? parseCaptureTime(value)?.precision : undefined;
  if (precision === 'day') return 'Known to the day (no time)';
  if (precision === 'month') return 'Known to the month';
  if (precision === 'year') return 'Known to the year';
  return null;
}

/** Validates what a person typed; returns the text to send or a sentence explaining the problem. */
export function validateDateInput(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: 'Type a date like 2021-07-14T15:30:00, or just 2021-07-14, 2021-07 or 2021.' };
  // A scan may be known only to the day, the month or the year.
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(trimmed)) {
    return parseCaptureTime(trimmed)
      ? { ok: true, value: trimmed }
      : { ok: false, message: 'That date does not exist on the calendar. Check the day and month.' };
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?/.test(trimmed)) {
    return { ok: false, message: 'Use the form YYYY-MM-DDTHH:MM:SS (for example 2021-07-14T15:30:00), or YYYY-MM-DD, YYYY-MM, YYYY.' };
  }
  const ct = parseCaptureTime(trimmed);
  if (!ct) return { ok: false, message: 'That date does not exist on the calendar. Check the day and month.' };
  return { ok: true, value: trimmed.replace(' ', 'T') };
}

export function formatStatus(status: string): string {
  switch (status) {
    case 'queued':
      return 'Waiting to start';
    case 'running':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'cancelled':
      return 'Cancelled';
    case 'completed':
      return 'Finished';
    case 'failed':
      return 'Failed';
    case 'halted':
      return 'Stopped (needs attention)';
    case 'interrupted':
      return 'Interrupted';
    default:
      return status;
  }
}

export const CONFIDENCE_LABEL: Record<string, string> = {
  high: 'Sure',
  medium: 'Probably right',
  low: 'Please check',
  none: 'No date found',
};

export const SOURCE_LABEL: Record<string, string> = {
  'exif-datetime-original': 'Camera (when taken)',
  'exif-create-date': 'Camera (created)',
  'xmp-date': 'Photo editing data',
  'quicktime-creation-date': 'Video (creation date)',
  'quicktime-content-create-date': 'Video (recorded, local time)',
  'quicktime-create-date': 'Video (created)',
  'quicktime-media-create-date': 'Video media (created)',
  'quicktime-track-create-date': 'Video track (created)',
  'takeout-photo-taken': 'Google Photos (Takeout)',
  'gps-date-time': 'GPS clock (UTC)',
  'png-creation-time': 'PNG creation time',
  'filename-datetime': 'File name (date and time)',
  'exif-modify-date': 'Camera (modified)',
  'filename-date': 'File name (date only)',
  'file-mtime': 'File last changed',
  user: 'Set by you',
};
