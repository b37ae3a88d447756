import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { convertRiffDate, readAvi } from './riff-avi.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const oracle = readOracle();
const AVIS = Object.keys(oracle)
  .filter((rel) => /\.avi$/i.test(rel))
  .sort();

/** A RIFF chunk (little-endian size, padded to even length). */
function chunk(tag: string, body: Buffer | string): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const head = Buffer.alloc(8);
  head.write(tag, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function list(type: string, ...children: Buffer[]): Buffer {
  return chunk('LIST', Buffer.concat([Buffer.from(type, 'latin1'), ...children]));
}

function avih(width: number, height: number): Buffer {
  const b = Buffer.alloc(56);
  b.writeUInt32LE(33366, 0);
  b.writeUInt32LE(10, 16);
  b.writeUInt32LE(1, 24);
  b.writeUInt32LE(width, 32);
  b.writeUInt32LE(height, 36);
  return chunk('avih', b);
}

function videoStream(width: number, height: number): Buffer {
  const strh = Buffer.alloc(56);
  strh.write('vidsMJPG', 0, 'latin1');
  strh.writeUInt32LE(1, 20);
  strh.writeUInt32LE(30, 24);
  const strf = Buffer.alloc(40);
  strf.writeUInt32LE(40, 0);
  strf.writeInt32LE(width, 4);
  strf.writeInt32LE(height, 8);
  strf.writeUInt16LE(1, 12);
  strf.writeUInt16LE(24, 14);
  strf.write('MJPG', 16, 'latin1');
  return list('strl', chunk('strh', strh), chunk('strf', strf));
}

/** A small AVI: header list (with `hdrlExtra` inside), then `before` chunks, then the movie data. */
function avi(opts: { hdrlExtra?: Buffer[]; before?: Buffer[]; width?: number; height?: number } = {}): Buffer {
  const hdrl = list('hdrl', avih(opts.width ?? 640, opts.height ?? 480), videoStream(opts.width ?? 640, opts.height ?? 480), ...(opts.hdrlExtra ?? []));
  const movi = list('movi', chunk('00dc', Buffer.alloc(64, 0xff)));
  const body = Buffer.concat([Buffer.from('AVI ', 'latin1'), hdrl, ...(opts.before ?? []), movi]);
  return chunk('RIFF', body);
}

describe('ConvertRIFFDate', () => {
  it('converts the date forms ExifTool knows, as it does', () => {
    expect(convertRiffDate('Mon Mar 10 15:04:43 2003\n\0')).toBe('2003:03:10 15:04:43');
    expect(convertRiffDate('2001/ 1/27  1:42PM')).toBe('2001:01:27 13:42:00');
    // ExifTool keeps hours and minutes only of this form (the corpus Pentax clip says 12:14:34).
    expect(convertRiffDate('2009/10/27 12:14:34\0')).toBe('2009:10:27 12:14:00');
    expect(convertRiffDate('2005/11/28/ 09:19')).toBe('2005:11:28 09:19:00');
    expect(convertRiffDate('2002-12-16  15:35:01\0\0')).toBe('2002:12:16 15:35:01');
    expect(() => convertRiffDate('yesterday')).toThrow();
  });
});

describe('AVI reader against ExifTool', () => {
  const suite = exiftoolSuite('mp-avi-');
  let n = 0;

  const check = async (bytes: Buffer, expectExiftool: boolean) => {
    const file = path.join(suite.dir, `clip${++n}.avi`);
    writeFileSync(file, bytes);
    for (const timeZone of ['UTC', 'America/New_York']) {
      const c = await compareWithExiftool(suite.exiftool, file, suite.dir, timeZone);
      expect({ candidates: c.ours.candidates, width: c.ours.width, height: c.ours.height }).toEqual({
        candidates: c.reference.candidates,
        width: c.reference.width,
        height: c.reference.height,
      });
      expect(c.exiftoolCalls).toBe(expectExiftool ? 1 : 0);
      if (!expectExiftool) expect(c.ours.warning).toBeNull();
    }
    return file;
  };

  it('reads every corpus AVI without ExifTool, with ExifTool\'s dates and size', async () => {
    expect(AVIS.length).toBeGreaterThanOrEqual(1);
    for (const rel of AVIS) {
      const file = path.join(suite.dir, rel.replaceAll('/', '__'));
      copyFileSync(path.join(MEDIA, rel), file);
      const c = await compareWithExiftool(suite.exiftool, file, suite.dir, 'America/New_York');
      expect(c.exiftoolCalls, rel).toBe(0);
      expect({ candidates: c.ours.candidates, width: c.ours.width, height: c.ours.height }).toEqual({
        candidates: c.reference.candidates,
        width: c.reference.width,
        height: c.reference.height,
      });
      expect(c.ours.candidates.find((x) => x.source === 'exif-datetime-original')?.raw ?? null, rel).toBe(oracle[rel]!.DateTimeOriginal ?? null);
    }
  });

  it('reads IDIT in the header list, in INFO and at the top level, in every date form', async () => {
    await check(avi({ hdrlExtra: [chunk('IDIT', 'Mon Mar 10 15:04:43 2003\n\0')] }), false);
    await check(avi({ hdrlExtra: [chunk('IDIT', '2001/ 1/27  1:42PM')] }), false);
    await check(avi({ before: [list('INFO', chunk('ISFT', 'Camera 1.0\0'), chunk('IDIT', '2002-12-16  15:35:01\0\0'))] }), false);
    await check(avi({ before: [chunk('IDIT', 'Tue Jul 04 10:00:00 2017')] }), false);
    // INFO ICRD (ExifTool's RIFF:DateCreated) and a text JUNK chunk give the import nothing.
    await check(avi({ before: [list('INFO', chunk('ICRD', '2018-05-06')), chunk('JUNK', Buffer.alloc(100))] }), false);
    // No date at all, an odd-sized chunk.
    await check(avi({ before: [list('INFO', chunk('ISFT', 'odd'))], width: 1280, height: 720 }), false);
  });

  it('leaves to ExifTool what it does not reproduce: foreign chunks, two dates, DTIM, unknown date forms', async () => {
    await check(avi({ before: [chunk('_PMX', '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>')] }), true);
    await check(avi({ hdrlExtra: [chunk('IDIT', '2001/ 1/27  1:42PM')], before: [chunk('IDIT', 'Tue Jul 04 10:00:00 2017')] }), true);
    await check(avi({ before: [list('INFO', chunk('DTIM', '30000000 12345678'))] }), true);
    await check(avi({ hdrlExtra: [chunk('IDIT', 'sometime')] }), true);
    await check(avi({ before: [chunk('JUNK', 'QVMI\0\0\0\0\0\0MM')] }), true);
    await check(avi({ hdrlExtra: [list('strl', chunk('strd', 'AVIF\0\0\0\0'))] }), true);
    // ExifTool would read the stream format's size where the AVI header has none.
    await check(avi({ width: 0, height: 0 }), true);
  });

  it('never throws on damaged or truncated files: they go to ExifTool', async () => {
    const good = avi({ hdrlExtra: [chunk('IDIT', 'Mon Mar 10 15:04:43 2003\n\0')] });
    // Cut before the movie data, and in the middle of the header list.
    await check(good.subarray(0, good.length - 80), true);
    await check(good.subarray(0, 100), true);
    // A header list whose chunk overruns it.
    const overrun = Buffer.from(good);
    overrun.writeUInt32LE(5000, 24);
    await check(overrun, true);
    for (let cut = 0; cut < good.length; cut += 7) expect(() => readAvi(good.subarray(0, cut))).not.toThrow();
  });

  it('reads a large clip from its head (the movie data need not be in memory)', () => {
    const file = readFileSync(path.join(MEDIA, AVIS[0]!));
    const moviAt = file.indexOf('movi', 0, 'latin1');
    expect(readAvi(file.subarray(0, moviAt + 4))?.dates.dateTimeOriginal).toBe(oracle[AVIS[0]!]!.DateTimeOriginal);
    expect(readAvi(file.subarray(0, moviAt - 10))).toBeNull();
  });
});
