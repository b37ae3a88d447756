/**
 * AVCHD (`.MTS`/`.M2TS`) dates without a round trip to ExifTool. A camcorder writes the capture
 * time into the H.264 stream: the MDPM ("modified digital video pack metadata") of the
 * unregistered user data in the first SEI NAL unit. ExifTool (M2TS.pm and H264.pm 13.59) finds it
 * by walking the transport packets from the start of the file until every audio and video stream
 * named by the program map has been looked at (with `-fast` it stops there); this is a port of
 * that walk, limited to what gives the import a tag: the H.264 stream's DateTimeOriginal (with
 * its zone and DST flag, `2019:04:24 22:24:00+02:00 DST`), camera model and picture size.
 *
 * The walk hands each stream's first bytes (about 1 kB, cut where ExifTool cuts them) to the same
 * parsing steps, so a date split across a cut is missed here exactly as it is there. Anything it
 * does not reproduce (GPS in the MDPM, MPEG-1/2 streams, packetized metadata, dashcam GPS
 * streams, sections spanning packets, 188-byte packets, sync errors or any other ExifTool
 * warning, a scan that does not end within the bytes at hand) makes `readAvchd` answer null, and
 * the file goes to ExifTool.
 */
import type { DatesAndSize } from './metadata-dates.js';
import { emptyMetadataDates } from './metadata-dates.js';
import { nullIfUnsupported, unsupported } from './unsupported.js';

/** Packet size with the 4-byte timecode of AVCHD's `.MTS`. */
const PACKET = 192;
/** Stream types whose ExifTool parsers give tags the import reads but this port does not (MPEG-1/2, private data, metadata). */
const UNSUPPORTED_STREAM_TYPES = new Set([0x01, 0x02, 0x03, 0x04, 0x06, 0x15]);
/** ExifTool's names of stream types, where they say Audio or Video (those streams are waited for). */
const AUDIO_VIDEO_TYPES = new Set([
  0x01, 0x02, 0x03, 0x04, 0x0f, 0x10, 0x11, 0x1b, 0x24, 0x42, 0x80, 0x81, 0x82, 0x83, 0x84, 0x86, 0x87, 0x8a, 0x91, 0x94, 0xa0,
]);
/** PES stream ids without the optional PES header (M2TS.pm %noSyntax). */
const NO_SYNTAX = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff]);
/** PIDs ExifTool collects without a start indicator (dashcam GPS). */
const GPS_PIDS = new Set([0x0300, 0x01e4, 0x0e1b, 0x0e1a]);
const H264 = 0x1b;
const MDPM_UUID = Buffer.from('17ee8c60f84d11d98cd60800200c9a664d44504d', 'hex');
/** MDPM tags: the date (two records), the make, the Sony model (three records), GPS (ExifTool's, not ported). */
const MDPM_DATE = 0x18;
const MDPM_MAKE = 0xe0;
const MDPM_MODEL = 0xe4;
const SONY = 0x0108;

/** What the H.264 parsing has found, across streams and calls (ExifTool keeps these on its object). */
interface H264State {
  gotSei: boolean;
  gotSps: boolean;
  parsedOnce: boolean;
  make: number | null;
  dateTimeOriginal?: string;
  model?: string;
  width: number | null;
  height: number | null;
}

/** H264.pm's bit reader: `done` once the last bit has been read (its Mask at 0). */
class Bits {
  private bit = 0;
  private readonly total: number;
  constructor(private readonly data: Buffer) {
    this.total = data.length * 8;
  }
  get done(): boolean {
    return this.bit >= this.total;
  }
  int(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      v *= 2;
      if (this.bit < this.total) {
        if (this.data[this.bit >> 3]! & (0x80 >> (this.bit & 7))) v += 1;
        this.bit++;
      }
    }
    return v;
  }
  golomb(): number {
    let count = 0;
    while (this.bit < this.total && !(this.data[this.bit >> 3]! & (0x80 >> (this.bit & 7)))) {
      count++;
      this.bit++;
    }
    if (this.bit >= this.total) unsupported();
    // Perl's integer arithmetic would differ past this; no real stream gets near it.
    if (count > 31) unsupported();
    return this.int(count + 1) - 1;
  }
  golombSigned(): number {
    const v = this.golomb() + 1;
    return v & 1 ? -(v >> 1) : v >> 1;
  }
}

/** ParseSeqParamSet: the picture size, when in ExifTool's plausible range. */
function parseSps(state: H264State, data: Buffer): void {
  if (data.length === 0) return;
  const b = new Bits(data);
  let t = b.int(8);
  b.int(16);
  b.golomb();
  if (t >= 100) {
    t = b.golomb();
    if (t === 3) b.int(1);
    b.golomb();
    b.golomb();
    b.int(1);
    if (b.int(1)) {
      for (let i = 0; i < 8; i++) {
        const size = i < 6 ? 16 : 64;
        if (!b.int(1)) continue;
        const last = 8;
        let next = 8;
        for (let j = 0; j < size; j++) {
          if (next) next = (last + b.golombSigned()) & 0xff;
          // (ExifTool never updates `last`.)
          if (!j && !next) break;
        }
      }
    }
  }
  b.golomb();
  t = b.golomb();
  if (t === 0) b.golomb();
  else if (t === 1) {
    b.int(1);
    b.golomb();
    b.golomb();
    const n = b.golomb();
    for (let i = 0; i < n; i++) b.golomb();
  }
  b.golomb();
  b.int(1);
  let w = b.golomb();
  let h = b.golomb();
  const f = b.int(1);
  if (!f) b.int(1);
  b.int(1);
  w = (w + 1) * 16;
  h = (2 - f) * (h + 1) * 16;
  if (b.int(1)) {
    const m = 4 - f * 2;
    w -= 4 * b.golomb();
    w -= 4 * b.golomb();
    h -= m * b.golomb();
    h -= m * b.golomb();
  }
  if (b.done) return;
  if (w >= 160 && w <= 4096 && h >= 120 && h <= 3072) {
    state.width = w;
    state.height = h;
  }
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** ProcessSEI: true when the first unregistered user data is the MDPM, whose tags it reads. */
function processSei(state: H264State, data: Buffer): boolean {
  const end = data.length;
  let pos = 0;
  let size: number;
  for (;;) {
    let type = 0;
    let t: number;
    do {
      if (pos >= end) return false;
      t = data[pos++]!;
      type += t;
    } while (t === 255);
    if (type === 0x80) return false;
    size = 0;
    do {
      if (pos >= end) return false;
      t = data[pos++]!;
      size += t;
    } while (t === 255);
    if (pos + size > end) return false;
    if (type === 5) break;
    pos += size;
  }
  if (!(size > 20 && data.subarray(pos, pos + 20).equals(MDPM_UUID))) return false;
  const payloadEnd = pos + size;
  pos += 20;
  const num = data[pos++]!;
  let lastTag = 0;
  for (let index = 0; index < num && pos < payloadEnd; index++) {
    const tag = data[pos]!;
    // ExifTool warns about records out of order (and its warning is what the file's row should show).
    if (tag <= lastTag) unsupported();
    lastTag = tag;
    // GPS records: ExifTool's composite position and time are not ported.
    if (tag >= 0xb0 && tag <= 0xcf) unsupported();
    const combine = tag === MDPM_DATE ? 1 : tag === MDPM_MODEL ? 2 : 0;
    const parts = [data.subarray(pos + 1, pos + 5)];
    for (let c = combine; c > 0; c--) {
      if (pos + 5 >= payloadEnd) break;
      if (data[pos + 5] !== lastTag + 1) break;
      pos += 5;
      parts.push(data.subarray(pos + 1, pos + 5));
      index++;
      lastTag++;
    }
    const value = Buffer.concat(parts);
    if (tag === MDPM_DATE) {
      if (value.length !== 8) unsupported();
      const [tz, ...a] = [...value];
      state.dateTimeOriginal ??=
        `${hex2(a[0]!)}${hex2(a[1]!)}:${hex2(a[2]!)}:${hex2(a[3]!)} ${hex2(a[4]!)}:${hex2(a[5]!)}:${hex2(a[6]!)}` +
        `${tz! & 0x20 ? '-' : '+'}${String((tz! >> 1) & 0x0f).padStart(2, '0')}:${tz! & 0x01 ? '30' : '00'}${tz! & 0x40 ? ' DST' : ''}`;
    } else if (tag === MDPM_MAKE) {
      if (value.length < 2) unsupported();
      state.make = value.readUInt16BE(0);
    } else if (tag === MDPM_MODEL && state.make === SONY) {
      // ExifTool's string format ends at the first NUL; an empty model is no tag.
      const text = value.toString('latin1').replace(/\0.*$/s, '');
      // (Trimmed as the import trims any camera model.)
      if (text.trim() !== '') state.model ??= text.trim().slice(0, 200);
    }
    pos += 5;
  }
  return true;
}

/** ParseH264Video: true when ExifTool would look at one more access unit of this stream. */
function parseH264(state: H264State, data: Buffer): boolean {
  const s = data.toString('latin1');
  // eslint-disable-next-line no-control-regex
  const startCode = /(\0{2,3}\x01)/g;
  const parse = new Set([0x06, 0x07]);
  let found = false;
  const len = data.length;
  let pos = 0;
  while (pos < len) {
    let nextPos: number;
    let end: number;
    const m = startCode.exec(s);
    if (m) {
      nextPos = startCode.lastIndex;
      end = nextPos - m[1]!.length;
      if (!pos) {
        pos = nextPos;
        continue;
      }
    } else {
      if (!pos) break;
      nextPos = end = len;
    }
    if (pos >= len) break;
    let nalType = data[pos]!;
    pos++;
    // ExifTool warns about the forbidden bit.
    if (nalType & 0x80) unsupported();
    nalType &= 0x1f;
    if (!parse.has(nalType)) {
      pos = nextPos;
      startCode.lastIndex = nextPos;
      continue;
    }
    // The NAL unit without its emulation-prevention bytes (00 00 03 -> 00 00).
    const pieces: Buffer[] = [];
    // eslint-disable-next-line no-control-regex
    const epb = /\0\0\x03/g;
    epb.lastIndex = pos + 1;
    for (let e = epb.exec(s); e !== null; e = epb.exec(s)) {
      if (epb.lastIndex > end) break;
      pieces.push(data.subarray(pos, epb.lastIndex - 1));
      pos = epb.lastIndex;
    }
    pieces.push(data.subarray(pos, Math.max(pos, end)));
    const unit = Buffer.concat(pieces);
    pos = nextPos;
    startCode.lastIndex = nextPos;
    if (nalType === 0x06) {
      if (state.gotSei) continue;
      found = processSei(state, unit);
      if (!found) continue;
      state.gotSei = true;
    } else {
      if (state.gotSps) continue;
      state.gotSps = true;
      parseSps(state, unit);
    }
    parse.delete(nalType);
  }
  if (found || state.parsedOnce) return false;
  state.parsedOnce = true;
  return true;
}

/** ParsePID for the stream types this port accepts: -1 while the type is unknown, else whether to read on. */
function parsePid(state: H264State, type: number | undefined, data: Buffer): number {
  if (type === undefined) return -1;
  if (type === H264) return parseH264(state, data) ? 1 : 0;
  return 0;
}

function readAvchdOrThrow(buf: Buffer, whole: boolean): DatesAndSize {
  // ExifTool's sync test (M2TS.pm): 192-byte packets from the first byte, four of them in sight.
  if (buf.length < 4 * PACKET) unsupported();
  for (let i = 0; i < 4; i++) if (buf[i] === 0x47) unsupported();
  if (buf[4 + 188] === 0x47) unsupported();
  for (let j = 0; j < 4; j++) if (buf[4 + PACKET * j] !== 0x47) unsupported();

  const state: H264State = { gotSei: false, gotSps: false, parsedOnce: false, make: null, width: null, height: null };
  const pmt = new Set<number>();
  const pidType = new Map<number, number>();
  const data = new Map<number, Buffer[]>();
  const dataLength = new Map<number, number>();
  const fromStart = new Set<number>();
  const didPid = new Set<number>([1, 2, 0x1fff]);
  const needPid = new Map<number, number>([[0, 1]]);
  const h264Streams = (): number => [...pidType.values()].filter((t) => t === H264).length;
  const take = (pid: number): Buffer => Buffer.concat(data.get(pid) ?? []);
  const drop = (pid: number): void => {
    data.delete(pid);
    dataLength.delete(pid);
    fromStart.delete(pid);
  };
  const append = (pid: number, part: Buffer): void => {
    data.set(pid, [...(data.get(pid) ?? []), part]);
    dataLength.set(pid, (dataLength.get(pid) ?? 0) + part.length);
  };

  const packets = Math.floor(buf.length / PACKET);
  let finished = false;
  for (let k = 0; ; k++) {
    if (needPid.size === 0) {
      finished = true;
      break;
    }
    if (k >= packets) break;
    const off = k * PACKET;
    const pEnd = off + PACKET;
    let pos = off + 4;
    const prefix = buf.readUInt32BE(pos);
    if ((prefix & 0xff000000) >>> 0 !== 0x47000000) unsupported();
    const start = (prefix & 0x00400000) !== 0;
    const pid = (prefix & 0x001fff00) >> 8;
    if (GPS_PIDS.has(pid)) unsupported();
    pos += 4;
    if (prefix & 0x20) {
      const alen = buf[pos++]!;
      if (pos + alen > pEnd) unsupported();
      pos += alen;
    }
    if (!(prefix & 0x10)) continue;

    if (pid === 0 || pmt.has(pid)) {
      // Program association / map tables, one section within one packet (else ExifTool's).
      if (!start) continue;
      pos += 1 + buf[pos]!;
      if (pos >= pEnd) unsupported();
      const s = buf.subarray(off, pEnd);
      pos -= off;
      if (pos + 8 > s.length) unsupported();
      const tableId = s[pos]!;
      if (tableId !== (pid ? 0x02 : 0x00)) {
        needPid.delete(pid);
        didPid.add(pid);
        continue;
      }
      if ((s[pos + 1]! & 0xc0) !== 0x80) unsupported();
      const sectionLength = s.readUInt16BE(pos + 1) & 0x0fff;
      if (sectionLength > 1021 || pos + sectionLength + 3 > s.length) unsupported();
      const end = pos + sectionLength + 3 - 4;
      pos += 8;
      if (pid === 0) {
        for (; pos <= end - 4; pos += 4) {
          const mapPid = s.readUInt16BE(pos + 2) & 0x1fff;
          pmt.add(mapPid);
          if (!didPid.has(mapPid)) needPid.set(mapPid, 1);
        }
      } else {
        if (pos + 4 > s.length) unsupported();
        const infoLength = s.readUInt16BE(pos + 2) & 0x0fff;
        pos += 4;
        if (pos + infoLength > s.length) unsupported();
        pos += infoLength;
        while (pos <= end - 5) {
          const streamType = s[pos]!;
          const esPid = s.readUInt16BE(pos + 1) & 0x1fff;
          const esLength = s.readUInt16BE(pos + 3) & 0x0fff;
          if (UNSUPPORTED_STREAM_TYPES.has(streamType)) unsupported();
          if (AUDIO_VIDEO_TYPES.has(streamType) && !didPid.has(esPid)) needPid.set(esPid, 1);
          pidType.set(esPid, streamType);
          pos += 5;
          if (pos + esLength > s.length) unsupported();
          pos += esLength;
        }
        // Two H.264 streams share ExifTool's "first SEI" flags: not worth reproducing.
        if (h264Streams() > 1) unsupported();
      }
      if (needPid.get(pid)) {
        needPid.delete(pid);
        didPid.add(pid);
      }
      continue;
    }
    if (didPid.has(pid)) continue;

    if (start) {
      if (data.has(pid)) {
        const more = parsePid(state, pidType.get(pid), take(pid));
        drop(pid);
        if (!more) {
          needPid.delete(pid);
          didPid.add(pid);
          continue;
        }
        needPid.set(pid, -1);
      }
      // The PES header.
      if (pos + 6 > pEnd) continue;
      if ((buf.readUInt32BE(pos) & 0xffffff00) >>> 0 !== 0x00000100) continue;
      const streamId = buf[pos + 3]!;
      pos += 6;
      if (!NO_SYNTAX.has(streamId)) {
        if (pos + 3 > pEnd) continue;
        if ((buf[pos]! & 0xc0) !== 0x80) unsupported();
        pos += 3 + buf[pos + 2]!;
        if (pos >= pEnd) continue;
      }
      data.set(pid, [buf.subarray(pos, pEnd)]);
      dataLength.set(pid, pEnd - pos);
      fromStart.add(pid);
    } else {
      if (!data.has(pid)) continue;
      append(pid, buf.subarray(pos, pEnd));
    }
    const type = pidType.get(pid);
    const saveLength = !type || type === H264 ? 1024 : 256;
    if (dataLength.get(pid)! >= saveLength) {
      let more = parsePid(state, type, take(pid));
      if (more < 0) continue;
      if (!more && !fromStart.has(pid)) more = 1;
      drop(pid);
      if (more) {
        needPid.set(pid, -1);
        continue;
      }
      needPid.delete(pid);
      didPid.add(pid);
    }
  }
  // The file ended before every stream was seen: ExifTool would read on.
  if (!finished && !whole) unsupported();
  // ExifTool then parses what it has collected of each stream.
  {
    for (const pid of [...data.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))) {
      parsePid(state, pidType.get(pid), take(pid));
    }
  }
  const dates = emptyMetadataDates();
  if (state.dateTimeOriginal !== undefined) dates.dateTimeOriginal = state.dateTimeOriginal;
  if (state.model !== undefined) dates.cameraModel = state.model;
  return { dates, width: state.width, height: state.height };
}

/**
 * Reads an AVCHD clip's date, model and size from its first bytes (`whole`: they are the entire
 * file). Null when only ExifTool can tell.
 */
export function readAvchd(buf: Buffer, whole: boolean): DatesAndSize | null {
  return nullIfUnsupported(() => readAvchdOrThrow(buf, whole));
}
