/**
 * Test fixtures: the real-media corpus lives beside the repository (`../shared/corpus`, read-only
 * in CI). Tests copy what they need into a temp folder and restore the mtimes git cannot keep.
 */
import { MANIFEST_NAME } from '../main/engines/archive/manifest.js';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared/corpus` next to the repository, or $MEDIAPARSER_CORPUS (the folder holding oracle.json). */
export const CORPUS_DIR = process.env.MEDIAPARSER_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');
export const CORPUS_MEDIA = join(CORPUS_DIR, 'media');

export interface OracleEntry {
  DateTimeOriginal: string | null;
  CreateDate: string | null;
  MediaCreateDate: string | null;
  TrackCreateDate: string | null;
  ModifyDate: string | null;
  OffsetTimeOriginal: string | null;
  SubSecTimeOriginal: string | null;
  FileModifyDate: string;
  MIMEType: string;
  FileType: string;
  ImageWidth: number | null;
  ImageHeight: number | null;
  sha256: string;
}

let oracleCache: Record<string, OracleEntry> | null = null;

/** ExifTool's reading of every corpus file, keyed by path relative to media/ (forward slashes). */
export function loadOracle(): Record<string, OracleEntry> {
  oracleCache ??= JSON.parse(readFileSync(join(CORPUS_DIR, 'oracle.json'), 'utf8')) as Record<string, OracleEntry>;
  return oracleCache;
}

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, 'oracle.json'));
}

/** `2023:06:15 12:00:00+00:00` -> Date */
export function parseExifToolDate(value: string): Date {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) throw new Error(`unexpected ExifTool date ${value}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? 'Z'}`);
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mediaparser-${prefix}-`));
}

/**
 * Copies the corpus media (or the listed relative paths) into `dest` and restores each file's
 * mtime from the oracle. Returns the list of relative paths copied.
 */
export async function copyCorpus(dest: string, only?: string[]): Promise<string[]> {
  const oracle = loadOracle();
  const rels = only ?? Object.keys(oracle);
  for (const rel of rels) {
    const src = join(CORPUS_MEDIA, ...rel.split('/'));
    const target = join(dest, ...rel.split('/'));
    await cp(src, target, { preserveTimestamps: true, force: false, errorOnExist: true });
    const entry = oracle[rel];
    if (entry) {
      const t = parseExifToolDate(entry.FileModifyDate);
      await utimes(target, t, t);
    }
  }
  return rels;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolvePromise(h.digest('hex')));
  });
}

/**
 * Every regular file under `root`, as paths relative to it with forward slashes (dot files
 * included); the archive's manifest only with `withManifest`.
 */
export async function listTree(root: string, withManifest = false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (withManifest || dir !== root || e.name !== MANIFEST_NAME) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
