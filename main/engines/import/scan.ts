/**
 * Walks the source folders and yields candidate media files in a stable order (sorted names).
 * Follows symlinks but never loops (directories are tracked by device + inode); skips hidden
 * entries and system junk; files without a media extension are kept only when their content
 * sniffs as an image or video. Unreadable folders are reported and skipped. Names that are not
 * valid UTF-8 are read by their exact bytes and shown in a display form (core/byte-names.ts).
 */
import { promises as fsp, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import { displayName, isValidUtf8, joinBytes } from '../../rules/byte-names.js';
import { nonRegularKind, ORIGINAL_OPEN_FLAGS } from '../originals.js';
import { sidecarKind } from './sidecars.js';
import { isMediaExtension, sniffMedia } from './sniff.js';
import { findTakeoutJson, type TakeoutMatch } from './takeout.js';

export interface ScanEntry {
  /** The path as people read it (see core/byte-names.ts for names that are not valid UTF-8). */
  path: string;
  /** The path's exact bytes, when it is not valid UTF-8: the file is opened by these. */
  pathBytes?: Buffer;
  root: string;
  size: number;
  mtimeMs: number;
  /** The Google Takeout JSON beside the file (its name in the same folder), when there is one. */
  takeoutJson?: TakeoutMatch;
  /** That JSON's exact path bytes, when its path is not valid UTF-8. */
  takeoutJsonBytes?: Buffer;
}

export interface ScanOptions {
  shouldStop?: () => boolean;
  /** A folder or file that could not be read; the walk goes on. */
  onError?: (path: string, error: NodeJS.ErrnoException) => void;
  /** An entry left out on purpose: hidden (a dot name) or left by a system or tool (`Thumbs.db`, `@eaDir`); a folder counts once. */
  onSkipped?: (path: string, reason: SkipReason) => void;
  /** Fidelity: a file named like a sidecar (sidecars.ts); never yielded as media. */
  onSidecar?: (entry: ScanEntry) => void;
}

export type SkipReason = 'hidden' | 'system';

/** Names operating systems, NAS boxes and photo tools leave behind. */
const JUNK_NAMES = new Set(
  [
    'thumbs.db',
    'ehthumbs.db',
    'ehthumbs_vista.db',
    'desktop.ini',
    '.ds_store',
    '@eadir',
    '$recycle.bin',
    'recycler',
    'system volume information',
    '.appledouble',
    '.spotlight-v100',
    '.trashes',
    '.fseventsd',
    '.picasa.ini',
    'picasa.ini',
    '#recycle',
    '#snapshot',
    '@recycle',
    '@tmp',
    'lost+found',
    '.thumbnails',
  ].map((s) => s.toLowerCase()),
);

/** Why the scan leaves an entry out, or null when it looks at it. */
export function skipReason(name: string): SkipReason | null {
  if (JUNK_NAMES.has(name.toLowerCase()) || name.startsWith('._') || name.startsWith('~$')) return 'system';
  if (name.startsWith('.')) return 'hidden';
  return null;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One entry of a folder: its display name, and its whole path's exact bytes when it needs them. */
interface FolderEntry {
  name: string;
  bytes: Buffer | null;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

/**
 * The entries of a folder, sorted by name. Node decodes names as UTF-8, so a name that is not
 * shows U+FFFD and cannot be opened by that string: then the folder is read again with Buffer
 * names, and entries below a folder whose own path is not UTF-8 (`dirBytes`) carry bytes too.
 */
async function readFolder(dir: string, dirBytes: Buffer | null): Promise<FolderEntry[]> {
  if (dirBytes === null) {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    if (!entries.some((e) => e.name.includes('\ufffd'))) {
      return entries
        .map((e) => ({ name: e.name, bytes: null, isFile: e.isFile(), isDirectory: e.isDirectory(), isSymbolicLink: e.isSymbolicLink() }))
        .sort((a, b) => compareNames(a.name, b.name));
    }
  }
  const base = dirBytes ?? Buffer.from(dir);
  const raw = (await fsp.readdir(base, { encoding: 'buffer', withFileTypes: true })) as unknown as Dirent<Buffer>[];
  const valid = raw.filter((e) => isValidUtf8(e.name));
  const taken = new Set(valid.map((e) => e.name.toString('utf8')));
  const out: FolderEntry[] = valid.map((e) => ({
    name: e.name.toString('utf8'),
    bytes: dirBytes === null ? null : joinBytes(dirBytes, e.name),
    isFile: e.isFile(),
    isDirectory: e.isDirectory(),
    isSymbolicLink: e.isSymbolicLink(),
  }));
  // Byte order, so a display form that must step aside (`~2`) always goes to the same name.
  const invalid = raw.filter((e) => !isValidUtf8(e.name)).sort((a, b) => Buffer.compare(a.name, b.name));
  for (const e of invalid) {
    const name = displayName(e.name, taken);
    taken.add(name);
    out.push({ name, bytes: joinBytes(base, e.name), isFile: e.isFile(), isDirectory: e.isDirectory(), isSymbolicLink: e.isSymbolicLink() });
  }
  return out.sort((a, b) => compareNames(a.name, b.name));
}

/** Extensions that are certainly not media: never opened to sniff. */
const NEVER_MEDIA = new Set([
  'txt', 'md', 'json', 'xml', 'xmp', 'html', 'htm', 'css', 'js', 'ts', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx',
  'zip', 'rar', '7z', 'gz', 'tar', 'exe', 'dll', 'db', 'sqlite', 'ini', 'log', 'csv', 'aae', 'thm', 'lrv', 'pp3', 'dop',
  'mp3', 'wav', 'flac', 'aac', 'm4a', 'ogg', 'opus', 'wma', 'srt', 'sub', 'ctg', 'bdm', 'mpl', 'cpi', 'lnk', 'url',
]);

async function sniffsAsMedia(filePath: string | Buffer, name: string): Promise<boolean> {
  let fh: fsp.FileHandle | undefined;
  try {
    // The file was stat'ed a moment ago, but may have turned into a FIFO since: never block on it.
    fh = await fsp.open(filePath, ORIGINAL_OPEN_FLAGS);
    if (nonRegularKind(await fh.stat()) !== null) return false;
    const buf = Buffer.alloc(4100);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return (await sniffMedia(buf.subarray(0, bytesRead), name)) !== null;
  } catch {
    return false;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Yields every candidate media file below `roots`, depth-first, names sorted within a folder.
 * A file reachable twice (two roots, or a symlink) is yielded once.
 */
export async function* scanFolders(roots: string[], opts: ScanOptions = {}): AsyncGenerator<ScanEntry> {
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const stop = opts.shouldStop ?? (() => false);

  for (const rootArg of roots) {
    const root = path.resolve(rootArg);
    let rootStat: Stats;
    try {
      rootStat = await fsp.stat(root);
    } catch (e) {
      opts.onError?.(root, e as NodeJS.ErrnoException);
      continue;
    }
    if (!rootStat.isDirectory()) {
      opts.onError?.(root, Object.assign(new Error(`Not a folder: ${root}`), { code: 'ENOTDIR' }));
      continue;
    }
    const stack: { dir: string; bytes: Buffer | null; stat: Stats }[] = [{ dir: root, bytes: null, stat: rootStat }];
    while (stack.length > 0) {
      if (stop()) return;
      const { dir, bytes: dirBytes, stat } = stack.pop()!;
      const dirKey = `${stat.dev}:${stat.ino}`;
      if (seenDirs.has(dirKey)) continue;
      seenDirs.add(dirKey);

      let entries: FolderEntry[];
      try {
        entries = await readFolder(dir, dirBytes);
      } catch (e) {
        opts.onError?.(dir, e as NodeJS.ErrnoException);
        continue;
      }
      // Google Takeout's JSON files are not media, but they date the media beside them.
      const jsonEntries = new Map(entries.filter((e) => !e.isDirectory && /\.json$/i.test(e.name)).map((e) => [e.name, e]));
      const jsonNames = new Set(jsonEntries.keys());
      const subdirs: { dir: string; bytes: Buffer | null; stat: Stats }[] = [];
      for (const entry of entries) {
        if (stop()) return;
        const full = path.join(dir, entry.name);
        const openable = entry.bytes ?? full;
        const skip = skipReason(entry.name);
        if (skip !== null) {
          opts.onSkipped?.(full, skip);
          continue;
        }
        if (!entry.isFile && !entry.isDirectory && !entry.isSymbolicLink) continue;
        let st: Stats;
        try {
          // stat (not lstat): a symlink counts as what it points to; loops are caught by dev:ino.
          // Synchronous: a stat is a few microseconds, its thread-pool round trip costs more.
          st = statSync(openable);
        } catch (e) {
          opts.onError?.(full, e as NodeJS.ErrnoException);
          continue;
        }
        if (st.isDirectory()) {
          subdirs.push({ dir: full, bytes: entry.bytes, stat: st });
          continue;
        }
        if (!st.isFile()) continue;
        const fileKey = `${st.dev}:${st.ino}`;
        if (seenFiles.has(fileKey)) continue;
        // Fidelity: sidecars are handed over for matching (sidecars.ts), not imported.
        if (opts.onSidecar && sidecarKind(entry.name) !== null) {
          seenFiles.add(fileKey);
          opts.onSidecar({ path: full, root, size: st.size, mtimeMs: st.mtimeMs });
          continue;
        }
        if (!isMediaExtension(entry.name)) {
          const dot = entry.name.lastIndexOf('.');
          const ext = dot > 0 ? entry.name.slice(dot + 1).toLowerCase() : '';
          if (NEVER_MEDIA.has(ext) || st.size === 0) continue;
          if (!(await sniffsAsMedia(openable, entry.name))) continue;
        }
        seenFiles.add(fileKey);
        const scanned: ScanEntry = { path: full, root, size: st.size, mtimeMs: st.mtimeMs };
        if (entry.bytes !== null) scanned.pathBytes = entry.bytes;
        const takeout = jsonNames.size > 0 ? findTakeoutJson(entry.name, jsonNames) : null;
        if (takeout !== null) {
          scanned.takeoutJson = takeout;
          const jsonBytes = jsonEntries.get(takeout.name)?.bytes;
          if (jsonBytes) scanned.takeoutJsonBytes = jsonBytes;
        }
        yield scanned;
      }
      // Depth-first in name order: push in reverse so the smallest name is popped first.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }
}
