/**
 * A picture of a HEIC file whose HEVC images sharp's prebuilt libvips cannot decode: the
 * file's own thumbnail item (phones store one of ~320 px) or, for larger sizes, its primary
 * image (one HEVC image, or a grid of tiles), decoded by ffmpeg from a plain HEVC stream
 * built here, then turned and mirrored as the file's `irot`/`imir` properties say.
 *
 * Only the boxes that locate the items are read (ISO/IEC 23008-12, 14496-12): `pitm`, `iinf`,
 * `iref`, `iloc`, `idat` and `iprp` (`hvcC`, `ispe`, `irot`, `imir`). Anything else answers null.
 */
import sharp, { type Sharp } from 'sharp';
import { boxes as boxList, fail, HeifUnsupported, itemInfos, itemLocations, type Box, type ItemLocation } from '../import/heif-boxes.js';
import { runFfmpeg } from './ffmpeg.js';

/** Padding after the last box is ignored here: only a picture is at stake, never a date. */
const boxes = (buf: Buffer, start: number, end: number): Box[] => boxList(buf, start, end, 'ignore');

interface Heif {
  file: Buffer;
  primary: number;
  types: Map<number, string>;
  /** reference type -> from item -> to items */
  refs: Map<string, Map<number, number[]>>;
  locations: Map<number, ItemLocation>;
  idat: Box | null;
  /** item -> its property boxes, in association order */
  props: Map<number, Box[]>;
}

function parse(file: Buffer): Heif {
  const meta = boxes(file, 0, file.length).find((b) => b.type === 'meta') ?? fail();
  const inner = boxes(file, meta.start + 4, meta.end);
  const one = (type: string): Box => inner.find((b) => b.type === type) ?? fail();
  const pitm = one('pitm');
  const primary = file[pitm.start] === 0 ? file.readUInt16BE(pitm.start + 4) : file.readUInt32BE(pitm.start + 4);

  const types = new Map<number, string>();
  for (const [id, info] of itemInfos(file, one('iinf'), false)) types.set(id, info.type);

  const refs = new Map<string, Map<number, number[]>>();
  const iref = inner.find((b) => b.type === 'iref');
  if (iref) {
    const wide = file[iref.start] !== 0;
    for (const ref of boxes(file, iref.start + 4, iref.end)) {
      let p = ref.start;
      const from = wide ? file.readUInt32BE(p) : file.readUInt16BE(p);
      p += wide ? 4 : 2;
      const n = file.readUInt16BE(p);
      p += 2;
      const to: number[] = [];
      for (let i = 0; i < n; i++, p += wide ? 4 : 2) to.push(wide ? file.readUInt32BE(p) : file.readUInt16BE(p));
      if (!refs.has(ref.type)) refs.set(ref.type, new Map());
      refs.get(ref.type)!.set(from, to);
    }
  }

  const props = new Map<number, Box[]>();
  const iprp = one('iprp');
  const iprpInner = boxes(file, iprp.start, iprp.end);
  const ipco = boxes(file, (iprpInner.find((b) => b.type === 'ipco') ?? fail()).start, iprpInner.find((b) => b.type === 'ipco')!.end);
  for (const ipma of iprpInner.filter((b) => b.type === 'ipma')) {
    const version = file[ipma.start]!;
    const wideIndex = (file[ipma.start + 3]! & 1) === 1;
    let p = ipma.start + 4;
    const count = file.readUInt32BE(p);
    p += 4;
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? file.readUInt16BE(p) : file.readUInt32BE(p);
      p += version < 1 ? 2 : 4;
      const n = file[p++]!;
      const list = props.get(id) ?? [];
      for (let a = 0; a < n; a++) {
        const index = wideIndex ? file.readUInt16BE(p) & 0x7fff : file[p]! & 0x7f;
        p += wideIndex ? 2 : 1;
        if (index > 0 && ipco[index - 1]) list.push(ipco[index - 1]!);
      }
      props.set(id, list);
    }
  }
  return { file, primary, types, refs, locations: itemLocations(file, one('iloc')), idat: inner.find((b) => b.type === 'idat') ?? null, props };
}

function itemData(h: Heif, id: number): Buffer {
  const loc = h.locations.get(id) ?? fail();
  const parts = loc.extents.map(({ offset, length }) => {
    const base = loc.method === 0 ? 0 : loc.method === 1 && h.idat ? h.idat.start : fail();
    const start = base + offset;
    const end = length === 0 ? (loc.method === 1 ? h.idat!.end : h.file.length) : start + length;
    if (end > h.file.length) fail();
    return h.file.subarray(start, end);
  });
  return Buffer.concat(parts);
}

function prop(h: Heif, id: number, type: string): Box | undefined {
  return h.props.get(id)?.find((b) => b.type === type);
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** The parameter sets of an `hvcC` box as Annex B, and the NAL length size of the samples. */
function parameterSets(h: Heif, id: number): { annexB: Buffer; lengthSize: number } {
  const box = prop(h, id, 'hvcC') ?? fail();
  const b = h.file;
  if (box.end - box.start < 23) fail();
  const lengthSize = (b[box.start + 21]! & 3) + 1;
  const arrays = b[box.start + 22]!;
  let p = box.start + 23;
  const parts: Buffer[] = [];
  for (let i = 0; i < arrays; i++) {
    p += 1;
    const n = b.readUInt16BE(p);
    p += 2;
    for (let k = 0; k < n; k++) {
      const len = b.readUInt16BE(p);
      p += 2;
      if (p + len > box.end) fail();
      parts.push(START_CODE, b.subarray(p, p + len));
      p += len;
    }
  }
  return { annexB: Buffer.concat(parts), lengthSize };
}

/** An item's length-prefixed NAL units as Annex B. */
function toAnnexB(data: Buffer, lengthSize: number): Buffer {
  const parts: Buffer[] = [];
  let p = 0;
  while (p + lengthSize <= data.length) {
    const len = lengthSize === 1 ? data[p]! : lengthSize === 2 ? data.readUInt16BE(p) : lengthSize === 4 ? data.readUInt32BE(p) : fail();
    p += lengthSize;
    if (len === 0 || p + len > data.length) fail();
    parts.push(START_CODE, data.subarray(p, p + len));
    p += len;
  }
  return Buffer.concat(parts);
}

function size(h: Heif, id: number): { width: number; height: number } {
  const ispe = prop(h, id, 'ispe') ?? fail();
  return { width: h.file.readUInt32BE(ispe.start + 4), height: h.file.readUInt32BE(ispe.start + 8) };
}

/** Decodes HEVC images that share one `hvcC` into RGB frames of `width` x `height`. */
async function decodeTiles(ffmpeg: string, h: Heif, ids: number[], width: number, height: number): Promise<Buffer[]> {
  const { annexB, lengthSize } = parameterSets(h, ids[0]!);
  const stream = Buffer.concat([annexB, ...ids.map((id) => toAnnexB(itemData(h, id), lengthSize))]);
  const out = await runFfmpeg(ffmpeg, ['-f', 'hevc', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], stream);
  const frame = width * height * 3;
  if (out.stdout.length < frame * ids.length) throw new Error(out.stderr || `ffmpeg decoded ${out.stdout.length} of ${frame * ids.length} bytes`);
  return ids.map((_, i) => out.stdout.subarray(i * frame, (i + 1) * frame));
}

async function decodeItem(ffmpeg: string, h: Heif, id: number): Promise<Sharp> {
  const type = h.types.get(id);
  if (type === 'hvc1') {
    const { width, height } = size(h, id);
    const [frame] = await decodeTiles(ffmpeg, h, [id], width, height);
    return sharp(frame!, { raw: { width, height, channels: 3 } });
  }
  if (type !== 'grid') fail();
  const grid = itemData(h, id);
  const rows = grid[2]! + 1;
  const cols = grid[3]! + 1;
  const wide = (grid[1]! & 1) === 1;
  const outWidth = wide ? grid.readUInt32BE(4) : grid.readUInt16BE(4);
  const outHeight = wide ? grid.readUInt32BE(8) : grid.readUInt16BE(6);
  const tiles = h.refs.get('dimg')?.get(id) ?? fail();
  if (tiles.length !== rows * cols || tiles.some((t) => h.types.get(t) !== 'hvc1')) fail();
  const tile = size(h, tiles[0]!);
  const frames = await decodeTiles(ffmpeg, h, tiles, tile.width, tile.height);
  // Tiles copied row by row into one RGB canvas, cut to the grid's output size.
  const width = Math.min(outWidth, cols * tile.width);
  const height = Math.min(outHeight, rows * tile.height);
  const canvas = Buffer.alloc(width * height * 3);
  frames.forEach((frame, i) => {
    const left = (i % cols) * tile.width;
    const top = Math.floor(i / cols) * tile.height;
    const span = Math.min(tile.width, width - left) * 3;
    if (span <= 0) return;
    for (let y = 0; y < tile.height && top + y < height; y++) {
      frame.copy(canvas, ((top + y) * width + left) * 3, y * tile.width * 3, y * tile.width * 3 + span);
    }
  });
  return sharp(canvas, { raw: { width, height, channels: 3 } });
}

/** Applies the item's `irot` (anticlockwise quarter turns) and `imir` as the file orders them. */
async function transformed(h: Heif, id: number, image: Sharp): Promise<Sharp> {
  let out = image;
  for (const p of h.props.get(id) ?? []) {
    // Each step is materialised: sharp would otherwise reorder rotate and flip.
    if (p.type === 'irot') {
      const turns = h.file[p.start]! & 3;
      if (turns !== 0) out = sharp(await out.rotate(360 - turns * 90).png({ compressionLevel: 0 }).toBuffer());
    } else if (p.type === 'imir') {
      const axis = h.file[p.start]! & 1;
      out = sharp(await (axis === 0 ? out.flip() : out.flop()).png({ compressionLevel: 0 }).toBuffer());
    }
  }
  return out;
}

/**
 * The HEIC's picture as a sharp pipeline, from its thumbnail item when that is at least
 * `maxEdge` on its long side, else from its primary image (falling back to the thumbnail).
 * Null when the file is not a HEIF this reader understands.
 */
export async function heifPreview(ffmpeg: string, file: Buffer, maxEdge: number): Promise<{ image: Sharp; from: 'thumbnail' | 'primary' } | null> {
  let h: Heif;
  try {
    h = parse(file);
  } catch (e) {
    if (e instanceof HeifUnsupported || e instanceof RangeError) return null;
    throw e;
  }
  const thumbs = [...(h.refs.get('thmb') ?? new Map<number, number[]>()).entries()]
    .filter(([from, to]) => to.includes(h.primary) && h.types.get(from) === 'hvc1')
    .map(([from]) => from);
  const thumbnail = thumbs
    .map((id) => {
      try {
        const s = size(h, id);
        return { id, edge: Math.max(s.width, s.height) };
      } catch {
        return null;
      }
    })
    .filter((t) => t !== null)
    .sort((a, b) => b.edge - a.edge)[0];
  const order: { id: number; from: 'thumbnail' | 'primary' }[] =
    thumbnail && thumbnail.edge >= maxEdge
      ? [{ id: thumbnail.id, from: 'thumbnail' }, { id: h.primary, from: 'primary' }]
      : [{ id: h.primary, from: 'primary' }, ...(thumbnail ? [{ id: thumbnail.id, from: 'thumbnail' as const }] : [])];
  let lastError: unknown = null;
  for (const { id, from } of order) {
    try {
      // A thumbnail carries its own transforms; when it has none, the primary's apply.
      const decoded = await decodeItem(ffmpeg, h, id);
      const ownTransforms = (h.props.get(id) ?? []).some((p) => p.type === 'irot' || p.type === 'imir');
      return { image: await transformed(h, ownTransforms || from === 'primary' ? id : h.primary, decoded), from };
    } catch (e) {
      lastError = e;
    }
  }
  if (lastError instanceof HeifUnsupported || lastError instanceof RangeError || lastError === null) return null;
  throw lastError;
}
