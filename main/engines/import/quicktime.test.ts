import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { quickTimeDateString, QUICKTIME_MIMES, readCanonRaw, readMovie } from './quicktime.js';
import { findMovie, MovieCollector, type MovieParts } from './quicktime-boxes.js';
import { keysDateString } from './quicktime-tag-lists.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const oracle = readOracle();
/** Every QuickTime-family movie in the corpus (not CR3, which is a photo with EXIF). */
const MOVIES = Object.keys(oracle)
  .filter((rel) => QUICKTIME_MIMES.has(oracle[rel]!.MIMEType ?? '') || /\.(mov|mp4|3gp|m4v)$/i.test(rel))
  .sort();

describe('QuickTime header dates', () => {
  it('renders dates as ExifTool does', () => {
    const mac = (iso: string): number => Date.parse(iso) / 1000 + (66 * 365 + 17) * 24 * 3600;
    expect(quickTimeDateString(mac('2019-07-24T08:25:57Z'), false)).toBe('2019:07:24 08:25:57');
    expect(quickTimeDateString(0, false)).toBe('0000:00:00 00:00:00');
    // Counted from 1970 by mistake: ExifTool takes it as Unix time.
    expect(quickTimeDateString(Date.parse('1990-01-02T03:04:05Z') / 1000, false)).toBe('1990:01:02 03:04:05');
    expect(quickTimeDateString(mac('2018-02-21T12:08:56Z'), true, 'UTC')).toBe('2018:02:21 12:08:56+00:00');
    expect(quickTimeDateString(mac('2018-02-21T12:08:56Z'), true, 'Asia/Kolkata')).toBe('2018:02:21 17:38:56+05:30');
    expect(keysDateString('2019-07-24T11:25:40+0300')).toBe('2019:07:24 11:25:40+03:00');
    expect(keysDateString('2019-07-24T11:25+03:00')).toBe('2019:07:24 11:25+03:00');
    expect(keysDateString('2019-07-24')).toBe('2019:07:24');
  });
});

describe('QuickTime reader against ExifTool (corpus movies)', () => {
  const suite = exiftoolSuite('mp-quicktime-');

  const both = async (file: string, timeZone: string) => {
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, timeZone);
    return { ours: c.ours, exiftoolCalls: c.exiftoolCalls, expected: c.reference };
  };

  it('gives the same candidates and size as ExifTool for every corpus movie, without ExifTool for plain ones', async () => {
    expect(MOVIES.length).toBeGreaterThanOrEqual(10);
    const native: string[] = [];
    for (const rel of MOVIES) {
      const file = path.join(suite.dir, rel.replaceAll('/', '__'));
      copyFileSync(path.join(MEDIA, rel), file);
      for (const timeZone of ['UTC', 'America/New_York']) {
        const { ours, exiftoolCalls, expected } = await both(file, timeZone);
        if (exiftoolCalls > 0) continue;
        if (timeZone === 'UTC') native.push(rel);
        expect({ rel, candidates: ours.candidates, width: ours.width, height: ours.height }).toEqual({
          rel,
          candidates: expected.candidates,
          width: expected.width,
          height: expected.height,
        });
        expect(ours.warning, rel).toBeNull();
        // And the oracle (ExifTool 12.57, no groups) agrees on the media header date.
        expect(ours.candidates.find((c) => c.source === 'quicktime-media-create-date')?.raw ?? null, rel).toBe(
          /^0000/.test(oracle[rel]!.MediaCreateDate ?? '') ? null : oracle[rel]!.MediaCreateDate,
        );
      }
    }
    // Phone and camera movies with nothing but header dates (and Apple's CreationDate) are read here.
    expect(native).toEqual(
      expect.arrayContaining(['metadata-extractor/sample.3gp', 'metadata-extractor/with-gps.mov', 'names/VID_20200229_235959.mp4']),
    );
    // XMP, in a uuid box or a udta XMP_ atom, is read too.
    expect(native).toEqual(expect.arrayContaining(['metadata-extractor/uuid540.mp4', 'metadata-extractor/xmp480qt.mov']));
    // ExifTool's sample movie: maker atoms, Keys, iTunes items and XMP, none with a date we use.
    expect(native).toContain('exiftool/QuickTime.mov');
  });

  it('reads Apple’s CreationDate key with its offset', async () => {
    const file = path.join(suite.dir, 'apple.mov');
    copyFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mov'), file);
    const { ours, exiftoolCalls } = await both(file, 'Europe/Berlin');
    expect(exiftoolCalls).toBe(0);
    expect(ours.detected).toEqual({ local: '2019-07-24T11:25:40.000', offset: '+03:00' });
    expect(ours.detectedSource).toBe('quicktime-creation-date');
    // The UTC header date, shown in the zone of the movie's GPS position (Keys location, in Israel).
    expect(ours.candidates.find((c) => c.source === 'quicktime-create-date')).toMatchObject({ local: '2019-07-24T11:25:57.000', offset: '+03:00', zone: 'Asia/Jerusalem' });
  });

  it('a large movie is read as it streams through the hash, moov at the end', async () => {
    // A real phone movie (ftyp, mdat, moov) with its mdat grown past the whole-file limit.
    const src = readFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mov'));
    const top = topLevel(src);
    const mdat = top.find((b) => b.type === 'mdat')!;
    const grow = 20 * 1024 * 1024;
    const header = Buffer.alloc(8);
    header.writeUInt32BE(mdat.size + grow, 0);
    header.write('mdat', 4, 'latin1');
    const file = path.join(suite.dir, 'big.mov');
    writeFileSync(
      file,
      Buffer.concat([src.subarray(0, mdat.offset), header, src.subarray(mdat.offset + 8, mdat.offset + mdat.size), Buffer.alloc(grow), src.subarray(mdat.offset + mdat.size)]),
    );
    const { ours, exiftoolCalls, expected } = await both(file, 'UTC');
    expect(exiftoolCalls).toBe(0);
    expect(ours.candidates).toEqual(expected.candidates);
    expect([ours.width, ours.height]).toEqual([expected.width, expected.height]);
  });

  it('a Canon CR3 gives the same candidates and size as ExifTool, its EXIF blocks read by exifr', async () => {
    const rel = 'exiftool/CanonRaw.cr3';
    const file = path.join(suite.dir, 'IMG_0001.CR3');
    copyFileSync(path.join(MEDIA, rel), file);
    for (const timeZone of ['UTC', 'Australia/Adelaide']) {
      const { ours, exiftoolCalls, expected } = await both(file, timeZone);
      expect(exiftoolCalls).toBe(0);
      expect(ours.candidates).toEqual(expected.candidates);
      expect([ours.width, ours.height]).toEqual([expected.width, expected.height]);
      expect(ours.warning).toBeNull();
    }
    const { ours } = await both(file, 'UTC');
    expect(ours.detected).toEqual({ local: '2018-02-21T12:08:56.210', offset: '+00:00' });
    expect(ours.candidates.find((c) => c.source === 'exif-datetime-original')?.raw).toBe(oracle[rel]!.DateTimeOriginal);
    expect([ours.width, ours.height]).toEqual([6000, 4000]);
  });

  it('a CR3 edited in Canon DPP (recipe box) goes to ExifTool', async () => {
    // Same file with its preview box relabelled as DPP's recipe uuid, whose data ExifTool reads.
    const src = Buffer.from(readFileSync(path.join(MEDIA, 'exiftool/CanonRaw.cr3')));
    const at = src.indexOf(Buffer.from('eaf42b5e1c984b88b9fbb7dc406e4d16', 'hex'));
    expect(at).toBeGreaterThan(0);
    Buffer.from('210f1687914911e4811100242131fce4', 'hex').copy(src, at);
    const file = path.join(suite.dir, 'edited.CR3');
    writeFileSync(file, src);
    const { exiftoolCalls } = await both(file, 'UTC');
    expect(exiftoolCalls).toBe(1);
  });

  it('a movie whose sample description table overruns itself goes to ExifTool', async () => {
    const src = Buffer.from(readFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mov')));
    const stsd = src.indexOf('stsd', 0, 'latin1');
    expect(stsd).toBeGreaterThan(0);
    // One more sample description than the table holds.
    src.writeUInt32BE(src.readUInt32BE(stsd + 8) + 1, stsd + 8);
    const file = path.join(suite.dir, 'stsd.mov');
    writeFileSync(file, src);
    const { ours, exiftoolCalls, expected } = await both(file, 'UTC');
    expect(exiftoolCalls).toBe(1);
    // Whatever ExifTool makes of it (it warns about such tables where it reads them) is what the row shows.
    if (expected.problem === null) expect(ours.warning).toBeNull();
    else expect(ours.warning).toContain(expected.problem);
    expect(ours.candidates).toEqual(expected.candidates);
  });

  it('a truncated movie goes to ExifTool, which says what is wrong', async () => {
    // with-gps.mov keeps its moov at the end: cut it short.
    const file = path.join(suite.dir, 'cut.mov');
    const src = readFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mov'));
    writeFileSync(file, src.subarray(0, src.length - 100));
    const { ours, exiftoolCalls, expected } = await both(file, 'UTC');
    expect(exiftoolCalls).toBe(1);
    expect(expected.problem).not.toBeNull();
    expect(ours.warning).toContain(expected.problem);
  });
});

describe('MovieCollector', () => {
  it('finds the same moov as the whole-file walk, whatever the chunk sizes', () => {
    for (const rel of ['metadata-extractor/with-gps.mov', 'metadata-extractor/sample.3gp', 'names/VID_20200229_235959.mp4', 'metadata-extractor/uuid540.mp4', 'exiftool/CanonRaw.cr3']) {
      const file = readFileSync(path.join(MEDIA, rel));
      const whole = findMovie(file);
      for (const step of [1, 7, 13, 4096, 65536]) {
        const c = new MovieCollector();
        for (let i = 0; i < file.length; i += step) c.feed(file.subarray(i, i + step));
        const streamed = c.movie();
        const hex = (p: MovieParts | null): string | null =>
          p === null ? null : `${p.moov.toString('hex')}/${p.xmp?.toString('hex') ?? ''}/${p.otherUuids.join(',')}/${p.brand}`;
        expect(hex(streamed), `${rel} in ${step}-byte chunks`).toBe(hex(whole));
      }
    }
    // uuid540.mp4 ends with an XMP uuid box.
    expect(findMovie(readFileSync(path.join(MEDIA, 'metadata-extractor/uuid540.mp4')))?.xmp?.toString('utf8')).toContain('<x:xmpmeta');
    expect(readMovie(findMovie(readFileSync(path.join(MEDIA, 'metadata-extractor/sample.3gp')))!)).not.toBeNull();
  });

  it('a file that stops inside a box, or has bytes after its last box, is no plain movie', () => {
    const file = readFileSync(path.join(MEDIA, 'metadata-extractor/sample.3gp'));
    const cut = new MovieCollector();
    cut.feed(file.subarray(0, file.length - 1));
    expect(cut.movie()).toBeNull();
    expect(findMovie(file.subarray(0, file.length - 1))).toBeNull();
    const extra = new MovieCollector();
    extra.feed(Buffer.concat([file, Buffer.from([1, 2, 3])]));
    expect(extra.movie()).toBeNull();
  });
});

function topLevel(buf: Buffer): { type: string; offset: number; size: number }[] {
  const out: { type: string; offset: number; size: number }[] = [];
  for (let pos = 0; pos + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(pos);
    out.push({ type: buf.toString('latin1', pos + 4, pos + 8), offset: pos, size });
    pos += size;
  }
  return out;
}

describe('QuickTime reader on damaged files', () => {
  it('never throws: a damaged movie is either read or left to ExifTool', async () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (const rel of ['metadata-extractor/with-gps.mov', 'exiftool/QuickTime.mov', 'metadata-extractor/uuid540.mp4', 'exiftool/CanonRaw.cr3']) {
      const src = readFileSync(path.join(MEDIA, rel));
      for (let i = 0; i < 200; i++) {
        const bytes = Buffer.from(src.subarray(0, i % 2 === 0 ? src.length : rand(src.length)));
        // Flip a few bytes, mostly in the metadata (the moov box is small, the media data large).
        for (let k = 0; k < 3; k++) if (bytes.length > 0) bytes[rand(Math.min(bytes.length, 12000))] = rand(256);
        const parts = findMovie(bytes);
        const c = new MovieCollector();
        c.feed(bytes);
        expect(() => c.movie()).not.toThrow();
        if (parts !== null) {
          expect(() => readMovie(parts)).not.toThrow();
          await expect(readCanonRaw(parts, async () => ({ ifd0: {} }))).resolves.not.toThrow();
        }
      }
    }
  });
});
