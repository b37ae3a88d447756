/**
 * Builds a benchmark tree of real media: copies of the dev corpus laid out like a household's
 * folders (phone dumps, camera cards with JPEG and raw files, camcorder AVCHD clips, an old
 * camera's AVI clips, old phones' 3GP/3G2, WhatsApp exports, holiday folders with tags,
 * screenshots), so every kind of file the corpus holds is in the mix.
 *
 * Copies keep being real media, and no two are byte-identical (an export would rightly adopt a
 * duplicate instead of copying it, while `cp -a` copies it, which would skew the comparison):
 * EXIF/XMP-style date strings inside formats without checksums (JPEG, HEIC, TIFF-based RAW, WebP)
 * are shifted by a per-copy delta; a copy without such dates gets a few unique bytes where its
 * format ignores them (see `makeUnique`). Every copy gets its own name and mtime. The layout is
 * deterministic for a given `count`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../test-support/rng.js';

/** The corpus `media/` folder: `MEDIAPARSER_CORPUS` (the corpus or its media folder), else `../shared/corpus`. */
export function corpusMediaDir(): string {
  const fromEnv = process.env.MEDIAPARSER_CORPUS;
  const base = fromEnv && fromEnv.length > 0
    ? path.resolve(fromEnv)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'corpus');
  const media = path.join(base, 'media');
  return existsSync(media) ? media : base;
}

const PATCHABLE = new Set(['.jpg', '.jpeg', '.heic', '.heif', '.hif', '.cr2', '.nef', '.dng', '.rw2', '.raf', '.webp', '.avif']);
const PHOTO = new Set(['.jpg', '.jpeg', '.heic', '.heif', '.hif', '.webp', '.avif']);
const RAW = new Set(['.cr2', '.cr3', '.nef', '.dng', '.rw2', '.raf']);
const VIDEO = new Set(['.mp4', '.mov', '.3gp']);
const CAMCORDER = new Set(['.mts', '.m2ts']);
const AVI = new Set(['.avi']);
const SCREEN = new Set(['.png', '.gif']);

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else if (entry.isFile() && !entry.name.startsWith('.')) out.push(p);
  }
  return out.sort();
}

const p2 = (n: number): string => String(n).padStart(2, '0');

interface Stamp {
  y: number; mo: number; d: number; h: number; mi: number; s: number;
}

function stampOf(ms: number): Stamp {
  const t = new Date(ms);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

const compact = (t: Stamp): string => `${t.y}${p2(t.mo)}${p2(t.d)}`;
const compactTime = (t: Stamp): string => `${p2(t.h)}${p2(t.mi)}${p2(t.s)}`;

/** Shifts every plausible `YYYY:MM:DD HH:MM:SS` in the bytes by `deltaMs`, same length, so the file stays valid. */
export function shiftDates(buf: Buffer, deltaMs: number): boolean {
  const text = buf.toString('latin1');
  const re = /(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/g;
  let changed = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) continue; // placeholders stay placeholders
    const original = Date.UTC(y, mo - 1, d, h, mi, s);
    // Shift the other way rather than into the future, where the import would rightly distrust it.
    let shifted = stampOf(original + deltaMs);
    if (shifted.y > 2024) shifted = stampOf(original - Math.abs(deltaMs));
    if (shifted.y < 1900 || shifted.y > 2024) continue;
    const out = `${shifted.y}:${p2(shifted.mo)}:${p2(shifted.d)} ${p2(shifted.h)}:${p2(shifted.mi)}:${p2(shifted.s)}`;
    buf.write(out, m.index, 'latin1');
    changed = true;
  }
  return changed;
}

/** Whether the bytes hold a plausible EXIF-style capture date (`YYYY:MM:DD HH:MM:SS`, 1990 on). */
function hasExifDate(buf: Buffer): boolean {
  const m = /((?:19[9]|20[0-2])\d):(\d{2}):(\d{2}) \d{2}:\d{2}:\d{2}/.exec(buf.toString('latin1'));
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

const ISO_BMFF = new Set(['.mp4', '.mov', '.3gp', '.heic', '.heif', '.hif', '.avif', '.cr3']);

/**
 * Appends bytes carrying `n` that the format ignores: a blank `free` box n bytes long for ISO
 * BMFF files (MP4, MOV, HEIC, CR3...), a null packet for MPEG transport streams, and plain trailing bytes elsewhere
 * (after a JPEG's EOI, a PNG's IEND, a GIF's trailer, a TIFF file's last block); RIFF files (WebP,
 * AVI) get a JUNK chunk inside their container.
 */
function makeUnique(buf: Buffer, ext: string, n: number): Buffer<ArrayBuffer> {
  const tag = Buffer.alloc(8);
  tag.writeBigUInt64BE(BigInt(n));
  if (ISO_BMFF.has(ext)) {
    // A blank `free` box whose length carries `n`: padding with content makes ExifTool (and so
    // the import) look inside it, which real phone and camera movies do not call for.
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + n);
    header.write('free', 4, 'latin1');
    return Buffer.concat([buf, header, Buffer.alloc(n)]);
  }
  if (ext === '.mts' || ext === '.m2ts') {
    // 188-byte TS packet on the null PID (0x1FFF); m2ts packets carry a 4-byte timestamp first.
    const packet = Buffer.alloc(188, 0xff);
    packet.set([0x47, 0x1f, 0xff, 0x10]);
    tag.copy(packet, 4);
    return Buffer.concat(ext === '.m2ts' ? [buf, Buffer.alloc(4), packet] : [buf, packet]);
  }
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF') {
    // Inside the RIFF container (a JUNK chunk, its size in the header updated): bytes after the
    // container make a "truncated RIFF chunk" that ExifTool refuses to write into.
    const junk = Buffer.alloc(8);
    junk.write('JUNK', 0, 'latin1');
    junk.writeUInt32LE(tag.length, 4);
    const out = Buffer.concat([buf, junk, tag]);
    out.writeUInt32LE(out.length - 8, 4);
    return out;
  }
  return Buffer.concat([buf, tag]);
}

interface Layout {
  rel: string;
  source: string;
}

/** Picks a folder style and a realistic name for copy number `i` (twenty styles, in turn). */
function layoutFor(i: number, sources: Map<string, string[]>, rand: () => number, when: Stamp): Layout {
  const pick = (kind: string): string => {
    const list = sources.get(kind) ?? sources.get('photo')!;
    return list[Math.floor(rand() * list.length)]!;
  };
  const style = i % 20;
  const card = Math.floor(i / 500);
  const counter = String((i % 997) + 1).padStart(4, '0');
  switch (style) {
    case 0: case 1: case 2: case 3: case 4: case 16: {
      // A phone's camera app dates every photo: only corpus pictures that carry an EXIF date.
      const src = pick('dated-photo');
      const ext = path.extname(src).toLowerCase();
      return { source: src, rel: `Phone ${card % 3 === 0 ? 'Anna' : 'Ben'}/DCIM/Camera/IMG_${compact(when)}_${compactTime(when)}${i % 7 === 0 ? '_1' : ''}${ext}` };
    }
    case 5: case 6: case 7: case 8: {
      const src = pick(style >= 7 ? 'raw' : 'jpeg');
      const ext = path.extname(src).toUpperCase();
      // Camera cards restart their counters, so the same IMG_0001 appears on many cards.
      return { source: src, rel: `Camera card ${card + 1}/DCIM/${100 + (i % 3)}CANON/IMG_${counter}${ext}` };
    }
    case 9: {
      const src = pick('jpeg');
      return { source: src, rel: `WhatsApp/Media/WhatsApp Images/IMG-${compact(when)}-WA${String(i % 10000).padStart(4, '0')}.jpg` };
    }
    case 10: case 11: {
      const src = pick('video');
      let ext = path.extname(src).toLowerCase();
      // Old phones wrote 3G2 as often as 3GP: the same container under its other name.
      if (ext === '.3gp' && i % 2 === 0) ext = '.3g2';
      return { source: src, rel: `Phone Ben/DCIM/Camera/VID_${compact(when)}_${compactTime(when)}${ext}` };
    }
    case 12: {
      // A camcorder's card: AVCHD keeps its clips deep down, numbered from 00000.
      const src = pick('camcorder');
      return { source: src, rel: `Camcorder ${card + 1}/PRIVATE/AVCHD/BDMV/STREAM/${String(i % 100000).padStart(5, '0')}.MTS` };
    }
    case 13: {
      const src = pick('avi');
      return { source: src, rel: `Old camera/DCIM/100PENTX/IMGP${counter}.AVI` };
    }
    case 14: {
      const src = pick('screen');
      const ext = path.extname(src).toLowerCase();
      return { source: src, rel: `Phone Anna/Pictures/Screenshots/Screenshot_${when.y}-${p2(when.mo)}-${p2(when.d)}-${p2(when.h)}-${p2(when.mi)}-${p2(when.s)}${ext}` };
    }
    case 15: {
      const src = pick('photo');
      const ext = path.extname(src).toLowerCase();
      return { source: src, rel: `Holidays/Holiday ${when.y} {beach,family}/Day ${(i % 9) + 1}/${path.basename(src, path.extname(src))} ${i}${ext}` };
    }
    default: {
      // An old backup dumped flat: any kind of file, names from everywhere.
      const src = pick('any');
      return { source: src, rel: `Old backup/家族写真 ${i % 50} - ${path.basename(src)}` };
    }
  }
}

/**
 * Builds `count` media files under `dir` (created if needed) from corpus copies.
 * Returns how many files and bytes were written.
 */
export async function buildBenchTree(dir: string, count: number): Promise<{ files: number; bytes: number; mix: Record<string, number> }> {
  const media = corpusMediaDir();
  const all = await listFiles(media);
  if (all.length === 0) throw new Error(`No corpus media found in ${media} (set MEDIAPARSER_CORPUS)`);
  const sources = new Map<string, string[]>([['any', all]]);
  for (const f of all) {
    const ext = path.extname(f).toLowerCase();
    const kind = PHOTO.has(ext)
      ? 'photo'
      : RAW.has(ext)
        ? 'raw'
        : VIDEO.has(ext)
          ? 'video'
          : CAMCORDER.has(ext)
            ? 'camcorder'
            : AVI.has(ext)
              ? 'avi'
              : SCREEN.has(ext)
                ? 'screen'
                : 'other';
    if (!sources.has(kind)) sources.set(kind, []);
    sources.get(kind)!.push(f);
    if (PHOTO.has(ext) && hasExifDate(await readFile(f))) {
      if (!sources.has('dated-photo')) sources.set('dated-photo', []);
      sources.get('dated-photo')!.push(f);
    }
    // WhatsApp re-encodes everything to JPEG, so its names only get real JPEGs.
    if (ext === '.jpg' || ext === '.jpeg') {
      if (!sources.has('jpeg')) sources.set('jpeg', []);
      sources.get('jpeg')!.push(f);
    }
  }
  const rand = rng(0x5eed ^ count);
  const used = new Set<string>();
  const jobs: Array<{ index: number; layout: Layout; deltaMs: number; mtime: Date }> = [];
  const start = Date.UTC(2004, 0, 1);
  const span = Date.UTC(2024, 11, 31) - start;
  for (let i = 0; i < count; i++) {
    const whenMs = start + Math.floor(rand() * span / 1000) * 1000;
    const when = stampOf(whenMs);
    let layout = layoutFor(i, sources, rand, when);
    while (used.has(layout.rel.toLowerCase())) {
      const ext = path.extname(layout.rel);
      layout = { ...layout, rel: `${layout.rel.slice(0, -ext.length || undefined)}-${i}${ext}` };
    }
    used.add(layout.rel.toLowerCase());
    // Shift embedded dates so each copy carries its own capture date (whole seconds, years apart).
    const deltaMs = (Math.floor(rand() * 20 * 365) - 10 * 365) * 86_400_000 + Math.floor(rand() * 86_400) * 1000;
    jobs.push({ index: i, layout, deltaMs, mtime: new Date(whenMs) });
  }

  const mix: Record<string, number> = {};
  for (const job of jobs) {
    const ext = path.extname(job.layout.rel).slice(1).toLowerCase();
    mix[ext] = (mix[ext] ?? 0) + 1;
  }
  let bytes = 0;
  const dirsMade = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const target = path.join(dir, job.layout.rel);
      const parent = path.dirname(target);
      if (!dirsMade.has(parent)) {
        await mkdir(parent, { recursive: true });
        dirsMade.add(parent);
      }
      const ext = path.extname(job.layout.source).toLowerCase();
      let buf: Buffer<ArrayBuffer> = await readFile(job.layout.source);
      if (!(PATCHABLE.has(ext) && shiftDates(buf, job.deltaMs))) buf = makeUnique(buf, ext, job.index);
      await writeFile(target, buf);
      bytes += buf.length;
      await utimes(target, job.mtime, job.mtime);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { files: jobs.length, bytes, mix };
}
