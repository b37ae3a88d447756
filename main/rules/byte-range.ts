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

/** The status, the range headers and the bytes to send (start..end inclusive; none for 416). */
export type RangeReply =
  | { status: 416; headers: Record<string, string> }
  | { status: 200 | 206; headers: Record<string, string>; start: number; end: number };

/** How to answer a request for a file of `size` bytes with this Range header. */
export function rangeReply(header: string | null | undefined, size: number): RangeReply {
  const range = parseRange(header, size);
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${size}` } };
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  return {
    status: range.kind === 'partial' ? 206 : 200,
    start,
    end,
    headers: {
      'Accept-Ranges': 'bytes',
      'Content-Length': String(Math.max(0, end - start + 1)),
      ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    },
  };
}
