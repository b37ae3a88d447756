/**
 * The QuickTime / ISO-BMFF box walk the movie readers share: the boxes tiling a range (anything
 * irregular gives up, see unsupported.ts), and the parts of a file the movie readers need (its
 * `moov`, the XMP uuid box, the other uuid ids, the major brand), found in a whole file in memory
 * (findMovie) or kept from a stream as the hash reads it (MovieCollector).
 *
 * (mp4box was tried for the box parsing: it stops at the first atom whose type is not ASCII,
 * and the `©xyz`-style atoms that phones write into `udta` are exactly those, so it could not
 * tell whether a movie carries anything only ExifTool reads.)
 */
import { nullIfUnsupported, unsupported } from './unsupported.js';

/** Top-level boxes a plain movie consists of. Anything else (meta, pnot, moof...) goes to ExifTool; uuid only for XMP. */
const PLAIN_TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'uuid']);
/** The uuid box that holds an XMP packet (Adobe's, also used by Canon). */
export const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
/** Biggest XMP packet kept for a streamed file. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
/** Padding boxes: ExifTool looks inside them (Kodak, Pittasoft, DJI, Canon...) unless they are blank. */
const PADDING = new Set(['free', 'skip', 'wide']);
/** Biggest `moov` kept in memory for a streamed file; larger ones are left to ExifTool. */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/** Whether a file's first bytes are an ISO-BMFF/QuickTime box header of a plain movie. */
export function looksLikeMovie(head: Buffer): boolean {
  return head.length >= 8 && PLAIN_TOP_LEVEL.has(typeAt(head, 4));
}

export interface Box {
  type: string;
  /** Offset of the box header. */
  offset: number;
  /** Offset of the payload (after the header). */
  start: number;
  /** Offset just past the box. */
  end: number;
}

export function typeAt(buf: Buffer, pos: number): string {
  return buf.toString('latin1', pos, pos + 4);
}

/**
 * The boxes tiling `buf[start, end)`. Anything irregular (a size that does not fit, leftover
 * bytes) is unsupported: ExifTool would warn about it, and its warning is what the file's row
 * should show. QuickTime allows a 32-bit zero to end a UserData list (`allowTerminator`).
 */
export function children(buf: Buffer, start: number, end: number, allowTerminator = false): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    if (end - pos < 8) {
      if (allowTerminator && end - pos === 4 && buf.readUInt32BE(pos) === 0) break;
      unsupported();
    }
    let size = buf.readUInt32BE(pos);
    let header = 8;
    if (size === 1) {
      if (end - pos < 16) unsupported();
      const big = buf.readBigUInt64BE(pos + 8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) unsupported();
      size = Number(big);
      header = 16;
    } else if (size === 0) {
      if (allowTerminator) break;
      unsupported();
    }
    if (size < header || pos + size > end) unsupported();
    out.push({ type: typeAt(buf, pos + 4), offset: pos, start: pos + header, end: pos + size });
    pos += size;
  }
  return out;
}

/** The one box of a type among `boxes` (undefined: none); two give up. */
export function only(boxes: Box[], type: string): Box | undefined {
  const found = boxes.filter((b) => b.type === type);
  if (found.length > 1) unsupported();
  return found[0];
}

/**
 * What the import needs from an ISO-BMFF file's top level: the `moov` box (header included),
 * the XMP uuid box's packet, the ids of any other uuid boxes, and the major brand.
 */
export interface MovieParts {
  moov: Buffer;
  xmp: Buffer | null;
  otherUuids: string[];
  brand: string | null;
}

/**
 * Finds the movie parts of a whole file in memory: null when the file's top level holds anything
 * but the plain movie boxes (or padding with content), or is not tiled exactly by its boxes.
 */
export function findMovie(file: Buffer): MovieParts | null {
  return nullIfUnsupported(() => {
    const parts: Omit<MovieParts, 'moov'> & { moov: Buffer | null } = { moov: null, xmp: null, otherUuids: [], brand: null };
    for (const box of children(file, 0, file.length)) {
      if (!PLAIN_TOP_LEVEL.has(box.type)) return null;
      if (PADDING.has(box.type) && !isBlank(file, box.start, box.end)) return null;
      if (box.type === 'ftyp' && parts.brand === null && box.end - box.start >= 4) parts.brand = file.toString('latin1', box.start, box.start + 4);
      if (box.type === 'uuid') {
        if (box.end - box.start < 16) return null;
        const id = file.toString('hex', box.start, box.start + 16);
        if (id !== XMP_UUID) parts.otherUuids.push(id);
        else if (parts.xmp !== null) return null;
        else parts.xmp = file.subarray(box.start + 16, box.end);
      }
      if (box.type === 'moov') {
        if (parts.moov !== null) return null;
        parts.moov = file.subarray(box.offset, box.end);
      }
    }
    return parts.moov === null ? null : { ...parts, moov: parts.moov };
  });
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Watches a file stream by (chunks in order, as the hash reads them) and keeps the movie parts
 * (see MovieParts), so a large video or CR3 is read once. `movie()` is null when the top level
 * is not a plain movie.
 */
export class MovieCollector {
  private pos = 0;
  /** File offset just past the last complete box. */
  private nextBox = 0;
  /** The current box's header bytes while they arrive. */
  private header: Buffer = Buffer.alloc(0);
  private current: { type: string; payloadStart: number; end: number } | null = null;
  /** Payload bytes kept for the current box: all of moov/ftyp/XMP, the 16-byte id of another uuid. */
  private kept: Buffer[] | null = null;
  private keptLength = 0;
  private moov: Buffer | null = null;
  private xmp: Buffer | null = null;
  private brand: string | null = null;
  private readonly otherUuids: string[] = [];
  private failed = false;

  feed(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.failed) {
      const at = this.pos + off;
      if (this.current === null) {
        // Collect the box header (8 bytes, 16 for a 64-bit size).
        const need = this.header.length < 8 ? 8 : this.header.readUInt32BE(0) === 1 ? 16 : 8;
        const take = Math.min(need - this.header.length, chunk.length - off);
        this.header = Buffer.concat([this.header, chunk.subarray(off, off + take)]);
        off += take;
        if (this.header.length < need) continue;
        if (need === 8 && this.header.readUInt32BE(0) === 1) continue;
        this.startBox(at + take - this.header.length);
        continue;
      }
      const take = Math.min(this.current.end - at, chunk.length - off);
      const part = chunk.subarray(off, off + take);
      if (this.kept !== null) this.keep(part);
      else if (PADDING.has(this.current.type) && !isBlank(part, 0, part.length)) this.failed = true;
      off += take;
      if (at + take === this.current.end) this.endBox();
    }
    this.pos += chunk.length;
  }

  private keep(part: Buffer): void {
    const current = this.current!;
    if (current.type === 'uuid' && this.keptLength < 16) {
      // Decide on the uuid box once its id is known: only the XMP box is kept whole.
      const head = Buffer.concat([...this.kept!, part]);
      if (head.length >= 16 && head.toString('hex', 0, 16) !== XMP_UUID) {
        this.otherUuids.push(head.toString('hex', 0, 16));
        this.kept = null;
        return;
      }
      if (head.length >= 16 && (this.xmp !== null || current.end - current.payloadStart > MAX_XMP_BYTES)) {
        this.failed = true;
        return;
      }
    }
    this.kept!.push(Buffer.from(part));
    this.keptLength += part.length;
  }

  private startBox(boxStart: number): void {
    let size = this.header.readUInt32BE(0);
    const type = typeAt(this.header, 4);
    if (size === 1) {
      const big = this.header.readBigUInt64BE(8);
      size = big > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(big);
    }
    const headerLength = this.header.length;
    if (
      size < headerLength ||
      !PLAIN_TOP_LEVEL.has(type) ||
      (type === 'moov' && (this.moov !== null || size > MAX_MOOV_BYTES)) ||
      (type === 'ftyp' && size > 4096)
    ) {
      this.failed = true;
      return;
    }
    this.current = { type, payloadStart: boxStart + headerLength, end: boxStart + size };
    this.kept = type === 'moov' ? [Buffer.from(this.header)] : type === 'uuid' || type === 'ftyp' ? [] : null;
    this.keptLength = 0;
    this.header = Buffer.alloc(0);
    if (size === headerLength) this.endBox();
  }

  private endBox(): void {
    const current = this.current!;
    if (this.kept !== null) {
      const bytes = Buffer.concat(this.kept);
      this.kept = null;
      if (current.type === 'moov') this.moov = bytes;
      else if (current.type === 'ftyp') this.brand ??= bytes.length >= 4 ? bytes.toString('latin1', 0, 4) : null;
      else if (bytes.length >= 16) this.xmp = bytes.subarray(16);
      else this.failed = true;
    }
    this.nextBox = current.end;
    this.current = null;
  }

  /** The movie parts of a file that ended exactly after its last box, else null. */
  movie(): MovieParts | null {
    if (this.failed || this.current !== null || this.header.length > 0 || this.nextBox !== this.pos || this.moov === null) return null;
    return { moov: this.moov, xmp: this.xmp, otherUuids: [...this.otherUuids], brand: this.brand };
  }
}
