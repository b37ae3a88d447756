/**
 * Test support for export-worker tests: a source and an output folder, fresh for every test, and
 * the large sparse original that pauses and faults land inside. Used by tests only.
 */
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CaptureTime } from '../shared/capture-time.js';
import type { ExportItem } from '../main/protocol/workers.js';
import { sha256File } from '../main/engines/export/copy.js';

export interface ExportFolders {
  /** The temp folder holding both. */
  root: string;
  /** Where the originals are. */
  src: string;
  /** The archive. */
  out: string;
}

/** For the test file that calls it: an empty `src/` and `out/` in a new temp folder before each test, removed after it. */
export function exportFolders(prefix: string): ExportFolders {
  const dirs: ExportFolders = { root: '', src: '', out: '' };
  beforeEach(async () => {
    dirs.root = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
    dirs.src = path.join(dirs.root, 'src');
    dirs.out = path.join(dirs.root, 'out');
    await fsp.mkdir(dirs.src);
    await fsp.mkdir(dirs.out);
  });
  afterEach(async () => {
    await fsp.rm(dirs.root, { recursive: true, force: true });
  });
  return dirs;
}

/** A 200 MB original at `file` (sparse: quick to make, still 200 MB to copy), named huge.mov. */
export async function hugeSource(file: string, fileId: number, timestamp: CaptureTime, header = 'header'): Promise<ExportItem> {
  const h = await fsp.open(file, 'w');
  await h.truncate(200 * 1024 * 1024);
  await h.write(header, 0);
  await h.close();
  const st = await fsp.stat(file);
  return { fileId, sourcePath: file, originalName: 'huge.mov', size: st.size, sha256: await sha256File(file), timestamp, timestampSource: null, confidence: 'high', archived: null };
}
