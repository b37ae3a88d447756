/**
 * Every format ExifTool reads a date from is listed by the scan and dated by the import: camera
 * raw files of every maker, camcorder and older video containers. Files are corpus copies under
 * each format's name, or built here byte by byte after the format's layout (Minolta MRW, ASF,
 * Matroska) where the corpus has none; ExifTool reads each one as the reference.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { scanFolders } from './scan.js';
import { ffmpegPath } from '../thumbnails/ffmpeg.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const ZONE = 'America/New_York';

/** Raw formats that are TIFF inside: a DNG under their name is what their files look like to a reader. */
const TIFF_RAWS = ['3fr', 'arw', 'cap', 'cr2', 'dcr', 'dcs', 'dng', 'erf', 'fff', 'gpr', 'iiq', 'k25', 'kdc', 'mef', 'mos', 'nef', 'nrw', 'orf', 'ori', 'pef', 'raw', 'rw2', 'rwl', 'sr2', 'srf', 'srw'];

/** The TIFF block (EXIF) of a corpus JPEG. */
function tiffOf(rel: string): Buffer {
  const jpeg = readFileSync(path.join(MEDIA, rel));
  const at = jpeg.indexOf('Exif\0\0', 0, 'latin1');
  const length = jpeg.readUInt16BE(at - 2);
  return jpeg.subarray(at + 6, at - 2 + length);
}

const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** Minolta MRW: `\0MRM`, the length of the blocks, a PRD block (sizes) and a TTW block (TIFF), then the image data. */
function minoltaRaw(): Buffer {
  const prd = Buffer.alloc(24);
  prd.write('21860002', 0, 'latin1');
  prd.writeUInt16BE(8, 8);
  prd.writeUInt16BE(8, 10);
  prd.writeUInt16BE(8, 12);
  prd.writeUInt16BE(8, 14);
  const tiff = tiffOf('exiftool/Canon.jpg');
  const blocks = Buffer.concat([Buffer.from('\0PRD', 'latin1'), u32be(prd.length), prd, Buffer.from('\0TTW', 'latin1'), u32be(tiff.length), tiff]);
  return Buffer.concat([Buffer.from('\0MRM', 'latin1'), u32be(blocks.length), blocks, Buffer.alloc(256)]);
}

const guid = (text: string): Buffer => {
  // ASF GUIDs are stored little-endian in their first three groups.
  const [a, b, c, d, e] = text.split('-') as [string, string, string, string, string];
  const out = Buffer.alloc(16);
  out.writeUInt32LE(parseInt(a, 16), 0);
  out.writeUInt16LE(parseInt(b, 16), 4);
  out.writeUInt16LE(parseInt(c, 16), 6);
  Buffer.from(d + e, 'hex').copy(out, 8);
  return out;
};

/** An ASF (WMV) header holding only its File Properties object, whose creation date is UTC. */
function asf(utc: string): Buffer {
  const props = Buffer.alloc(104);
  guid('8CABDCA1-A947-11CF-8EE4-00C00C205365').copy(props, 0);
  props.writeBigUInt64LE(104n, 16);
  props.writeBigUInt64LE(BigInt(1000), 56);
  // 100 ns steps since 1601-01-01 UTC.
  const since1601 = (BigInt(Date.parse(utc)) + 11_644_473_600_000n) * 10_000n;
  props.writeBigUInt64LE(since1601, 48);
  const header = Buffer.alloc(30);
  guid('75B22630-668E-11CF-A6D9-00AA0062CE6C').copy(header, 0);
  header.writeBigUInt64LE(BigInt(30 + props.length), 16);
  header.writeUInt32LE(1, 24);
  header[28] = 1;
  header[29] = 2;
  return Buffer.concat([header, props]);
}

/** An EBML element: id bytes, a one-byte size (0x80 | n) and the payload. */
const ebml = (id: string, payload: Buffer): Buffer => {
  if (payload.length > 126) throw new Error('payload too long for a one-byte size');
  return Buffer.concat([Buffer.from(id, 'hex'), Buffer.from([0x80 | payload.length]), payload]);
};

/** A Matroska/WebM file with a segment Info holding DateUTC (nanoseconds since 2001, UTC). */
function matroska(docType: 'matroska' | 'webm', utc: string): Buffer {
  const ns = (BigInt(Date.parse(utc)) - BigInt(Date.parse('2001-01-01T00:00:00Z'))) * 1_000_000n;
  const date = Buffer.alloc(8);
  date.writeBigInt64BE(ns);
  const header = ebml('1a45dfa3', Buffer.concat([ebml('4286', Buffer.from([1])), ebml('4282', Buffer.from(docType, 'latin1')), ebml('4287', Buffer.from([4]))]));
  const info = ebml('1549a966', Buffer.concat([ebml('2ad7b1', Buffer.from([0x0f, 0x42, 0x40])), ebml('4461', date)]));
  return Buffer.concat([header, ebml('18538067', info)]);
}

/** An MPEG program stream pack header (what MPG, VOB, MOD and TOD files start with). */
function mpegPs(): Buffer {
  return Buffer.concat([Buffer.from('000001ba4400040004010189c3f8', 'hex'), Buffer.alloc(2048)]);
}

/**
 * A PAL DV clip with its recording date and time in the subcode (what a DV camcorder writes), made
 * by the ffmpeg the app ships (its DV muxer writes `creation_time` there). Built beside the
 * suite's files under a hidden name the scan skips.
 */
function dvClip(out: string): Buffer {
  const ffmpeg = ffmpegPath();
  if (ffmpeg === null) throw new Error('ffmpeg (@ffmpeg-installer/ffmpeg) is missing: npm ci installs it');
  execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=720x576:rate=25', '-t', '0.2',
    '-c:v', 'dvvideo', '-pix_fmt', 'yuv420p', '-metadata', 'creation_time=2010-07-08T09:10:11', '-f', 'dv', out]);
  return readFileSync(out);
}

describe('every format ExifTool dates', () => {
  const suite = exiftoolSuite('mp-formats-');

  /** Writes the files of every format under `dir` and returns their names. */
  const makeAll = (): string[] => {
    const names: string[] = [];
    const put = (name: string, bytes: Buffer): void => {
      writeFileSync(path.join(suite.dir, name), bytes);
      names.push(name);
    };
    const dng = readFileSync(path.join(MEDIA, 'exiftool/DNG.dng'));
    for (const ext of TIFF_RAWS) put(`RAW_0001.${ext.toUpperCase()}`, dng);
    put('PICT0001.MRW', minoltaRaw());
    put('IMG_0001.CR3', readFileSync(path.join(MEDIA, 'exiftool/CanonRaw.cr3')));
    put('DSCF0001.RAF', readFileSync(path.join(MEDIA, 'exiftool/FujiFilm.raf')));
    put('00001.MTS', readFileSync(path.join(MEDIA, 'exiftool/M2TS.mts')));
    put('00002.M2TS', readFileSync(path.join(MEDIA, 'exiftool/M2TS.mts')));
    put('IMGP0001.AVI', readFileSync(path.join(MEDIA, 'exiftool/Pentax.avi')));
    put('clip.3gp', readFileSync(path.join(MEDIA, 'metadata-extractor/sample.3gp')));
    put('clip.3g2', readFileSync(path.join(MEDIA, 'metadata-extractor/sample.3gp')));
    put('clip.wmv', asf('2011-03-04T05:06:07Z'));
    put('clip.asf', asf('2011-03-04T05:06:07Z'));
    put('clip.mkv', matroska('matroska', '2012-05-06T07:08:09Z'));
    put('clip.webm', matroska('webm', '2012-05-06T07:08:09Z'));
    put('tape.dv', dvClip(path.join(suite.dir, '.dv-build.dv')));
    put('MOV001.MPG', mpegPs());
    put('MOV001.MOD', mpegPs());
    return names;
  };

  it('the scan lists every raw and video format, Minolta MRW included', async () => {
    const names = makeAll();
    const found: string[] = [];
    for await (const e of scanFolders([suite.dir])) found.push(path.basename(e.path));
    expect(found.sort()).toEqual([...names].sort());
  });

  it('dates them all as ExifTool reads them', async () => {
    const names = makeAll();
    const expected: Record<string, { local: string; offset: string | null }> = {
      'PICT0001.MRW': { local: '2003-12-04T06:46:52.000', offset: null },
      'IMG_0001.CR3': { local: '2018-02-21T12:08:56.210', offset: '+00:00' },
      'DSCF0001.RAF': { local: '2007-05-22T13:58:30.000', offset: null },
      '00001.MTS': { local: '2008-12-31T23:16:24.000', offset: '+01:00' },
      '00002.M2TS': { local: '2008-12-31T23:16:24.000', offset: '+01:00' },
      'IMGP0001.AVI': { local: '2009-10-27T12:14:00.000', offset: null },
      // 2005:10:28 17:36:40 UTC, in New York.
      'clip.3gp': { local: '2005-10-28T13:36:40.000', offset: '-04:00' },
      'clip.3g2': { local: '2005-10-28T13:36:40.000', offset: '-04:00' },
      // UTC-only container dates land in the configured zone too.
      'clip.wmv': { local: '2011-03-04T00:06:07.000', offset: '-05:00' },
      'clip.asf': { local: '2011-03-04T00:06:07.000', offset: '-05:00' },
      'clip.mkv': { local: '2012-05-06T03:08:09.000', offset: '-04:00' },
      'clip.webm': { local: '2012-05-06T03:08:09.000', offset: '-04:00' },
      // A DV tape's recording date and time: local, as the camcorder's clock showed it.
      'tape.dv': { local: '2010-07-08T09:10:11.000', offset: null },
    };
    for (const ext of TIFF_RAWS) expected[`RAW_0001.${ext.toUpperCase()}`] = { local: '2005-08-03T18:59:18.000', offset: '-04:00' }; // (the offset from its XMP twin)
    for (const name of names) {
      const c = await compareWithExiftool(suite.exiftool, path.join(suite.dir, name), suite.dir, ZONE);
      const essentials = (list: typeof c.ours.candidates) => list.map(({ source, local, offset, plausible }) => ({ source, local, offset, plausible }));
      expect(essentials(c.ours.candidates), name).toEqual(essentials(c.reference.candidates));
      if (name.endsWith('.MPG') || name.endsWith('.MOD')) {
        // MPEG program streams carry no date ExifTool reads: listed, hashed, left undated.
        expect(c.ours.mediaType, name).toBe('video');
        expect(c.ours.detected, name).toBeNull();
        continue;
      }
      expect(c.ours.detected, name).toEqual(expected[name]);
    }
  });
});
