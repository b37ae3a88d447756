/** The archive manifest on real files in a temp folder: append, torn lines, the fold, hostile records. */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { MANIFEST_HEADER, MANIFEST_NAME, appendManifest, readManifest, type ManifestRecord } from './manifest.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function record(overrides: Partial<ManifestRecord> & Pick<ManifestRecord, 'op' | 'path'>): ManifestRecord {
  return {
    sha256: HASH_A,
    size: 10,
    source: '/photos/IMG_0001.jpg',
    sourceSha256: HASH_A,
    captured: '2003-12-04T06:46:52',
    captureSource: 'exif-datetime-original',
    confidence: 'high',
    job: 7,
    at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

let root: string;
const manifestText = (): string => readFileSync(join(root, MANIFEST_NAME), 'utf8');

beforeEach(async () => {
  root = await makeTempDir('manifest');
});
afterEach(async () => {
  await removeDir(root);
});

describe('manifest', () => {
  it('reads a missing manifest as an empty state', () => {
    const state = readManifest(root);
    expect(state.copies.size).toBe(0);
    expect(state.asides.size).toBe(0);
    expect(state.records).toBe(0);
    expect(state.skippedLines).toBe(0);
  });

  it('starts a new manifest with the header line, one JSON record per line after it', () => {
    appendManifest(root, [record({ op: 'add', path: '2003/20031204_064652.jpg' })]);
    appendManifest(root, [record({ op: 'add', path: '2004/20040101_000000.jpg', sha256: HASH_B })]);
    const lines = manifestText().split('\n');
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(MANIFEST_HEADER);
    expect(lines.filter((l) => l.includes('"manifest"'))).toHaveLength(1);
    expect(JSON.parse(lines[1]!)).toMatchObject({ op: 'add', path: '2003/20031204_064652.jpg', size: 10, job: 7 });
    expect(lines).toHaveLength(4);
    const state = readManifest(root);
    expect(state.records).toBe(2);
    expect(state.skippedLines).toBe(0);
    expect([...state.copies.keys()].sort()).toEqual(['2003/20031204_064652.jpg', '2004/20040101_000000.jpg']);
    expect(state.copies.get('2004/20040101_000000.jpg')?.sha256).toBe(HASH_B);
  });

  it('does nothing for an empty batch', () => {
    appendManifest(root, []);
    expect(() => readFileSync(join(root, MANIFEST_NAME))).toThrow(/ENOENT/);
  });

  it('ignores a torn last line, and the next append starts on a fresh line', () => {
    appendManifest(root, [record({ op: 'add', path: '2003/a.jpg' })]);
    // A crash in the middle of a write leaves half a record without its newline.
    const torn = JSON.stringify(record({ op: 'add', path: '2003/b.jpg' })).slice(0, 40);
    appendFileSync(join(root, MANIFEST_NAME), torn);
    let state = readManifest(root);
    expect(state.records).toBe(1);
    expect(state.skippedLines).toBe(1);
    expect([...state.copies.keys()]).toEqual(['2003/a.jpg']);

    appendManifest(root, [record({ op: 'add', path: '2003/c.jpg' })]);
    const lines = manifestText().split('\n');
    expect(lines[2]).toBe(torn);
    expect(JSON.parse(lines[3]!)).toMatchObject({ path: '2003/c.jpg' });
    state = readManifest(root);
    expect(state.records).toBe(2);
    expect(state.skippedLines).toBe(1);
    expect([...state.copies.keys()].sort()).toEqual(['2003/a.jpg', '2003/c.jpg']);
  });

  it('writes the header into a manifest left empty by a crash right after it was created', () => {
    writeFileSync(join(root, MANIFEST_NAME), '');
    appendManifest(root, [record({ op: 'add', path: '2003/a.jpg' })]);
    expect(JSON.parse(manifestText().split('\n')[0]!)).toEqual(MANIFEST_HEADER);
    expect(readManifest(root).copies.size).toBe(1);
  });

  it('folds add, move and aside in order', () => {
    appendManifest(root, [
      record({ op: 'add', path: '2003/a.jpg' }),
      record({ op: 'add', path: '2003/b.jpg', sha256: HASH_B }),
      // a re-dated file renamed inside the archive
      record({ op: 'move', from: '2003/a.jpg', path: '2011/a.jpg' }),
    ]);
    appendManifest(root, [
      // b's bytes changed: moved aside, then a fresh copy written to its name
      record({ op: 'aside', from: '2003/b.jpg', path: '2003/b.changed.jpg', sha256: HASH_A }),
      record({ op: 'add', path: '2003/b.jpg', sha256: HASH_B }),
    ]);
    const state = readManifest(root);
    expect(state.records).toBe(5);
    expect([...state.copies.keys()].sort()).toEqual(['2003/b.jpg', '2011/a.jpg']);
    expect(state.copies.get('2011/a.jpg')).toMatchObject({ op: 'move', from: '2003/a.jpg' });
    expect([...state.asides.keys()]).toEqual(['2003/b.changed.jpg']);
    expect(state.asides.get('2003/b.changed.jpg')).toMatchObject({ from: '2003/b.jpg' });
  });

  it('skips garbled lines anywhere and records that are not valid, never fatal', () => {
    appendManifest(root, [record({ op: 'add', path: '2003/a.jpg' })]);
    appendFileSync(
      join(root, MANIFEST_NAME),
      [
        'not json at all',
        JSON.stringify({ ...record({ op: 'add', path: '2003/x.jpg' }), sha256: 'xyz' }),
        JSON.stringify(record({ op: 'move', path: '2003/y.jpg' })), // a move without `from`
        JSON.stringify([1, 2, 3]),
        '',
      ].join('\n'),
    );
    appendManifest(root, [record({ op: 'add', path: '2003/b.jpg' })]);
    const state = readManifest(root);
    expect(state.records).toBe(2);
    expect(state.skippedLines).toBe(4);
    expect([...state.copies.keys()].sort()).toEqual(['2003/a.jpg', '2003/b.jpg']);
  });

  it('keeps hostile paths as data only', () => {
    const hostile = ['../../etc/passwd', '/etc/shadow', 'C:\\Windows\\win.ini', '2003/../../../x.jpg', '__proto__', 'a\nb.jpg'];
    appendManifest(
      root,
      hostile.map((path) => record({ op: 'add', path })),
    );
    // Every record is one line, however odd its path.
    expect(manifestText().split('\n')).toHaveLength(hostile.length + 2);
    const state = readManifest(root);
    expect(state.records).toBe(hostile.length);
    expect([...state.copies.keys()].sort()).toEqual([...hostile].sort());
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'path')).toBe(false);
  });

  it('throws read failures other than a missing file', () => {
    // A folder under the manifest's name: EISDIR is not "no manifest yet".
    mkdirSync(join(root, MANIFEST_NAME));
    expect(() => readManifest(root)).toThrow(/EISDIR/);
  });
});
