/** The verify engine on a real archive in a temp folder (in-process; the worker thread is covered by verify-service.test.ts). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendManifest } from './manifest.js';
import { verifyArchive, type VerifyEngineProgress } from './verify.js';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { flipByte, recordFor, writeArchive } from '../../../test-support/archive.js';

let dir: string;
let root: string;

const bytes = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251));

beforeEach(async () => {
  dir = await makeTempDir('verify');
  root = join(dir, 'archive');
  mkdirSync(root);
  writeArchive(root, {
    '2003/20031204_064652.jpg': bytes(300_000, 1),
    '2003/20031204_064652_001.jpg': bytes(1000, 2),
    '2011/20111111_111111.mov': bytes(70_000, 3),
    'unknown/IMG_0001.jpg': bytes(5000, 4),
  });
});
afterEach(async () => {
  await removeDir(dir);
});

function verify(options: Parameters<typeof verifyArchive>[1] = {}) {
  const outcome = verifyArchive(root, options);
  if (outcome.type !== 'done') throw new Error(`verify ended ${JSON.stringify(outcome)}`);
  return outcome.report;
}

describe('verifyArchive', () => {
  it('finds an untouched archive ok, hashing every byte with progress by bytes', () => {
    const seen: VerifyEngineProgress[] = [];
    const report = verify({ chunkSize: 4096, onProgress: (p) => seen.push(p) });
    expect(report).toMatchObject({ ok: 4, missing: [], changed: [], notInManifest: [], unreadable: [], movedAside: [], manifestRecords: 4 });
    expect(report.bytesChecked).toBe(376_000);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ filesDone: 4, filesTotal: 4, bytesDone: 376_000, bytesTotal: 376_000, currentFile: null });
    // Progress inside the big file, chunk by chunk, never going back.
    expect(seen.filter((p) => p.currentFile === '2003/20031204_064652.jpg').length).toBeGreaterThan(70);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
  });

  it('reports a flipped byte and a truncated copy as changed, a deleted copy as missing, an extra file as not in the manifest', () => {
    flipByte(join(root, '2003', '20031204_064652.jpg'), 123_456);
    truncateSync(join(root, 'unknown', 'IMG_0001.jpg'), 4000);
    rmSync(join(root, '2011', '20111111_111111.mov'));
    writeFileSync(join(root, '2003', 'holiday.jpg'), 'not ours');
    const report = verify();
    expect(report.ok).toBe(1);
    expect(report.changed).toEqual([
      expect.objectContaining({ path: '2003/20031204_064652.jpg', reason: 'content', actualSize: 300_000 }),
      expect.objectContaining({ path: 'unknown/IMG_0001.jpg', reason: 'size', expectedSize: 5000, actualSize: 4000, actualSha256: null }),
    ]);
    expect(report.changed[0]!.actualSha256).not.toBe(report.changed[0]!.expectedSha256);
    expect(report.missing).toEqual([expect.objectContaining({ path: '2011/20111111_111111.mov', size: 70_000 })]);
    expect(report.notInManifest).toEqual([{ path: '2003/holiday.jpg', size: 8 }]);
  });

  it('skips the manifest and MediaParser temps, ignores hidden and system files, but checks a listed hidden copy', () => {
    writeFileSync(join(root, '2003', '.mediaparser-12-34-abcd.tmp'), 'half a copy');
    writeFileSync(join(root, '.mediaparser.lock'), '123');
    writeFileSync(join(root, '2003', '.DS_Store'), 'x');
    writeFileSync(join(root, '2003', 'Thumbs.db'), 'x');
    mkdirSync(join(root, '.Trash-1000', 'files'), { recursive: true });
    writeFileSync(join(root, '.Trash-1000', 'files', 'old.jpg'), 'x');
    // An undated original named `.beach.jpg` keeps its name in unknown/.
    writeFileSync(join(root, 'unknown', '.beach.jpg'), 'sand');
    appendManifest(root, [recordFor(root, 'unknown/.beach.jpg')]);
    flipByte(join(root, 'unknown', '.beach.jpg'));
    const report = verify();
    expect(report.notInManifest).toEqual([]);
    expect(report.ignored).toEqual(['.Trash-1000/', '2003/.DS_Store', '2003/Thumbs.db']);
    expect(report.changed.map((c) => c.path)).toEqual(['unknown/.beach.jpg']);
    expect(report.ok).toBe(4);
  });

  it('lists files moved aside as such, not as strangers', () => {
    const rel = '2003/20031204_064652_001.jpg';
    const asideRel = '2003/20031204_064652_001.changed-1.jpg';
    const record = recordFor(root, rel);
    writeFileSync(join(root, '2003', '20031204_064652_001.changed-1.jpg'), 'edited by someone');
    appendManifest(root, [{ ...recordFor(root, asideRel), op: 'aside', from: rel }, { ...record, at: new Date().toISOString() }]);
    const report = verify();
    expect(report.movedAside).toEqual([{ path: asideRel, from: rel, present: true }]);
    expect(report.notInManifest).toEqual([]);
    expect(report.ok).toBe(4);
  });

  it('finds asides kept in a hidden folder of MediaParser, and ignores what else is there', () => {
    const rel = 'unknown/IMG_0001.jpg';
    const asideRel = '.mediaparser-aside/unknown/IMG_0001.jpg';
    mkdirSync(join(root, '.mediaparser-aside', 'unknown'), { recursive: true });
    writeFileSync(join(root, ...asideRel.split('/')), 'edited by someone');
    writeFileSync(join(root, '.mediaparser-aside', 'notes.txt'), 'x');
    appendManifest(root, [{ ...recordFor(root, asideRel), op: 'aside', from: rel }, recordFor(root, rel)]);
    const report = verify();
    expect(report.movedAside).toEqual([{ path: asideRel, from: rel, present: true }]);
    expect(report.notInManifest).toEqual([]);
    expect(report.ignored).toEqual(['.mediaparser-aside/notes.txt']);
  });

  it('never opens a path a hostile manifest names: it can only be missing', () => {
    writeFileSync(join(dir, 'outside.jpg'), 'secret');
    const outside = recordFor(dir, 'outside.jpg');
    appendManifest(root, [
      { ...outside, path: '../outside.jpg' },
      { ...outside, path: join(dir, 'outside.jpg') },
    ]);
    const report = verify();
    expect(report.missing.map((m) => m.path).sort()).toEqual([join(dir, 'outside.jpg'), '../outside.jpg'].sort());
    expect(report.bytesChecked).toBe(376_000);
  });

  it('does not follow links or block on a FIFO, and finds a folder where a copy should be', () => {
    symlinkSync(join(dir, 'nowhere'), join(root, '2003', 'link.jpg'));
    rmSync(join(root, '2003', '20031204_064652_001.jpg'));
    execFileSync('mkfifo', [join(root, '2003', '20031204_064652_001.jpg')]);
    rmSync(join(root, 'unknown', 'IMG_0001.jpg'));
    mkdirSync(join(root, 'unknown', 'IMG_0001.jpg'));
    const report = verify();
    expect(report.changed).toEqual([
      expect.objectContaining({ path: '2003/20031204_064652_001.jpg', reason: 'not-a-file' }),
      expect.objectContaining({ path: 'unknown/IMG_0001.jpg', reason: 'not-a-file' }),
    ]);
    expect(report.notInManifest).toEqual([{ path: '2003/link.jpg', size: 0 }]);
  });

  it('stops between chunks when cancelled', () => {
    let chunks = 0;
    const outcome = verifyArchive(root, {
      chunkSize: 4096,
      onProgress: (p) => {
        if (p.bytesDone > 0) chunks++;
      },
      shouldCancel: () => chunks >= 3,
    });
    expect(outcome).toEqual({ type: 'cancelled' });
    expect(chunks).toBe(3);
  });

  it('fails with a clear message where there is no manifest, or no folder', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = verifyArchive(empty);
    expect(none).toMatchObject({ type: 'failed', error: { code: 'not-found' } });
    expect(none.type === 'failed' && none.error.message).toMatch(/no MediaParser manifest \(mediaparser-manifest\.jsonl\)/);
    expect(verifyArchive(join(dir, 'gone'))).toMatchObject({ type: 'failed', error: { code: 'not-found' } });
  });
});
