/**
 * Tags from where a file sits: every folder level below the import root, and `{tag1,tag2}`
 * groups in folder and file names. A folder name that holds a `{group}` contributes the group's
 * tags only (`Family {family}` -> `family`), so the braces are the user's explicit choice.
 */
import path from 'node:path';

/** Folder names cameras, phones and operating systems create: no meaning for the user. */
const GENERIC_NAMES = new Set(
  [
    'dcim',
    'camera',
    'camera roll',
    'cameraroll',
    'pictures',
    'photos',
    'images',
    'image',
    'videos',
    'video',
    'movies',
    'my pictures',
    'my photos',
    'my videos',
    'whatsapp images',
    'whatsapp video',
    'whatsapp animated gifs',
    'sent',
    'private',
    'media',
    'screenshots',
    'download',
    'downloads',
    'import',
    'imports',
    'new folder',
    'misc',
    'untitled folder',
    'thumbnails',
    '.thumbnails',
    'mediaparser',
    // AVCHD / XAVC / MP4 camcorder card structures.
    'avchd',
    'bdmv',
    'stream',
    'clipinf',
    'playlist',
    'backup',
    'avchdtn',
    'xdroot',
    'clip',
    'm4root',
    'mp_root',
  ].map((s) => s.toLowerCase()),
);

/** 100APPLE, 101CANON, 100_FUJI, 100MSDCF, 100GOPRO, 100ANDRO: DCF camera folders. */
const DCF_FOLDER = /^\d{3}[a-z0-9_]{5}$/i;

function normalise(tag: string): string {
  return tag.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}

function usable(tag: string, explicit: boolean): boolean {
  if (tag.length < 2) return false;
  if (/^\d+$/.test(tag)) return false;
  if (explicit) return true;
  if (GENERIC_NAMES.has(tag)) return false;
  if (DCF_FOLDER.test(tag)) return false;
  return true;
}

/** The `{...}` groups of a name; an unclosed brace yields nothing. */
function braceTags(name: string): string[] | null {
  const groups = [...name.matchAll(/\{([^{}]*)\}/g)];
  if (groups.length === 0) return null;
  return groups.flatMap((g) => (g[1] ?? '').split(','));
}

/** Tags for a file at `filePath` imported from `root` (lower-cased, trimmed, deduplicated). */
export function extractTags(filePath: string, root: string): string[] {
  const rel = path.relative(path.resolve(root), path.resolve(filePath));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const parts = rel.split(path.sep);
  const fileName = parts.pop() ?? '';
  // Brace groups are the user's explicit choice: only too-short and all-digit tags are dropped
  // there, while plain folder names also lose the generic camera/OS names.
  const out: { raw: string; explicit: boolean }[] = [];
  for (const folder of parts) {
    const fromBraces = braceTags(folder);
    if (fromBraces) out.push(...fromBraces.map((raw) => ({ raw, explicit: true })));
    else if (!folder.includes('{')) out.push({ raw: folder, explicit: false });
  }
  const base = fileName.includes('.') ? fileName.slice(0, fileName.lastIndexOf('.')) : fileName;
  out.push(...(braceTags(base) ?? []).map((raw) => ({ raw, explicit: true })));
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const { raw, explicit } of out) {
    const tag = normalise(raw);
    if (!usable(tag, explicit) || seen.has(tag)) continue;
    seen.add(tag);
    tags.push(tag);
  }
  return tags;
}
