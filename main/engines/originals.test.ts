/**
 * Originals that are no longer regular files (a FIFO, a folder, a device) never block a reader:
 * the open returns at once and the import reports the file, whatever the moment it changed.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeFile } from './import/analyze-file.js';
import { scanFolders } from './import/scan.js';
import { nonRegularKind, openOriginal } from './originals.js';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mp-originals-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const OPTIONS = { timeZone: 'UTC', useFileDatesAsLastResort: false };

describe.skipIf(process.platform === 'win32')('originals that are not regular files', () => {
  it('opens a FIFO without waiting for a writer, and names what it is', async () => {
    const fifo = path.join(dir, 'IMG_0001.jpg');
    execFileSync('mkfifo', [fifo]);
    const fd = openOriginal(fifo);
    try {
      expect(nonRegularKind(fstatSync(fd))).toBe('a pipe (FIFO)');
    } finally {
      closeSync(fd);
    }
    const folder = openOriginal(dir);
    try {
      expect(nonRegularKind(fstatSync(folder))).toBe('a folder');
    } finally {
      closeSync(folder);
    }
  });

  it('an import skips a FIFO in the source folder and reports one that replaced a scanned file, at once', async () => {
    await fsp.writeFile(path.join(dir, 'a.jpg'), Buffer.from('ffd8ffe000104a46494600', 'hex'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.jpg')]);
    execFileSync('mkfifo', [path.join(dir, 'pipe-no-extension')]);
    const found: string[] = [];
    for await (const e of scanFolders([dir])) found.push(path.basename(e.path));
    expect(found).toEqual(['a.jpg']);

    // Scanned as a file, then replaced by a FIFO before it is read.
    const entry = { path: path.join(dir, 'a.jpg'), root: dir, size: 11, mtimeMs: 0 };
    await fsp.rm(entry.path);
    execFileSync('mkfifo', [entry.path]);
    const t0 = performance.now();
    const r = await analyzeFile(entry, OPTIONS);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    if (!r.ok) expect(r.error.message).toMatch(/a pipe \(FIFO\)/);
  });
});
