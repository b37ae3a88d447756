/**
 * The EXIF and XMP items of a HEIF/AVIF still. exifr's HEIF reader does not know every brand,
 * ignores iloc base offsets (so it misreads some AVIFs) and skips the XMP item, which ExifTool
 * reads. Here the items are located, the EXIF block is handed to exifr as TIFF and the XMP
 * dates are read as ExifTool reports them (see xmp-dates.ts), so both readers give the same
 * candidates.
 *
 * Only what locating the item needs is read: the item types of `iinf` and the extents of `iloc`
 * (ISO/IEC 23008-12 and 14496-12). Anything unexpected (old box versions, several EXIF or XMP
 * items, a compressed or indirect item, other metadata items) answers null, and the file goes
 * to ExifTool as before.
 */
import { xmpDatesLikeExiftool } from './xmp-dates.js';

class Unsupported extends Error {}

function fail(): never {
  throw new Unsupported();
}

interface Box {
  type: string;
  start: number;
  end: number;
}

function boxes(buf: Buffer, start: number, end: number): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < 8) fail();
    const size = buf.readUInt32BE(pos);
    if (size < 8 || pos + size > end) fail();
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos + 8, end: pos + size });
    pos += size;
  }
  return out;
}

function cString(buf: Buffer, start: number, end: number): { text: string; next: number } {
  const zero = buf.indexOf(0, start);
  const stop = zero < 0 || zero >= end ? end : zero;
  return { text: buf.toString('utf8', start, stop), next: Math.min(end, stop + 1) };
}

function uint(buf: Buffer, pos: number, size: number): number {
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

/** Item id -> type (and content type for `mime` items). */
function itemTypes(buf: Buffer, iinf: Box): Map<number, { type: string; contentType?: string; encoding?: string }> {
  const version = buf[iinf.start]!;
  let pos = iinf.start + 4;
  pos += version === 0 ? 2 : 4;
  const items = new Map<number, { type: string; contentType?: string; encoding?: string }>();
  for (const infe of boxes(buf, pos, iinf.end)) {
    if (infe.type !== 'infe') fail();
    const v = buf[infe.start]!;
    if (v !== 2 && v !== 3) fail();
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

/** The bytes of one item stored in the file (construction method 0), extents joined. */
function itemBytes(buf: Buffer, iloc: Box, wanted: number): Buffer {
  const version = buf[iloc.start]!;
  if (version > 2) fail();
  let p = iloc.start + 4;
  const offsetSize = buf[p]! >> 4;
  const lengthSize = buf[p]! & 15;
  const baseOffsetSize = buf[p + 1]! >> 4;
  const indexSize = version === 0 ? 0 : buf[p + 1]! & 15;
  p += 2;
  const count = version === 2 ? buf.readUInt32BE(p) : buf.readUInt16BE(p);
  p += version === 2 ? 4 : 2;
  for (let i = 0; i < count; i++) {
    const id = version === 2 ? buf.readUInt32BE(p) : buf.readUInt16BE(p);
    p += version === 2 ? 4 : 2;
    let method = 0;
    if (version > 0) {
      method = buf.readUInt16BE(p) & 15;
      p += 2;
    }
    const dataReference = buf.readUInt16BE(p);
    p += 2;
    const base = uint(buf, p, baseOffsetSize);
    p += baseOffsetSize;
    const extents = buf.readUInt16BE(p);
    p += 2;
    const parts: Buffer[] = [];
    for (let e = 0; e < extents; e++) {
      p += indexSize;
      const offset = uint(buf, p, offsetSize);
      p += offsetSize;
      const length = uint(buf, p, lengthSize);
      p += lengthSize;
      if (p > iloc.end) fail();
      if (id === wanted) {
        if (method !== 0 || dataReference !== 0 || length === 0 || base + offset + length > buf.length) fail();
        parts.push(buf.subarray(base + offset, base + offset + length));
      }
    }
    if (p > iloc.end) fail();
    if (id === wanted) return Buffer.concat(parts);
  }
  return fail();
}

export interface HeifItems {
  /** The EXIF item's TIFF block (after its header offset), null when the file has none. */
  exifTiff: Buffer | null;
  /** The XMP item's capture dates as ExifTool reports them (empty without an XMP item). */
  xmp: { tag: string; value: string }[];
}

/** The metadata items of a HEIF/AVIF file held whole in memory; null when only ExifTool can tell. */
export function heifItems(file: Buffer): HeifItems | null {
  try {
    const meta = boxes(file, 0, file.length).filter((b) => b.type === 'meta');
    if (meta.length !== 1) return null;
    const inner = boxes(file, meta[0]!.start + 4, meta[0]!.end);
    const iinf = inner.filter((b) => b.type === 'iinf');
    const iloc = inner.filter((b) => b.type === 'iloc');
    if (iinf.length !== 1 || iloc.length !== 1) return null;
    const items = [...itemTypes(file, iinf[0]!).entries()];
    const exif = items.filter(([, i]) => i.type === 'Exif');
    const mime = items.filter(([, i]) => i.type === 'mime');
    if (exif.length > 1 || mime.length > 1) return null;
    let exifTiff: Buffer | null = null;
    if (exif.length === 1) {
      const block = itemBytes(file, iloc[0]!, exif[0]![0]);
      // The item starts with the offset of the TIFF header after these 4 bytes ("Exif\0\0": 6).
      const headerOffset = block.readUInt32BE(0);
      if (4 + headerOffset + 8 > block.length) return null;
      exifTiff = block.subarray(4 + headerOffset);
    }
    let xmp: { tag: string; value: string }[] = [];
    if (mime.length === 1) {
      const [id, item] = mime[0]!;
      if (item.contentType !== 'application/rdf+xml' || (item.encoding ?? '') !== '') return null;
      const found = xmpDatesLikeExiftool(itemBytes(file, iloc[0]!, id).toString('utf8'));
      if (found === null) return null;
      xmp = found;
    }
    return { exifTiff, xmp };
  } catch (e) {
    if (e instanceof Unsupported || e instanceof RangeError) return null;
    throw e;
  }
}
