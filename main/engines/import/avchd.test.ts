import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { readAvchd } from './avchd.js';
import { readWithExiftool } from './exiftool-dates.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const oracle = readOracle();
const CLIPS = Object.keys(oracle)
  .filter((rel) => /\.(mts|m2ts)$/i.test(rel))
  .sort();
const MDPM = Buffer.from('17ee8c60f84d11d98cd60800200c9a664d44504d', 'hex');

/** The corpus clip's MDPM records: [offset of the tag byte, tag] (they need no emulation bytes). */
function records(clip: Buffer): { at: number; tag: number }[] {
  const i = clip.indexOf(MDPM);
  const out = [];
  for (let k = 0, p = i + 21; k < clip[i + 20]!; k++, p += 5) out.push({ at: p, tag: clip[p]! });
  return out;
}

describe('AVCHD reader against ExifTool', () => {
  const suite = exiftoolSuite('mp-avchd-');
  let n = 0;

  /** Writes the clip, analyses it both ways; the import must match ExifTool whichever reader ran. */
  const check = async (bytes: Buffer, expectExiftool?: boolean) => {
    const file = path.join(suite.dir, `0000${++n}.MTS`);
    writeFileSync(file, bytes);
    let calls = 0;
    for (const timeZone of ['UTC', 'America/New_York']) {
      const c = await compareWithExiftool(suite.exiftool, file, suite.dir, timeZone);
      expect({ n, candidates: c.ours.candidates, width: c.ours.width, height: c.ours.height, model: c.ours.cameraModel }).toEqual({
        n,
        candidates: c.reference.candidates,
        width: c.reference.width,
        height: c.reference.height,
        model: (await readWithExiftool(suite.exiftool, file)).dates.cameraModel ?? null,
      });
      // Read here only where ExifTool would have nothing to warn about.
      if (c.exiftoolCalls === 0) expect(c.reference.problem, `clip ${n}`).toBeNull();
      if (expectExiftool !== undefined) expect(c.exiftoolCalls, `clip ${n}`).toBe(expectExiftool ? 1 : 0);
      calls += c.exiftoolCalls;
    }
    return { file, calls };
  };
  const corpusClip = (): Buffer => Buffer.from(readFileSync(path.join(MEDIA, CLIPS[0]!)));

  it('reads every corpus AVCHD clip without ExifTool, with its date (zone included) and size', async () => {
    expect(CLIPS.length).toBeGreaterThanOrEqual(1);
    for (const rel of CLIPS) {
      const { file } = await check(Buffer.from(readFileSync(path.join(MEDIA, rel))), false);
      const c = await compareWithExiftool(suite.exiftool, file, suite.dir, 'America/New_York');
      expect(c.ours.candidates.find((x) => x.source === 'exif-datetime-original')?.raw ?? null, rel).toBe(oracle[rel]!.DateTimeOriginal ?? null);
      expect([c.ours.width, c.ours.height]).toEqual([oracle[rel]!.ImageWidth, oracle[rel]!.ImageHeight]);
    }
  });

  it('reads the zone, half hours and the DST flag of the MDPM date as ExifTool does', async () => {
    for (const tz of [0x6b, 0x00, 0x40, 0x21, 0x1e]) {
      const clip = corpusClip();
      const date = records(clip).find((r) => r.tag === 0x18)!;
      clip[date.at + 1] = tz;
      await check(clip, false);
    }
  });

  it('reads a Sony model, and no model where the maker is not Sony (as ExifTool)', async () => {
    for (const make of [0x0108, 0x1011]) {
      const clip = corpusClip();
      const recs = records(clip);
      const makeRec = recs.find((r) => r.tag === 0xe0)!;
      clip.writeUInt16BE(make, makeRec.at + 1);
      const last = recs.at(-1)!;
      clip[last.at] = 0xe4;
      clip.write('HDR\0', last.at + 1, 'latin1');
      await check(clip, false);
      const read = readAvchd(clip, true);
      expect(read?.dates.cameraModel).toBe(make === 0x0108 ? 'HDR' : undefined);
    }
  });

  it('leaves to ExifTool what it does not reproduce: GPS records, records out of order, MPEG-2 streams', async () => {
    const gps = corpusClip();
    gps[records(gps).find((r) => r.tag === 0x70)!.at] = 0xb0;
    await check(gps, true);
    const unordered = corpusClip();
    unordered[records(unordered).find((r) => r.tag === 0x70)!.at] = 0x10;
    await check(unordered, true);
    const mpeg2 = corpusClip();
    // The PMT's video stream type (0x1b) as MPEG-2 video; its CRC is not checked.
    const pmtVideo = mpeg2.indexOf(Buffer.from([0x1b, 0xf0, 0x11]), 192);
    mpeg2[pmtVideo] = 0x02;
    await check(mpeg2, true);
  });

  it('agrees with ExifTool on every truncation of the clip (whole files), and never throws', async () => {
    const clip = corpusClip();
    let inProcess = 0;
    for (let cut = 700; cut < clip.length; cut += 61) {
      const { calls } = await check(clip.subarray(0, cut));
      if (calls === 0) inProcess++;
    }
    // Cuts that still hold the whole first access unit are read here.
    expect(inProcess).toBeGreaterThan(0);
    for (let cut = 0; cut <= clip.length; cut++) expect(() => readAvchd(clip.subarray(0, cut), true)).not.toThrow();
  });

  it('agrees with ExifTool on damaged clips (bytes overwritten across the headers and the stream)', async () => {
    const clip = corpusClip();
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 24; i++) {
      const bad = Buffer.from(clip);
      const at = Math.floor(random() * bad.length);
      bad[at] = Math.floor(random() * 256);
      await check(bad);
    }
    for (let at = 0; at < clip.length; at++) {
      const bad = Buffer.from(clip);
      bad[at] = bad[at]! ^ 0xff;
      expect(() => readAvchd(bad, true)).not.toThrow();
    }
  });

  it('reads a large clip from its head when the scan ends within it, else gives it to ExifTool', async () => {
    const clip = corpusClip();
    // The corpus clip ends before ExifTool has seen each stream twice: its packets again (a
    // new access unit of each stream) let the scan end before the end of the file.
    const longer = Buffer.concat([clip, clip.subarray(3 * 192)]);
    await check(longer, false);
    expect(readAvchd(longer, false)?.dates.dateTimeOriginal).toBe(oracle[CLIPS[0]!]!.DateTimeOriginal);
    // As the head of a larger file, the corpus clip alone leaves the scan unfinished.
    expect(readAvchd(clip, false)).toBeNull();
  });
});
