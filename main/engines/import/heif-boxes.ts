/**
 * The ISO-BMFF / HEIF boxes both HEIF readers walk (ISO/IEC 14496-12, 23008-12): the box list,
 * item infos (`iinf`) and item locations (`iloc`). Used by the import's metadata items
 * (heif-items.ts) and by the thumbnail's HEVC preview (thumbnails/heif-preview.ts). Anything
 * these do not understand throws `HeifUnsupported`; callers answer null and leave the file to
 * ExifTool or ffmpeg.
 *
 * Pure functions over a Buffer; no I/O.
 */

export class HeifUnsupported extends Error {}

export function fail(): never {
  throw new HeifUnsupported();
}

export interface Box {
  type: string;
  /** First byte after the header. */
  start: number;
  end: number;
}

/**
 * The boxes between `start` and `end`: 32-bit and 64-bit (`size == 1`) sizes, and `size == 0`
 * (to the end). `trailing`: what a tail too short for a header means: 'fail' where any surprise
 * must send the file elsewhere, 'ignore' where the rest is padding.
 */
export function boxes(buf: Buffer, start: number, end: number, trailing: 'fail' | 'ignore' = 'fail'): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < 8) {
      if (trailing === 'ignore') break;
      fail();
    }
    let size = buf.readUInt32BE(pos);
    let header = 8;
    if (size === 1) {
      if (end - pos < 16) fail();
      size = uint(buf, pos + 8, 8);
      header = 16;
    } else if (size === 0) size = end - pos;
    if (size < header || pos + size > end) fail();
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos + header, end: pos + size });
    pos += size;
  }
  return out;
}

/** An unsigned big-endian integer of 0, 2, 4 or 8 bytes (8 only while it is a safe integer). */
export function uint(buf: Buffer, pos: number, size: number): number {
  switch (size) {
    case 0:
      return 0;
    case 2:
      return buf.readUInt16BE(pos);
    case 4:
      return buf.readUInt32BE(pos);
    case 8: {
      const big = buf.readBigUInt64BE(pos);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) fail();
      return Number(big);
    }
    default:
      return fail();
  }
}

function cString(buf: Buffer, start: number, end: number): { text: string; next: number } {
  const zero = buf.indexOf(0, start);
  const stop = zero < 0 || zero >= end ? end : zero;
  return { text: buf.toString('utf8', start, stop), next: Math.min(end, stop + 1) };
}

export interface ItemInfo {
  type: string;
  /** `mime` items only. */
  contentType?: string;
  encoding?: string;
}

/**
 * Item id -> type (and content type for `mime` items) from `iinf`. `strict`: an entry that is not
 * an `infe` of version 2 or 3 fails; otherwise it is skipped.
 */
export function itemInfos(buf: Buffer, iinf: Box, strict: boolean): Map<number, ItemInfo> {
  const version = buf[iinf.start]!;
  const items = new Map<number, ItemInfo>();
  for (const infe of boxes(buf, iinf.start + 4 + (version === 0 ? 2 : 4), iinf.end, strict ? 'fail' : 'ignore')) {
    const v = buf[infe.start]!;
    if (infe.type !== 'infe' || (v !== 2 && v !== 3)) {
      if (strict) fail();
      continue;
    }
    let p = infe.start + 4;
    const id = v === 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
    p += (v === 2 ? 2 : 4) + 2;
    const type = buf.toString('latin1', p, p + 4);
    p = cString(buf, p + 4, infe.end).next;
    if (type === 'mime') {
      const contentType = cString(buf, p, infe.end);
      const encoding = cString(buf, contentType.next, infe.end);
      items.set(id, { type, contentType: contentType.text, encoding: encoding.text });
    } else items.set(id, { type });
  }
  return items;
}

export interface ItemLocation {
  /** 0: in the file; 1: in `idat`; 2: another item. */
  method: number;
  /** Absolute offsets (the base offset added) and lengths (0: to the end). */
  extents: { offset: number; length: number }[];
}

/** Item id -> location from `iloc` (versions 0-2); data in another file fails. */
export function itemLocations(buf: Buffer, iloc: Box): Map<number, ItemLocation> {
  const version = buf[iloc.start]!;
  if (version > 2) fail();
  let p = iloc.start + 4;
  const offsetSize = buf[p]! >> 4;
  const lengthSize = buf[p]! & 15;
  const baseSize = buf[p + 1]! >> 4;
  const indexSize = version === 0 ? 0 : buf[p + 1]! & 15;
  p += 2;
  const count = version < 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
  p += version < 2 ? 2 : 4;
  const out = new Map<number, ItemLocation>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
    p += version < 2 ? 2 : 4;
    let method = 0;
    if (version > 0) {
      method = buf.readUInt16BE(p) & 15;
      p += 2;
    }
    if (buf.readUInt16BE(p) !== 0) fail(); // data in another file
    p += 2;
    const base = uint(buf, p, baseSize);
    p += baseSize;
    const n = buf.readUInt16BE(p);
    p += 2;
    const extents: ItemLocation['extents'] = [];
    for (let e = 0; e < n; e++) {
      p += indexSize;
      const offset = uint(buf, p, offsetSize);
      p += offsetSize;
      const length = uint(buf, p, lengthSize);
      p += lengthSize;
      extents.push({ offset: base + offset, length });
    }
    if (p > iloc.end) fail();
    out.set(id, { method, extents });
  }
  return out;
}
