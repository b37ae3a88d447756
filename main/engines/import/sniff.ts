/**
 * What a file really is, from its content (magic bytes, via file-type), with the extension as
 * a fallback only for formats whose content cannot be recognised. A `.nef` that holds a JPEG
 * is a JPEG; a `.jpg` that holds text is no photo.
 */
import { fileTypeFromBuffer } from 'file-type';
import type { MediaType } from '../../../shared/types.js';

export interface Sniffed {
  mediaType: MediaType;
  mime: string;
  /** Canonical extension of the detected format (`jpg`, `mov`, ...). */
  ext: string;
  /** True when the content was recognised, false when only the extension vouched for it. */
  byContent: boolean;
}

/** Media extensions the scan picks up, with the MIME type the extension alone implies. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, { mime: string; mediaType: MediaType }>> = {
  jpg: { mime: 'image/jpeg', mediaType: 'image' },
  jpeg: { mime: 'image/jpeg', mediaType: 'image' },
  jpe: { mime: 'image/jpeg', mediaType: 'image' },
  jfif: { mime: 'image/jpeg', mediaType: 'image' },
  png: { mime: 'image/png', mediaType: 'image' },
  gif: { mime: 'image/gif', mediaType: 'image' },
  webp: { mime: 'image/webp', mediaType: 'image' },
  bmp: { mime: 'image/bmp', mediaType: 'image' },
  tif: { mime: 'image/tiff', mediaType: 'image' },
  tiff: { mime: 'image/tiff', mediaType: 'image' },
  heic: { mime: 'image/heic', mediaType: 'image' },
  heif: { mime: 'image/heif', mediaType: 'image' },
  hif: { mime: 'image/heif', mediaType: 'image' },
  avif: { mime: 'image/avif', mediaType: 'image' },
  jxl: { mime: 'image/jxl', mediaType: 'image' },
  cr2: { mime: 'image/x-canon-cr2', mediaType: 'image' },
  cr3: { mime: 'image/x-canon-cr3', mediaType: 'image' },
  crw: { mime: 'image/x-canon-crw', mediaType: 'image' },
  nef: { mime: 'image/x-nikon-nef', mediaType: 'image' },
  nrw: { mime: 'image/x-nikon-nrw', mediaType: 'image' },
  arw: { mime: 'image/x-sony-arw', mediaType: 'image' },
  srf: { mime: 'image/x-sony-srf', mediaType: 'image' },
  sr2: { mime: 'image/x-sony-sr2', mediaType: 'image' },
  dng: { mime: 'image/x-adobe-dng', mediaType: 'image' },
  raf: { mime: 'image/x-fujifilm-raf', mediaType: 'image' },
  rw2: { mime: 'image/x-panasonic-rw2', mediaType: 'image' },
  orf: { mime: 'image/x-olympus-orf', mediaType: 'image' },
  pef: { mime: 'image/x-pentax-pef', mediaType: 'image' },
  srw: { mime: 'image/x-samsung-srw', mediaType: 'image' },
  x3f: { mime: 'image/x-sigma-x3f', mediaType: 'image' },
  '3fr': { mime: 'image/x-hasselblad-3fr', mediaType: 'image' },
  fff: { mime: 'image/x-hasselblad-fff', mediaType: 'image' },
  ari: { mime: 'image/x-arri-ari', mediaType: 'image' },
  bay: { mime: 'image/x-casio-bay', mediaType: 'image' },
  cap: { mime: 'image/x-phaseone-cap', mediaType: 'image' },
  iiq: { mime: 'image/x-phaseone-iiq', mediaType: 'image' },
  dcr: { mime: 'image/x-kodak-dcr', mediaType: 'image' },
  dcs: { mime: 'image/x-kodak-dcs', mediaType: 'image' },
  k25: { mime: 'image/x-kodak-k25', mediaType: 'image' },
  kdc: { mime: 'image/x-kodak-kdc', mediaType: 'image' },
  erf: { mime: 'image/x-epson-erf', mediaType: 'image' },
  gpr: { mime: 'image/x-gopro-gpr', mediaType: 'image' },
  mef: { mime: 'image/x-mamiya-mef', mediaType: 'image' },
  mos: { mime: 'image/x-leaf-mos', mediaType: 'image' },
  mrw: { mime: 'image/x-minolta-mrw', mediaType: 'image' },
  ori: { mime: 'image/x-olympus-ori', mediaType: 'image' },
  raw: { mime: 'image/x-panasonic-raw', mediaType: 'image' },
  rwl: { mime: 'image/x-leica-rwl', mediaType: 'image' },
  mov: { mime: 'video/quicktime', mediaType: 'video' },
  qt: { mime: 'video/quicktime', mediaType: 'video' },
  mp4: { mime: 'video/mp4', mediaType: 'video' },
  m4v: { mime: 'video/x-m4v', mediaType: 'video' },
  '3gp': { mime: 'video/3gpp', mediaType: 'video' },
  '3g2': { mime: 'video/3gpp2', mediaType: 'video' },
  avi: { mime: 'video/vnd.avi', mediaType: 'video' },
  mts: { mime: 'video/mp2t', mediaType: 'video' },
  m2ts: { mime: 'video/mp2t', mediaType: 'video' },
  m2t: { mime: 'video/mp2t', mediaType: 'video' },
  mkv: { mime: 'video/x-matroska', mediaType: 'video' },
  webm: { mime: 'video/webm', mediaType: 'video' },
  wmv: { mime: 'video/x-ms-wmv', mediaType: 'video' },
  asf: { mime: 'video/x-ms-asf', mediaType: 'video' },
  mxf: { mime: 'application/mxf', mediaType: 'video' },
  mod: { mime: 'video/mpeg', mediaType: 'video' },
  tod: { mime: 'video/mpeg', mediaType: 'video' },
  m2v: { mime: 'video/mpeg', mediaType: 'video' },
  mpg: { mime: 'video/mpeg', mediaType: 'video' },
  mpeg: { mime: 'video/mpeg', mediaType: 'video' },
  vob: { mime: 'video/mpeg', mediaType: 'video' },
  flv: { mime: 'video/x-flv', mediaType: 'video' },
  dv: { mime: 'video/x-dv', mediaType: 'video' },
};

/** Raw formats built on TIFF: file-type sees a plain TIFF, the extension names the camera format. */
const TIFF_BASED_RAW = new Set([
  'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'orf', 'pef', 'srw', 'cr2', 'rw2', 'tif', 'tiff',
  '3fr', 'fff', 'cap', 'iiq', 'dcr', 'dcs', 'k25', 'kdc', 'erf', 'gpr', 'mef', 'mos', 'ori', 'raw', 'rwl',
]);

/**
 * Formats file-type cannot always recognise; for these the extension may vouch for the content.
 * Every camera raw format is one: their headers are the makers' own (Minolta `\0MRM`, Sigma
 * `FOVb`, Canon CRW's HEAPCCDR) or a TIFF variant.
 */
const HARD_TO_SNIFF = new Set([
  'mts', 'm2ts', 'm2t', 'mpg', 'mpeg', 'm2v', 'mod', 'tod', 'vob', 'dv', 'wmv', 'asf', 'mxf',
  ...Object.keys(MEDIA_EXTENSIONS).filter((ext) => MEDIA_EXTENSIONS[ext]!.mime.startsWith('image/x-')),
]);

/** Containers file-type names with an application/ type that are videos here. */
const VIDEO_CONTAINERS = new Set(['application/mxf', 'application/vnd.ms-asf']);

/** Bytes of the file's start that sniffing needs. */
export const SNIFF_BYTES = 64 * 1024;

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isMediaExtension(name: string): boolean {
  return Object.hasOwn(MEDIA_EXTENSIONS, extensionOf(name));
}

/** Printable text (or empty): certainly not a photo or video. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  const n = Math.min(head.length, 512);
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) return false;
  }
  return true;
}

/**
 * Classifies a file from the start of its content and its name. Null when it is not a photo or
 * video (text, documents, archives, unknown bytes without a media extension).
 */
export async function sniffMedia(head: Uint8Array, fileName: string): Promise<Sniffed | null> {
  const ext = extensionOf(fileName);
  const byExt = Object.hasOwn(MEDIA_EXTENSIONS, ext) ? MEDIA_EXTENSIONS[ext] : undefined;
  const detected = head.length > 0 ? await fileTypeFromBuffer(head).catch(() => undefined) : undefined;
  if (detected) {
    const mediaType: MediaType | null =
      detected.mime.startsWith('image/') ? 'image' : detected.mime.startsWith('video/') || VIDEO_CONTAINERS.has(detected.mime) ? 'video' : null;
    if (mediaType === null) return null;
    if (detected.mime === 'image/tiff' && byExt && TIFF_BASED_RAW.has(ext)) {
      return { mediaType: 'image', mime: byExt.mime, ext, byContent: true };
    }
    return { mediaType, mime: detected.mime, ext: detected.ext, byContent: true };
  }
  if (byExt && HARD_TO_SNIFF.has(ext) && !looksLikeText(head)) {
    return { mediaType: byExt.mediaType, mime: byExt.mime, ext, byContent: false };
  }
  return null;
}
