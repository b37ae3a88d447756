/**
 * Verify engine: re-hashes an archive against its manifest. Blocking file I/O; runs in the
 * verify worker thread (main/workers/verify-worker.ts), never on the app's main thread.
 *
 * What is walked: every entry under the root except the manifest itself and MediaParser's own
 * hidden files (any name starting with `.mediaparser`, such as the `.mediaparser-*.tmp` temps of
 * an export in progress). Other hidden entries (a name starting with '.') and the files operating
 * systems drop into folders (Thumbs.db, desktop.ini) are checked when the manifest lists them
 * (an undated original named `.hidden.jpg` keeps its name) and otherwise reported as `ignored`,
 * not as strangers: `.DS_Store`, `._IMG.jpg` or `.Trash-1000/` are the system's, and a careful
 * user browsing the archive must not make it fail verification. Hidden folders (MediaParser's own
 * included) are not entered unless a listed copy or aside lies inside one.
 *
 * Nothing is followed or opened by a path the manifest names: copies are found by walking the
 * root, so a hostile manifest record (`../../etc/passwd`) can only show up as missing. Links are
 * never followed; only regular files are opened, non-blocking, so a FIFO cannot hang the walk.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { appError, type AppError } from '../../../shared/errors.js';
import type {
  VerifyAside,
  VerifyChanged,
  VerifyMissing,
  VerifyReport,
  VerifyStranger,
  VerifyUnreadable,
} from '../../../shared/verify-report.js';
import { errnoCode, errnoToAppError } from '../../rules/errno.js';
import { MANIFEST_NAME, readManifest, type ManifestRecord } from './manifest.js';

export interface VerifyEngineProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

export interface VerifyOptions {
  /** Called after every chunk and every file; the caller throttles. */
  onProgress?: (progress: VerifyEngineProgress) => void;
  /** Asked between chunks: true stops the run (`cancelled`). */
  shouldCancel?: () => boolean;
  /** Read size (default 1 MiB). */
  chunkSize?: number;
}

export type VerifyOutcome = { type: 'done'; report: VerifyReport } | { type: 'cancelled' } | { type: 'failed'; error: AppError };

const DEFAULT_CHUNK = 1024 * 1024;
/** Regular files ignore O_NONBLOCK; a FIFO opened with it does not wait for a writer. */
const NONBLOCK = (constants as Record<string, number>).O_NONBLOCK ?? 0;
/** Files Windows and macOS write into folders someone browsed; lower case. */
const SYSTEM_FILES = new Set(['thumbs.db', 'ehthumbs.db', 'desktop.ini']);

/** MediaParser's own bookkeeping beside the copies (temps, locks): never part of the archive. */
export function isInternalName(name: string): boolean {
  return name.startsWith('.mediaparser');
}

/** Hidden entries and operating-system droppings: checked when listed, else ignored. */
export function isIgnorableName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase());
}

function noManifest(root: string): AppError {
  return appError(
    'not-found',
    `There is no MediaParser manifest (${MANIFEST_NAME}) in ${root}: MediaParser did not export into this folder, or it was exported by a version that kept no manifest.`,
  );
}

interface Found {
  /** Regular files by archive-relative path, with their size. */
  files: Map<string, number>;
  /** Anything else that is not a folder: links, FIFOs, sockets, devices. */
  others: Set<string>;
  ignored: string[];
  unreadable: VerifyUnreadable[];
}

function walk(root: string, listedDirs: Set<string>, listedCopies: ReadonlyMap<string, unknown>): Found {
  const found: Found = { files: new Map(), others: new Set(), ignored: [], unreadable: [] };
  const visit = (rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel === '') throw e;
      found.unreadable.push({ path: rel + '/', error: errnoToAppError(e, rel) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (rel === '' && entry.name === MANIFEST_NAME) continue;
      // MediaParser's own folders are entered only when the manifest lists something inside (an aside folder).
      if (isInternalName(entry.name) && !(entry.isDirectory() && listedDirs.has(path))) continue;
      if (entry.isDirectory()) {
        // A folder where a copy should be: the copy is not there as a file; what is inside is still walked.
        if (listedCopies.has(path)) found.others.add(path);
        if (isIgnorableName(entry.name) && !listedDirs.has(path)) found.ignored.push(path + '/');
        else visit(path);
      } else if (entry.isFile()) {
        try {
          found.files.set(path, lstatSync(join(root, path)).size);
        } catch (e) {
          // Gone between the listing and the stat: as if it had never been listed.
          if (errnoCode(e) !== 'ENOENT') found.unreadable.push({ path, error: errnoToAppError(e, path) });
        }
      } else {
        found.others.add(path);
      }
    }
  };
  visit('');
  return found;
}

/** Every folder that holds a listed copy or aside, so hidden folders with listed files are entered. */
function foldersOf(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}

type HashResult = { type: 'hashed'; sha256: string; size: number } | { type: 'not-a-file'; size: number } | { type: 'cancelled' };

function hashFile(file: string, buffer: Buffer, shouldCancel: () => boolean, onBytes: (n: number) => void): HashResult {
  const fd = openSync(file, constants.O_RDONLY | NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { type: 'not-a-file', size: stat.size };
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      if (shouldCancel()) return { type: 'cancelled' };
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      size += n;
      onBytes(n);
    }
    return { type: 'hashed', sha256: hash.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

/** Re-hashes every copy the manifest lists and compares the archive with it. */
export function verifyArchive(root: string, options: VerifyOptions = {}): VerifyOutcome {
  const shouldCancel = options.shouldCancel ?? (() => false);
  const onProgress = options.onProgress ?? (() => undefined);
  try {
    let rootIsDir: boolean;
    try {
      rootIsDir = lstatSync(root).isDirectory();
    } catch (e) {
      return { type: 'failed', error: errnoToAppError(e, root) };
    }
    if (!rootIsDir) return { type: 'failed', error: appError('invalid-argument', `${root} is not a folder.`) };
    try {
      lstatSync(join(root, MANIFEST_NAME));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return { type: 'failed', error: noManifest(root) };
      return { type: 'failed', error: errnoToAppError(e, MANIFEST_NAME) };
    }
    const manifest = readManifest(root);
    let found: Found;
    try {
      found = walk(root, foldersOf([...manifest.copies.keys(), ...manifest.asides.keys()]), manifest.copies);
    } catch (e) {
      return { type: 'failed', error: errnoToAppError(e, root) };
    }

    const missing: VerifyMissing[] = [];
    const changed: VerifyChanged[] = [];
    const notInManifest: VerifyStranger[] = [];
    const movedAside: VerifyAside[] = [];
    const unreadable = found.unreadable;
    const ignored = found.ignored;
    const toHash: { path: string; record: ManifestRecord }[] = [];
    const expectedChange = (record: ManifestRecord, path: string, reason: VerifyChanged['reason'], actualSize: number | null, actualSha256: string | null): VerifyChanged => ({
      path,
      reason,
      expectedSize: record.size,
      expectedSha256: record.sha256,
      actualSize,
      actualSha256,
    });

    for (const [path, record] of manifest.copies) {
      const size = found.files.get(path);
      if (size !== undefined) {
        if (size === record.size) toHash.push({ path, record });
        else changed.push(expectedChange(record, path, 'size', size, null));
      } else if (found.others.has(path)) {
        changed.push(expectedChange(record, path, 'not-a-file', null, null));
      } else if (!unreadable.some((u) => u.path === path)) {
        missing.push({ path, size: record.size, sha256: record.sha256 });
      }
    }
    for (const [path, record] of manifest.asides) {
      movedAside.push({ path, from: record.from ?? null, present: found.files.has(path) || found.others.has(path) });
    }
    const strangers = [...found.files].map(([path, size]) => ({ path, size }));
    for (const path of found.others) strangers.push({ path, size: 0 });
    for (const s of strangers) {
      if (manifest.copies.has(s.path) || manifest.asides.has(s.path)) continue;
      // Inside a hidden folder entered for a listed file, what the manifest does not list is the system's too.
      if (s.path.split('/').some(isIgnorableName)) ignored.push(s.path);
      else notInManifest.push(s);
    }

    toHash.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const progress: VerifyEngineProgress = {
      filesDone: 0,
      filesTotal: toHash.length,
      bytesDone: 0,
      bytesTotal: toHash.reduce((n, f) => n + f.record.size, 0),
      currentFile: null,
    };
    onProgress({ ...progress });
    const buffer = Buffer.allocUnsafe(Math.max(4096, options.chunkSize ?? DEFAULT_CHUNK));
    let ok = 0;
    let bytesChecked = 0;
    for (const { path, record } of toHash) {
      if (shouldCancel()) return { type: 'cancelled' };
      progress.currentFile = path;
      onProgress({ ...progress });
      const before = progress.bytesDone;
      let result: HashResult;
      try {
        result = hashFile(join(root, path), buffer, shouldCancel, (n) => {
          bytesChecked += n;
          progress.bytesDone += n;
          onProgress({ ...progress });
        });
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') missing.push({ path, size: record.size, sha256: record.sha256 });
        else unreadable.push({ path, error: errnoToAppError(e, path) });
        result = { type: 'not-a-file', size: -1 };
      }
      if (result.type === 'cancelled') return { type: 'cancelled' };
      if (result.type === 'not-a-file') {
        if (result.size >= 0) changed.push(expectedChange(record, path, 'not-a-file', null, null));
      } else if (result.size !== record.size) {
        changed.push(expectedChange(record, path, 'size', result.size, null));
      } else if (result.sha256 !== record.sha256) {
        changed.push(expectedChange(record, path, 'content', result.size, result.sha256));
      } else {
        ok++;
      }
      // A file that grew or shrank while it was read must not push the bar past (or short of) its share.
      progress.bytesDone = before + record.size;
      progress.filesDone++;
      onProgress({ ...progress });
    }
    progress.currentFile = null;
    onProgress({ ...progress });

    const byPath = <T extends { path: string }>(list: T[]): T[] => list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      type: 'done',
      report: {
        root,
        manifestRecords: manifest.records,
        manifestSkippedLines: manifest.skippedLines,
        ok,
        bytesChecked,
        missing: byPath(missing),
        changed: byPath(changed),
        notInManifest: byPath(notInManifest),
        movedAside: byPath(movedAside),
        unreadable: byPath(unreadable),
        ignored: ignored.sort(),
      },
    };
  } catch (e) {
    // A manifest that cannot be read (permissions, I/O) is an expected failure; anything else is a bug.
    if (errnoCode(e) !== null) return { type: 'failed', error: errnoToAppError(e, MANIFEST_NAME) };
    throw e;
  }
}
