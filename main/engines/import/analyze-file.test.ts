import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { sniffMedia } from './sniff.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const OPTIONS = { timeZone: 'UTC', useFileDatesAsLastResort: false };

describe('sniffMedia', () => {
  const head = (rel: string): Buffer => readFileSync(path.join(MEDIA, rel)).subarray(0, 65536);
  it('goes by content, not by extension', async () => {
    expect(await sniffMedia(head('metadata-extractor/Issue 247-1.nef'), 'Issue 247-1.nef')).toMatchObject({ mime: 'image/jpeg', mediaType: 'image' });
    expect(await sniffMedia(head('exiftool/Nikon.nef'), 'Nikon.nef')).toMatchObject({ mime: 'image/x-nikon-nef' });
    expect(await sniffMedia(head('exiftool/QuickTime.mov'), 'whatever.jpg')).toMatchObject({ mime: 'video/quicktime', mediaType: 'video' });
    expect(await sniffMedia(head('exiftool/Canon.jpg'), 'no-extension')).toMatchObject({ mime: 'image/jpeg' });
  });
  it('text or documents are not media, whatever their name', async () => {
    expect(await sniffMedia(Buffer.from('hello, I am text\n'), 'photo.jpg')).toBeNull();
    expect(await sniffMedia(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'scan.jpg')).toBeNull();
    expect(await sniffMedia(Buffer.alloc(0), 'empty.mp4')).toBeNull();
  });
});

describe('analyzeFile', () => {
  let dir: string;
  let exiftool: ExifTool;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mp-analyze-'));
    exiftool = new ExifTool({ maxProcs: 1 });
  });
  afterAll(async () => {
    await exiftool.end();
    rmSync(dir, { recursive: true, force: true });
  });
  const entryFor = (file: string) => {
    const st = statSync(file);
    return { path: file, root: dir, size: st.size, mtimeMs: st.mtimeMs };
  };

  it('a readable photo: hash, type, size, dates, tags; the original is untouched', async () => {
    const file = path.join(dir, 'Trip {sea}.jpg');
    copyFileSync(path.join(MEDIA, 'exiftool/Google.jpg'), file);
    const before = statSync(file);
    const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      name: 'Trip {sea}.jpg',
      mediaType: 'image',
      mime: 'image/jpeg',
      width: 8,
      height: 8,
      detected: { local: '2023-10-06T22:53:51.724', offset: '+02:00' },
      detectedSource: 'exif-datetime-original',
      tags: ['sea'],
      warning: null,
    });
    expect(r.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    const after = statSync(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.atimeMs).toBe(before.atimeMs);
  });

  it('a vanished file is a not-found error', async () => {
    const r = await analyzeFile({ path: path.join(dir, 'gone.jpg'), root: dir, size: 1, mtimeMs: 0 }, OPTIONS, { exiftool });
    expect(r).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('a file that is not a photo or video fails with a clear message', async () => {
    const file = path.join(dir, 'notes.jpg');
    writeFileSync(file, 'shopping list: milk, eggs\n');
    const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('unsupported');
    expect(r.error.message).toMatch(/not a photo or video/i);
  });

  it('a damaged file is still hashed and returned, with a warning and its file-name date', async () => {
    const file = path.join(dir, 'IMG_20190514_103000.jpg');
    writeFileSync(file, readFileSync(path.join(MEDIA, 'exiftool/Canon.jpg')).subarray(0, 2000));
    const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.warning).toMatch(/damaged/i);
    expect(r.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.value.detected?.local).toBe('2019-05-14T10:30:00.000');
    expect(r.value.candidates.some((c) => c.source === 'file-mtime')).toBe(true);
  });

  it('a truncated video gets a warning, not an error', async () => {
    const file = path.join(dir, 'clip.mov');
    writeFileSync(file, readFileSync(path.join(MEDIA, 'exiftool/QuickTime.mov')).subarray(0, 300));
    const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
    expect(r.ok && r.value.warning).toMatch(/truncated/i);
  });

  it('a large file is streamed through the hash: same sha256 as reading it whole', async () => {
    const file = path.join(dir, 'long.mov');
    const big = Buffer.concat([readFileSync(path.join(MEDIA, 'exiftool/QuickTime.mov')), Buffer.alloc(17 * 1024 * 1024, 7)]);
    writeFileSync(file, big);
    const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(r.value.size).toBe(big.length);
    expect(r.value).toMatchObject({ mime: 'video/quicktime', detected: { local: '2005-08-11T14:03:54.000', offset: '+00:00' } });
  });

  it('reads EXIF inside WebP and PNG containers', async () => {
    for (const [rel, local] of [
      ['immich/denali.webp', '2010-08-13T21:00:01.850'],
      ['elodie/photo.png', '2015-01-18T12:01:01.000'],
      ['exiv2/imagemagick.png', '2006-02-04T16:09:30.000'],
    ] as const) {
      const file = path.join(dir, path.basename(rel));
      copyFileSync(path.join(MEDIA, rel), file);
      const r = await analyzeFile(entryFor(file), OPTIONS, { exiftool });
      expect(r.ok && r.value.detected?.local, rel).toBe(local);
    }
  });
});
