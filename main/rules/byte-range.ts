/**
 * One HTTP byte range (RFC 9110 §14) of an original, for video playback: a <video> element
 * asks for `bytes=0-` first and then seeks with ranges. Serve mode and the desktop protocol
 * both answer from this. Only single ranges: browsers never ask media for several.
 */

export type RangeAnswer =
  /** No (usable) Range header: send the whole file with 200. */
  | { kind: 'whole' }
  /** Send bytes start..end (inclusive) with 206. */
  | { kind: 'partial'; start: number; end: number }
  /** 416, with `Content-Range: bytes * /size`. */
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | null | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  // Several ranges, or another unit: allowed to be ignored (the whole file is a valid answer).
  if (!m) return { kind: 'whole' };
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // The last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
