/** Fixtures shared by the thumbnail tests (not used by the app). */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export { CORPUS_MEDIA } from './corpus.js';
import { CORPUS_MEDIA } from './corpus.js';

export const SAMPLES = {
  /** 4032x3024, orientation 1. */
  jpeg: 'lychee/hochuferweg.jpg',
  /** 2576x1932 stored, EXIF orientation 6: upright it is portrait. */
  rotatedJpeg: 'metadata-extractor/Samsung SM-J327T1.jpg',
  /** 600x1399. */
  png: 'metadata-extractor/BlazRobar Thinking Head Icon Set.png',
  /** HEVC (prebuilt sharp cannot decode it), no EXIF thumbnail; a 320x240 thumbnail item, a 4032x3024 grid. */
  heic: 'immich/IMG_2682.heic',
  /** HEVC grid stored landscape with an `irot`: upright it is 3024x4032. */
  portraitHeic: 'metadata-extractor/IMG_2927.HEIC',
  mp4: 'exiv2/small_video.mp4',
  mov: 'metadata-extractor/with-gps.mov',
  /** A NEF whose preview IFD holds a real JPEG. */
  nefWithPreview: 'metadata-extractor/Issue 247-1.nef',
  /** A CR2 whose pixel data sharp cannot decode (old-style JPEG in TIFF). */
  cr2: 'exiftool/CanonRaw.cr2',
} as const;

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mediaparser-${prefix}-`));
}

export async function copySample(sample: string, dir: string, name = basename(sample)): Promise<string> {
  const target = join(dir, name);
  await copyFile(join(CORPUS_MEDIA, sample), target);
  return target;
}

/** A JPEG cut off after `fraction` of its bytes, as a failed copy or a broken card leaves it. */
export async function truncatedCopy(sample: string, dir: string, name: string, fraction = 0.5): Promise<string> {
  const bytes = await readFile(join(CORPUS_MEDIA, sample));
  const target = join(dir, name);
  await writeFile(target, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return target;
}

/**
 * Rewrites a TIFF-based RAW so its IFD1 thumbnail is `jpeg` (appended at the end) and its IFD0
 * orientation is `orientation`: the corpus RAW samples have their previews stripped.
 */
export function withEmbeddedPreview(raw: Buffer, jpeg: Buffer, orientation: number): Buffer {
  const out = Buffer.concat([raw, jpeg]);
  const little = out.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? out.readUInt16LE(o) : out.readUInt16BE(o));
  const u32 = (o: number) => (little ? out.readUInt32LE(o) : out.readUInt32BE(o));
  const w16 = (v: number, o: number) => (little ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o));
  const w32 = (v: number, o: number) => (little ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o));
  const entries = (ifd: number) => Array.from({ length: u16(ifd) }, (_, i) => ifd + 2 + i * 12);

  const ifd0 = u32(4);
  const orientationEntry = entries(ifd0).find((e) => u16(e) === 0x0112);
  if (orientationEntry === undefined) throw new Error('IFD0 has no Orientation entry');
  w16(orientation, orientationEntry + 8);

  const ifd1 = u32(ifd0 + 2 + u16(ifd0) * 12);
  const offsetEntry = entries(ifd1).find((e) => u16(e) === 0x0201);
  const lengthEntry = entries(ifd1).find((e) => u16(e) === 0x0202);
  if (offsetEntry === undefined || lengthEntry === undefined) throw new Error('IFD1 has no JPEG thumbnail entries');
  w32(raw.length, offsetEntry + 8);
  w32(jpeg.length, lengthEntry + 8);
  return out;
}
