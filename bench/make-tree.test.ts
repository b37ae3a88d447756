import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusAvailable } from '../test-support/corpus.js';
import { buildBenchTree } from './make-tree.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mp-tree-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!corpusAvailable())('buildBenchTree', () => {
  it('writes the requested number of real media files and reports their exact bytes', async () => {
    const result = await buildBenchTree(dir, 60);
    const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const files = entries.map((e) => path.join(e.parentPath, e.name));
    expect(result.files).toBe(60);
    expect(files).toHaveLength(60);
    let bytes = 0;
    for (const f of files) bytes += (await stat(f)).size;
    expect(result.bytes).toBe(bytes);
    // Varied layouts: phone dumps, camera cards, WhatsApp, holidays with tags.
    const rel = files.map((f) => path.relative(dir, f));
    expect(rel.some((r) => r.startsWith('Phone '))).toBe(true);
    expect(rel.some((r) => r.startsWith('Camera card'))).toBe(true);
    expect(rel.some((r) => r.includes('WhatsApp'))).toBe(true);
    // The whole corpus mix: camera raw files, camcorder clips, AVI, 3GP/3G2.
    expect(rel.some((r) => /\.(CR2|CR3|NEF|DNG|RW2|RAF)$/.test(r))).toBe(true);
    expect(rel.some((r) => r.endsWith('.MTS'))).toBe(true);
    expect(rel.some((r) => r.endsWith('.AVI'))).toBe(true);
    expect(rel.some((r) => /\.3g[p2]$/.test(r))).toBe(true);
    expect(Object.values(result.mix).reduce((a, b) => a + b, 0)).toBe(60);
    // Copies stay real media: every .jpg starts with the JPEG marker.
    for (const f of files.filter((x) => /\.jpe?g$/i.test(x))) {
      const head = (await readFile(f)).subarray(0, 2);
      expect(head.toString('hex')).toBe('ffd8');
    }
  });
});
