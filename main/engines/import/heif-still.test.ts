import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { heifItems } from './heif-items.js';
import { planMetadataRead } from './reader-choice.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const HIF = 'exiv2/Sony.HIF';
const AVIF = 'metadata-extractor/Issue 649.avif';
const oracle = readOracle();

describe('HEIF stills without the heic brand (camera .HIF) and AVIF', () => {
  const suite = exiftoolSuite('mp-heif-');

  for (const [rel, name] of [
    [HIF, 'DSC00001.HIF'],
    [AVIF, 'photo.avif'],
  ] as const) {
    it(`${rel}: exifr (EXIF) and the XMP item give the same candidates and size as ExifTool`, async () => {
      const file = path.join(suite.dir, name);
      copyFileSync(path.join(MEDIA, rel), file);
      for (const timeZone of ['UTC', 'Asia/Tokyo']) {
        const { ours, exiftoolCalls, reference } = await compareWithExiftool(suite.exiftool, file, suite.dir, timeZone);
        expect(exiftoolCalls).toBe(0);
        expect(ours.candidates).toEqual(reference.candidates);
        expect([ours.width, ours.height]).toEqual([reference.width, reference.height]);
        expect(ours.warning).toBeNull();
        expect(ours.candidates.find((c) => c.source === 'exif-datetime-original')?.raw).toBe(oracle[rel]!.DateTimeOriginal);
      }
    });
  }

  it('the XMP item is found and read: its dates count as ExifTool counts them', async () => {
    const src = readFileSync(path.join(MEDIA, HIF));
    // The Sony file's XMP item holds a rating only; its EXIF item is a TIFF block.
    expect(heifItems(src)?.xmp).toEqual([]);
    expect(heifItems(src)?.exifTiff?.toString('latin1', 0, 4)).toBe('II*\0');
    // Same file with a creation date in its XMP item (written into the packet's padding, so the
    // item keeps its place and length).
    const dated = withXmpProperty(src, '<xmp:CreateDate>2021-03-04T05:06:07+01:00</xmp:CreateDate>');
    expect(heifItems(dated)?.xmp).toEqual([{ tag: 'XMP-xmp:CreateDate', value: '2021:03:04 05:06:07+01:00' }]);
    const file = path.join(suite.dir, 'dated.HIF');
    writeFileSync(file, dated);
    const { ours, exiftoolCalls, reference } = await compareWithExiftool(suite.exiftool, file, suite.dir, 'UTC');
    expect(exiftoolCalls).toBe(0);
    expect(ours.candidates).toEqual(reference.candidates);
    expect(ours.candidates.find((c) => c.source === 'xmp-date')).toMatchObject({ local: '2021-03-04T05:06:07.000', offset: '+01:00' });
  });

  it('a HEIF whose XMP cannot be told apart, or a truncated one, goes to ExifTool', async () => {
    const src = readFileSync(path.join(MEDIA, HIF));
    expect(planMetadataRead('image/heif', src, true)).toMatchObject({ reader: 'exifr', xmp: [] });
    // An XMP date in a namespace ExifTool would also count: left to ExifTool.
    const odd = withXmpProperty(src, '<dc:CreateDate>2021-03-04T05:06:07</dc:CreateDate>');
    expect(planMetadataRead('image/heif', odd, true).reader).toBe('exiftool');
    // Cut short: its image data missing.
    expect(planMetadataRead('image/heif', src.subarray(0, src.length - 10), true).reader).toBe('exiftool');
    const file = path.join(suite.dir, 'cut.HIF');
    writeFileSync(file, src.subarray(0, src.length - 10));
    const { exiftoolCalls } = await compareWithExiftool(suite.exiftool, file, suite.dir, 'UTC');
    expect(exiftoolCalls).toBe(1);
    // A large file (only its head in memory) is left to ExifTool too.
    expect(planMetadataRead('image/heif', src.subarray(0, 65536), false).reader).toBe('exiftool');
  });

  it('HEIC files keep their reader', () => {
    const heic = readFileSync(path.join(MEDIA, 'exiv2/Stonehenge.heic'));
    expect(planMetadataRead('image/heic', heic, true)).toEqual({ reader: 'exifr' });
    expect(planMetadataRead('image/heic', readFileSync(path.join(MEDIA, 'immich/IMG_2682.heic')), true)).toEqual({ reader: 'exifr' });
  });
});

/** The HIF's XMP packet with its rating replaced by `property`, the packet's padding absorbing the growth. */
function withXmpProperty(src: Buffer, property: string): Buffer {
  const out = Buffer.from(src);
  const at = out.indexOf('<xmp:Rating>0</xmp:Rating>', 0, 'latin1');
  const end = out.indexOf('</x:xmpmeta>', at, 'latin1') + '</x:xmpmeta>'.length;
  const tail = out.toString('latin1', at + '<xmp:Rating>0</xmp:Rating>'.length, end);
  const text = property + tail;
  expect(at).toBeGreaterThan(0);
  expect(out.toString('latin1', end, at + text.length).trim()).toBe('');
  out.write(text, at, 'latin1');
  return out;
}

describe('HEIF item reader on damaged files', () => {
  it('never throws: a damaged still is either read or left to ExifTool', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (const rel of [HIF, AVIF]) {
      const src = readFileSync(path.join(MEDIA, rel));
      for (let i = 0; i < 300; i++) {
        const bytes = Buffer.from(src);
        for (let k = 0; k < 2; k++) bytes[rand(2400)] = rand(256);
        expect(() => heifItems(bytes)).not.toThrow();
        expect(() => planMetadataRead('image/heif', bytes, true)).not.toThrow();
      }
    }
  });
});
