/**
 * The archive manifest: a JSON Lines file in the archive root, one record per archived file, so
 * an archive can be checked (`mediaparser verify`) and adopted without the database that made it.
 *
 * Pure node:* + shared code with blocking file I/O: it runs in worker threads and the CLI, never
 * on the app's main thread. No database.
 *
 * Records are data only: a path read from a manifest is never resolved or opened here, so a
 * hostile record (`../../etc/passwd`, an absolute path) cannot make a reader touch anything.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../../rules/errno.js';
import { MANIFEST_NAME } from '../../../shared/naming.js';

/** The manifest's file name in the archive root. */
export { MANIFEST_NAME };

/** The first line of every manifest; readers skip it. */
export const MANIFEST_HEADER = { manifest: 'MediaParser archive manifest', version: 1 } as const;

/**
 * add:   a MediaParser copy now at `path`.
 * move:  the copy at `from` now lives at `path` (renamed after its date changed).
 * aside: the file at `from` no longer held the bytes MediaParser wrote; it was moved aside to
 *        `path` (kept, never deleted) and is no longer tracked as a copy.
 */
export type ManifestOp = 'add' | 'move' | 'aside';

export interface ManifestRecord {
  op: ManifestOp;
  /** Archive-relative path with '/' separators. */
  path: string;
  /** move / aside: where it was. */
  from?: string;
  /** sha256 (hex) and size of the bytes at `path`. */
  sha256: string;
  size: number;
  /** The original's absolute path, and its sha256 (differs from `sha256` when metadata was written into the copy). */
  source: string | null;
  sourceSha256: string | null;
  /** Capture time as ISO local time with offset where known (`2003-12-04T06:46:52`), its source and confidence. */
  captured: string | null;
  captureSource: string | null;
  confidence: string | null;
  /** Export job id, and the time of the record (ISO UTC). */
  job: number | null;
  at: string;
}

export interface ManifestState {
  /** Current copies by archive-relative path, after folding every record in order. */
  copies: Map<string, ManifestRecord>;
  /** Files moved aside (path -> record), listed by verify as such, not as strangers. */
  asides: Map<string, ManifestRecord>;
  /** Number of records read; lines that were not valid records (a torn last line after a crash). */
  records: number;
  skippedLines: number;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const text = z.string().max(65_536);

const recordSchema = z
  .object({
    op: z.enum(['add', 'move', 'aside']),
    path: z.string().min(1).max(4096),
    from: z.string().min(1).max(4096).optional(),
    sha256: sha256Hex,
    size: z.number().int().min(0),
    source: text.nullable(),
    sourceSha256: sha256Hex.nullable(),
    captured: text.nullable(),
    captureSource: text.nullable(),
    confidence: text.nullable(),
    job: z.number().int().nullable(),
    at: text,
  })
  // move and aside say where the file was; without it the fold could not drop the old path.
  .refine((r) => r.op === 'add' || r.from !== undefined);

export function emptyManifestState(): ManifestState {
  return { copies: new Map(), asides: new Map(), records: 0, skippedLines: 0 };
}

/** Applies one record to the state, in manifest order. */
export function foldRecord(state: ManifestState, record: ManifestRecord): void {
  switch (record.op) {
    case 'add':
      state.asides.delete(record.path);
      state.copies.set(record.path, record);
      break;
    case 'move':
      if (record.from !== undefined) state.copies.delete(record.from);
      state.asides.delete(record.path);
      state.copies.set(record.path, record);
      break;
    case 'aside':
      if (record.from !== undefined) state.copies.delete(record.from);
      state.copies.delete(record.path);
      state.asides.set(record.path, record);
      break;
    default: {
      const never: never = record.op;
      throw new Error(`Unexpected manifest op: ${String(never)}`);
    }
  }
}

/** One manifest line: a record, the header, or something else (a torn or garbled line). */
export function parseManifestLine(line: string): { kind: 'record'; record: ManifestRecord } | { kind: 'header' } | { kind: 'invalid' } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid' };
  }
  if (typeof value === 'object' && value !== null && (value as { manifest?: unknown }).manifest === MANIFEST_HEADER.manifest) {
    return { kind: 'header' };
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return { kind: 'invalid' };
  const { from, ...rest } = parsed.data;
  return { kind: 'record', record: from === undefined ? rest : { ...rest, from } };
}

/** Folds manifest text (the whole file) into a state. */
export function parseManifest(content: string): ManifestState {
  const state = emptyManifestState();
  for (const raw of content.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const parsed = parseManifestLine(line);
    if (parsed.kind === 'record') {
      state.records++;
      foldRecord(state, parsed.record);
    } else if (parsed.kind === 'invalid') {
      state.skippedLines++;
    }
  }
  return state;
}

/**
 * Reads and folds the manifest; a missing file gives an empty state; a torn/garbled line is
 * skipped, never fatal. Other read failures (permission, I/O) throw the errno error.
 */
export function readManifest(root: string): ManifestState {
  let content: string;
  try {
    content = readFileSync(join(root, MANIFEST_NAME), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return emptyManifestState();
    throw e;
  }
  return parseManifest(content);
}

/** One record as its manifest line (without the newline), keys in a fixed, readable order. */
export function formatManifestRecord(r: ManifestRecord): string {
  return JSON.stringify({
    op: r.op,
    path: r.path,
    ...(r.from !== undefined ? { from: r.from } : {}),
    sha256: r.sha256,
    size: r.size,
    source: r.source,
    sourceSha256: r.sourceSha256,
    captured: r.captured,
    captureSource: r.captureSource,
    confidence: r.confidence,
    job: r.job,
    at: r.at,
  });
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Makes a new directory entry durable. Windows cannot open folders for fsync; NTFS journals it. */
function fsyncDir(dir: string, fsync: (fd: number) => void): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends records durably: creates the file (with a first header line
 * {"manifest":"MediaParser archive manifest","version":1} that readers skip) if needed; if the file
 * does not end with '\n' (a torn line from a crash) starts on a fresh line; writes all lines in one
 * write; fsyncs the file (and the root folder when the file was created); closes. `fsync` is
 * replaced only by the export's file-system calls (which a benchmark may run without fsync).
 */
export function appendManifest(root: string, records: readonly ManifestRecord[], fsync: (fd: number) => void = fsyncSync): void {
  if (records.length === 0) return;
  const file = join(root, MANIFEST_NAME);
  let fd: number;
  let created = false;
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, 0o644);
    created = true;
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e;
    fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
  }
  try {
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size === 0) {
      prefix = JSON.stringify(MANIFEST_HEADER) + '\n';
    } else {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const body = records.map((r) => formatManifestRecord(r) + '\n').join('');
    writeAll(fd, Buffer.from(prefix + body, 'utf8'));
    fsync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncDir(root, fsync);
}
