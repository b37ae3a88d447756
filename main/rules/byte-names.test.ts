import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayName, escapedName, isValidUtf8 } from './byte-names.js';
import { withStringPath } from '../engines/originals.js';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p as string)));

describe('display forms of names that are not valid UTF-8', () => {
  it('reads the bytes as Windows-1252', () => {
    expect(isValidUtf8(bytes('caf', [0xe9], '.jpg'))).toBe(false);
    expect(isValidUtf8(Buffer.from('café.jpg'))).toBe(true);
    expect(displayName(bytes('caf', [0xe9], '.jpg'), new Set())).toBe('café.jpg');
    expect(displayName(bytes([0x80], '.jpg'), new Set())).toBe('€.jpg');
  });

  it('steps aside from a name already in the folder: %XX for the bytes that are not UTF-8, then ~2, ~3', () => {
    const name = bytes('caf', [0xe9], '.jpg');
    expect(displayName(name, new Set(['café.jpg']))).toBe('caf%E9.jpg');
    expect(displayName(name, new Set(['café.jpg', 'caf%E9.jpg']))).toBe('caf%E9~2.jpg');
    expect(displayName(name, new Set(['café.jpg', 'caf%E9.jpg', 'caf%E9~2.jpg']))).toBe('caf%E9~3.jpg');
  });

  it('keeps the valid UTF-8 parts of a mixed name when escaping', () => {
    expect(escapedName(bytes('é', [0xe9, 0xc3], 'x', [0xf0, 0x9f, 0x98, 0x80]))).toBe('é%E9%C3x😀');
    expect(escapedName(bytes([0xed, 0xa0, 0x80]))).toBe('%ED%A0%80');
  });

  it('gives string-only tools a link to the exact bytes, removed afterwards', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-bytenames-unit-'));
    try {
      const file = bytes(dir, '/caf', [0xe9], '.jpg');
      writeFileSync(file, 'content');
      let link = '';
      const read = await withStringPath(file, path.join(dir, 'café.jpg'), async (p) => {
        link = p;
        return readFileSync(p, 'utf8');
      });
      expect(read).toBe('content');
      expect(path.basename(link)).toBe('café.jpg');
      expect(() => readdirSync(path.dirname(link))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('links a long name whose display form is longer than a name may be', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-bytenames-unit-'));
    try {
      const name = Buffer.concat([Buffer.alloc(200, 0xe9), Buffer.from('.jpg')]);
      const file = Buffer.concat([Buffer.from(dir + '/'), name]);
      writeFileSync(file, 'long');
      const display = path.join(dir, displayName(name, new Set()));
      expect(Buffer.byteLength(path.basename(display))).toBeGreaterThan(255);
      expect(await withStringPath(file, display, async (p) => [path.extname(p), readFileSync(p, 'utf8')])).toEqual(['.jpg', 'long']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
