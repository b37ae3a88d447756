/**
 * AVI dates without a round trip to ExifTool: the RIFF chunks before the movie data, read as
 * ExifTool reads them with `-fast` (RIFF.pm 13.59: ProcessRIFF stops at `LIST_movi`, `idx1` or
 * `data`). The capture date is `IDIT` (DateTimeOriginal, in `LIST_hdrl`, `LIST_INFO` or at the
 * top level), converted by ExifTool's ConvertRIFFDate; the picture size is the AVI header's.
 *
 * Only chunks whose ExifTool tables hold none of the tags the import asks for, or whose tags are
 * reproduced here, are accepted: anything else (maker chunks with EXIF or a model name, XMP,
 * Nikon/Olympus/Casio/Ricoh data, INFO `DTIM`, two dates, damaged or truncated chunks) makes
 * `readAvi` answer null, and the file goes to ExifTool. INFO `ICRD` (ExifTool's RIFF:DateCreated)
 * is not a tag the import uses (see datesFromExiftool), so it is skipped as ExifTool's is.
 */
import type { DatesAndSize } from './metadata-dates.js';
import { emptyMetadataDates } from './metadata-dates.js';
import { nullIfUnsupported, unsupported } from './unsupported.js';

/** Top-level chunks whose content gives none of the import's tags (or is read here). */
const TOP_LEVEL_SKIPPED = new Set(['LIST_INFO', 'LIST_hdrl', 'JUNK', 'IDIT', 'LIST_hydt', 'LIST_pntx']);
/**
 * JUNK contents ExifTool reads as maker data (Olympus, Casio EXIF, Ricoh, Pentax RS1000/RZ18
 * models, Lucas GPS) rather than as text (RIFF::Main JUNK conditions).
 */
// eslint-disable-next-line no-control-regex
const MAKER_JUNK = [/^OLYMDigital Camera/, /^QVMI/, /^ucmt/, /^IIII\x01\0/, /^PENTDigital Camera/, /^0G(DA|PS)/];
/** INFO tags ExifTool maps to a date the import uses (RIFF::Info): IDIT is read here, DTIM is not. */
const INFO_DATES = new Set(['DTIM']);
/** Pentax maker-note tag 0x023f (Pentax::Main): the camera model, which the import would use. */
const PENTAX_MODEL_TAG = 0x023f;

interface Chunk {
  tag: string;
  start: number;
  end: number;
}

/**
 * The chunks of `buf[start, end)` as ExifTool's ProcessChunks walks them (`LIST` chunks named by
 * their list type, odd sizes padded). A chunk that overruns its parent is a warning in ExifTool:
 * such files are left to it.
 */
function chunks(buf: Buffer, start: number, end: number): Chunk[] {
  const out: Chunk[] = [];
  let pos = start;
  while (pos + 8 < end) {
    let tag = buf.toString('latin1', pos, pos + 4);
    let len = buf.readUInt32LE(pos + 4);
    pos += 8;
    if (pos + len > end) unsupported();
    if (tag === 'LIST' && len >= 4) {
      tag += `_${buf.toString('latin1', pos, pos + 4)}`;
      len -= 4;
      pos += 4;
    }
    out.push({ tag, start: pos, end: pos + len });
    pos += len + (len & 1);
  }
  return out;
}

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };
/** Perl's `\s` on a byte string. */
const WS = '[ \\t\\n\\r\\f\\v]';
const p2 = (n: number): string => String(n).padStart(2, '0');
const p4 = (n: number): string => String(n).padStart(4, '0');

/**
 * ExifTool's ConvertRIFFDate (RIFF.pm), for the values it turns into a date. Values it would pass
 * through unchanged (or that only Perl's loose number parsing makes into a date) are unsupported.
 */
export function convertRiffDate(raw: string): string {
  const parts = raw.replace(new RegExp(`^${WS}+`), '').split(new RegExp(`${WS}+`));
  const mon = parts.length >= 5 ? MONTHS[parts[1]!.charAt(0).toUpperCase() + parts[1]!.slice(1).toLowerCase()] : undefined;
  if (mon !== undefined) {
    // "Mon Mar 10 15:04:43 2003": the standard AVI form.
    const year = /^(\d+)\0*$/.exec(parts[4]!);
    const day = /^(\d+)\0*$/.exec(parts[2]!);
    if (!year || !day || !/^[\x21-\x7e]+$/.test(parts[3]!)) unsupported();
    return `${p4(Number(year[1]))}:${p2(mon)}:${p2(Number(day[1]))} ${parts[3]}`;
  }
  let m = new RegExp(`(\\d{4})/${WS}*(\\d+)/${WS}*(\\d+)/?${WS}+(\\d+):${WS}*(\\d+)${WS}*(P?)`).exec(raw);
  if (m) {
    // Casio's "2001/ 1/27  1:42PM" and Pentax's "2009/10/27 12:14:34": ExifTool keeps hours and minutes only.
    return `${p4(Number(m[1]))}:${p2(Number(m[2]))}:${p2(Number(m[3]))} ${p2(Number(m[4]) + (m[6] ? 12 : 0))}:${p2(Number(m[5]))}:00`;
  }
  m = new RegExp(`(\\d{4})[-/](\\d+)[-/](\\d+)${WS}+(\\d+:\\d+:\\d+)`).exec(raw);
  if (m) return `${m[1]}:${m[2]}:${m[3]} ${m[4]}`;
  return unsupported();
}

/**
 * Pentax AVI maker notes (`hymn`/`mknt` in `LIST_hydt`): a TIFF directory 10 bytes in, of either
 * byte order. Fine unless it holds the model tag; a directory that cannot be told apart goes to
 * ExifTool.
 */
function checkPentaxData(buf: Buffer, list: Chunk): void {
  for (const c of chunks(buf, list.start, list.end)) {
    if (c.tag !== 'hymn' && c.tag !== 'mknt') continue;
    const dir = c.start + 10;
    if (dir + 2 > c.end) unsupported();
    const fits = (count: number): boolean => count > 0 && dir + 2 + count * 12 <= c.end;
    const be = buf.readUInt16BE(dir);
    const le = buf.readUInt16LE(dir);
    if (fits(be) === fits(le)) unsupported();
    const bigEndian = fits(be);
    const count = bigEndian ? be : le;
    for (let i = 0; i < count; i++) {
      const at = dir + 2 + i * 12;
      const tag = bigEndian ? buf.readUInt16BE(at) : buf.readUInt16LE(at);
      if (tag === PENTAX_MODEL_TAG) unsupported();
    }
  }
}

function readAviOrThrow(buf: Buffer): DatesAndSize {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'AVI ') unsupported();
  const dates = emptyMetadataDates();
  const found: string[] = [];
  let width: number | null = null;
  let height: number | null = null;
  let pos = 12;
  for (;;) {
    // The movie data must be within the bytes at hand: ExifTool stops there.
    if (pos + 12 > buf.length) unsupported();
    let tag = buf.toString('latin1', pos, pos + 4);
    let len = buf.readUInt32LE(pos + 4);
    pos += 8;
    if (tag === 'LIST') {
      tag += `_${buf.toString('latin1', pos, pos + 4)}`;
      len -= 4;
      pos += 4;
    }
    if (tag === 'LIST_movi' || tag === 'idx1' || tag === 'data') break;
    if (len <= 0 || !TOP_LEVEL_SKIPPED.has(tag)) unsupported();
    const end = pos + len;
    if (end > buf.length) unsupported();
    const chunk: Chunk = { tag, start: pos, end };
    if (tag === 'IDIT') found.push(buf.toString('latin1', pos, end));
    else if (tag === 'JUNK') {
      const head = buf.toString('latin1', pos, Math.min(end, pos + 32));
      if (MAKER_JUNK.some((re) => re.test(head))) unsupported();
    } else if (tag === 'LIST_hydt' || tag === 'LIST_pntx') checkPentaxData(buf, chunk);
    else if (tag === 'LIST_INFO') {
      for (const c of chunks(buf, pos, end)) {
        if (INFO_DATES.has(c.tag)) unsupported();
        // INFO strings lose their trailing NULs (its table's string format).
        if (c.tag === 'IDIT') found.push(buf.toString('latin1', c.start, c.end).replace(/\0+$/, ''));
      }
    } else if (tag === 'LIST_hdrl') {
      for (const c of chunks(buf, pos, end)) {
        if (c.tag === 'IDIT') found.push(buf.toString('latin1', c.start, c.end));
        else if (c.tag === 'avih') {
          if (c.end - c.start < 40 || width !== null) unsupported();
          width = buf.readUInt32LE(c.start + 32);
          height = buf.readUInt32LE(c.start + 36);
        } else if (c.tag === 'LIST_strl') {
          for (const s of chunks(buf, c.start, c.end)) if (s.tag === 'strd') unsupported();
        }
      }
    }
    pos = end + (len & 1);
  }
  // ExifTool's AVI header size is the one the import takes; a zero there would hand it to the stream format.
  if (!width || !height) unsupported();
  if (found.length > 1) unsupported();
  if (found.length === 1) dates.dateTimeOriginal = convertRiffDate(found[0]!);
  return { dates, width, height };
}

/**
 * Reads an AVI's dates and size from its first bytes (the whole file, or a head that reaches the
 * movie data). Null when only ExifTool can tell.
 */
export function readAvi(buf: Buffer): DatesAndSize | null {
  return nullIfUnsupported(() => readAviOrThrow(buf));
}
