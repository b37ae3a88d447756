/**
 * The archive's manifest (interim version; see /work/notes/manifest-api.md): JSON Lines in the root.
 */
import * as fs from 'node:fs';
import path from 'node:path';

export const MANIFEST_NAME = 'mediaparser-manifest.jsonl';

export type ManifestOp = 'add' | 'move' | 'aside';

export interface ManifestRecord {
  op: ManifestOp;
  path: string;
  from?: string;
  sha256: string;
  size: number;
  source: string | null;
  sourceSha256: string | null;
  captured: string | null;
  captureSource: string | null;
  confidence: string | null;
  job: number | null;
  at: string;
}

export interface ManifestState {
  copies: Map<string, ManifestRecord>;
  asides: Map<string, ManifestRecord>;
  records: number;
  skippedLines: number;
}

export function readManifest(root: string): ManifestState {
  const state: ManifestState = { copies: new Map(), asides: new Map(), records: 0, skippedLines: 0 };
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, MANIFEST_NAME), 'utf8');
  } catch {
    return state;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    let r: ManifestRecord;
    try {
      r = JSON.parse(line) as ManifestRecord;
    } catch {
      state.skippedLines++;
      continue;
    }
    if (typeof r !== 'object' || r === null || !('op' in r)) continue;
    state.records++;
    if (r.op === 'add') state.copies.set(r.path, r);
    else if (r.op === 'move') {
      if (r.from !== undefined) state.copies.delete(r.from);
      state.copies.set(r.path, r);
    } else if (r.op === 'aside') {
      if (r.from !== undefined) state.copies.delete(r.from);
      state.asides.set(r.path, r);
    }
  }
  return state;
}

export function appendManifest(root: string, records: readonly ManifestRecord[]): void {
  if (records.length === 0) return;
  const file = path.join(root, MANIFEST_NAME);
  const fd = fs.openSync(file, 'a+');
  try {
    const size = fs.fstatSync(fd).size;
    let prefix = '';
    if (size === 0) prefix = JSON.stringify({ manifest: 'MediaParser archive manifest', version: 1 }) + '\n';
    else {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    fs.writeSync(fd, prefix + records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
