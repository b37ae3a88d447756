/**
 * Output naming rules, shared by the export engine and the UI's export preview.
 * Pure TypeScript: no node:*, no DOM.
 *
 * The name itself comes from the naming template (shared/name-template.ts, `planName`): by default
 * a dated file goes to `<year>/YYYYMMDD_HHMMSS.<ext lower-case>` using the LOCAL wall-clock time
 * (never UTC), an undated one to `unknown/<original name, sanitised>`. Collisions get `_001`..`_999`
 * before the extension; names that differ only in letter case collide.
 */
import type { CaptureTime } from './capture-time.js';

/** The highest collision suffix (`_999`); one more collision fails the file. */
export const MAX_COLLISION_COUNTER = 999;

/** Most file systems (ext4, APFS, NTFS, exFAT) limit one name to 255 bytes/units; bytes is the strictest. */
export const MAX_NAME_BYTES = 255;

/** Folder for files without any capture time. */
export const UNKNOWN_DIR = 'unknown';

/** What a name becomes when nothing usable is left after sanitising. */
export const FALLBACK_NAME = 'unnamed';

/** A planned output location relative to the output root. */
export interface PlannedName {
  /** `2024` or `unknown` (or what the template says: `2024/12`, '' for the archive's root). */
  dir: string;
  /** Name without the extension, before any collision suffix. */
  stem: string;
  /** `.jpg` (lower-case), or `''` when the original had none. */
  ext: string;
}

const encoder = new TextEncoder();

/** UTF-8 length of a string. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/**
 * `YYYYMMDD_HHMMSS` from the local wall-clock time: `{local:'2024-12-31T22:00:00.000', offset:'-05:00'}`
 * gives `20241231_220000`.
 */
export function timestampBaseName(ct: CaptureTime): string {
  const l = ct.local;
  // A date known only to the day, month or year is named with just that (`19871225`, `198712`).
  if (ct.precision === 'day') return `${l.slice(0, 4)}${l.slice(5, 7)}${l.slice(8, 10)}`;
  if (ct.precision === 'month') return `${l.slice(0, 4)}${l.slice(5, 7)}`;
  if (ct.precision === 'year') return l.slice(0, 4);
  return `${l.slice(0, 4)}${l.slice(5, 7)}${l.slice(8, 10)}_${l.slice(11, 13)}${l.slice(14, 16)}${l.slice(17, 19)}`;
}

/** The year folder of a capture time (`2024`). */
export function yearFolder(ct: CaptureTime): string {
  return ct.local.slice(0, 4);
}

// Control characters (C0, DEL, C1), path separators and the characters Windows forbids.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/\\<>:"|?*]/g;
// Bidirectional overrides can disguise an extension (`photo\u202Egpj.exe`); they never belong in a name.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/g;
// Windows refuses these as the part before the first dot, whatever the case or extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Splits at the last dot when what follows looks like an extension (`.jpg`, `.3gp`, not `.45` or `. x`). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: '' };
  const ext = name.slice(dot);
  if (!/^\.[\p{L}\p{N}_-]{1,16}$/u.test(ext) || /^\.\d+$/.test(ext)) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext };
}

function graphemes(text: string): string[] {
  const Seg = (Intl as unknown as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Seg) return Array.from(new Seg(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
  return Array.from(text);
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character (or a grapheme such as an emoji). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const b = utf8Bytes(g);
    if (used + b > maxBytes) break;
    out += g;
    used += b;
  }
  return out;
}

function trimEnds(text: string): string {
  // Leading dots hide files on Unix; trailing dots and spaces are silently dropped by Windows.
  return text.replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');
}

/**
 * Makes one original file name safe for every common file system while keeping it recognisable:
 * Unicode letters stay, separators/control/`<>:"|?*` and leading dots go, Windows reserved names
 * get a `_` prefix, trailing dots/spaces go, NFC, at most `maxBytes` UTF-8 bytes with the extension
 * kept, never empty.
 */
export function sanitizeFileName(name: string, maxBytes = MAX_NAME_BYTES): string {
  let clean = name.normalize('NFC').replace(FORBIDDEN, '').replace(BIDI, '');
  clean = trimEnds(clean);
  if (clean.length === 0) return FALLBACK_NAME;

  let { stem, ext } = splitExtension(clean);
  stem = trimEnds(stem);
  if (stem.length === 0) {
    // `.jpg` alone: the "extension" is all there is; keep it as the name.
    stem = ext.length > 0 ? ext.slice(1) : FALLBACK_NAME;
    ext = '';
  }
  const firstPart = (stem.split('.')[0] ?? '').trimEnd();
  if (RESERVED.test(firstPart)) stem = `_${stem}`;

  if (utf8Bytes(stem + ext) > maxBytes) {
    if (utf8Bytes(ext) >= maxBytes) ext = '';
    stem = trimEnds(truncateUtf8(stem, maxBytes - utf8Bytes(ext)));
    if (stem.length === 0) stem = FALLBACK_NAME;
  }
  return stem + ext;
}

/** `stem.ext` for n = 0, `stem_001.ext` .. `stem_999.ext` for 1..999. */
export function withCounter(stem: string, ext: string, n: number): string {
  if (n === 0) return stem + ext;
  const suffix = `_${String(n).padStart(3, '0')}`;
  const fitted = truncateUtf8(stem, MAX_NAME_BYTES - utf8Bytes(suffix + ext));
  return fitted + suffix + ext;
}

/** `dir/name` for attempt n (0 = no suffix), always with `/`; just `name` when `dir` is the root (''). */
export function relativePathFor(planned: PlannedName, n: number): string {
  const name = withCounter(planned.stem, planned.ext, n);
  return planned.dir ? `${planned.dir}/${name}` : name;
}

/**
 * The key under which two relative paths collide: case-insensitive and normalisation-insensitive,
 * since macOS/Windows (and exFAT) treat `IMG.JPG` and `img.jpg` as the same file.
 */
export function collisionKey(relPath: string): string {
  return relPath.normalize('NFC').toLowerCase();
}

/**
 * True when `relPath` is one of the names this plan can produce (the base name or a `_NNN`
 * variant), compared as the file system would: a copy with such a name needs no rename.
 */
export function isNameFor(relPath: string, planned: PlannedName): boolean {
  const key = collisionKey(relPath);
  if (key === collisionKey(relativePathFor(planned, 0))) return true;
  const counter = /_(\d{3})(\.[^./]*)?$/.exec(relPath);
  if (!counter) return false;
  const n = Number(counter[1]);
  return n > 0 && key === collisionKey(relativePathFor(planned, n));
}

/** The archive's manifest, in its root (main/engines/archive/manifest.ts writes it; verify reads it). */
export const MANIFEST_NAME = 'mediaparser-manifest.jsonl';
