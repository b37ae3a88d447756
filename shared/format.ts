/**
 * Numbers for people, the same in the window, the browser, the tray and the terminal: counts with
 * thousands separators, sizes in decimal units (1 KB = 1000 bytes, as drives are sold and as macOS
 * and most phones show them), and times left in words rather than stopwatch precision.
 */

const numberFormat = new Intl.NumberFormat('en-US');

/** `1234` -> `1,234`. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** `1500` -> `1.5 KB`, `5` -> `5 bytes`, `2_000_000_000` -> `2.0 GB`; `—` when not a size. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** `"3 min left"`, `"less than a minute left"`, `"1 h 5 min left"`; null when unknown. */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}
