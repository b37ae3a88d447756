import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite } from '../../../test-support/exiftool-reference.js';
import { readWithExiftool } from './exiftool-dates.js';
import { exiftoolEnv } from './exiftool-process.js';
import { convertXmpDate, xmpDatesLikeExiftool } from './xmp-dates.js';

const MEDIA = path.join(CORPUS_DIR, 'media');

const xmpPacket = (body: string, ns = 'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"'): string =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ${ns} ${body}</rdf:Description></rdf:RDF></x:xmpmeta>`;

describe('convertXmpDate', () => {
  it('turns XMP dates into EXIF style as ExifTool does', () => {
    expect(convertXmpDate('2020-01-05T15:04Z')).toBe('2020:01:05 15:04Z');
    expect(convertXmpDate('2020-01-05T15:04:05.25+02:00')).toBe('2020:01:05 15:04:05.25+02:00');
    expect(convertXmpDate('2020-01-05')).toBe('2020:01:05');
    expect(convertXmpDate('2020')).toBe('2020');
    expect(convertXmpDate('yesterday')).toBe('yesterday');
  });
});

describe('xmpDatesLikeExiftool', () => {
  it('reads the four capture dates, in the import’s order, as attributes or elements', () => {
    const xmp = xmpPacket(
      'xmp:CreateDate="2021-03-04T05:06:07"><photoshop:DateCreated>2021-03-04</photoshop:DateCreated><exif:DateTimeOriginal>2021-03-04T05:06:07.5+01:00</exif:DateTimeOriginal><exif:DateTimeDigitized>2021-03-04T05:06:08</exif:DateTimeDigitized>',
    );
    expect(xmpDatesLikeExiftool(xmp)).toEqual([
      { tag: 'XMP-photoshop:DateCreated', value: '2021:03:04' },
      { tag: 'XMP-exif:DateTimeOriginal', value: '2021:03:04 05:06:07.5+01:00' },
      { tag: 'XMP-xmp:CreateDate', value: '2021:03:04 05:06:07' },
      { tag: 'XMP-exif:DateTimeDigitized', value: '2021:03:04 05:06:08' },
    ]);
  });

  it('goes by namespace URI, not prefix (old files write xap:)', () => {
    expect(xmpDatesLikeExiftool(xmpPacket('xap:CreateDate="2008-09-12T11:17:39-04:00">', 'xmlns:xap="http://ns.adobe.com/xap/1.0/"'))).toEqual([
      { tag: 'XMP-xmp:CreateDate', value: '2008:09:12 11:17:39-04:00' },
    ]);
    expect(xmpDatesLikeExiftool(xmpPacket('xmp:Rating="5">'))).toEqual([]);
  });

  it('leaves to ExifTool what it would count differently: other namespaces, repeats, structures', () => {
    // ExifTool names an unknown namespace's property after its local name: it would count.
    expect(xmpDatesLikeExiftool(xmpPacket('foo:CreateDate="2021-03-04">', 'xmlns:foo="http://example.com/foo/"'))).toBeNull();
    expect(xmpDatesLikeExiftool(xmpPacket('xmp:DateCreated="2021-03-04">'))).toBeNull();
    expect(xmpDatesLikeExiftool(xmpPacket('><xmp:CreateDate>2021-03-04</xmp:CreateDate><xmp:CreateDate>2021-03-05</xmp:CreateDate>'))).toBeNull();
    expect(xmpDatesLikeExiftool(xmpPacket('><xmp:CreateDate><rdf:Alt><rdf:li>2021-03-04</rdf:li></rdf:Alt></xmp:CreateDate>'))).toBeNull();
  });
});

describe('xmpDatesLikeExiftool against ExifTool (corpus files with one XMP packet)', () => {
  let exiftool: ExifTool;
  beforeAll(() => {
    exiftool = new ExifTool({ maxProcs: 1, useMWG: false, exiftoolEnv: exiftoolEnv() });
  });
  afterAll(async () => {
    await exiftool.end();
  });

  it('finds the XMP dates ExifTool finds', async () => {
    let compared = 0;
    let withDates = 0;
    for (const rel of Object.keys(readOracle()).sort()) {
      const bytes = readFileSync(path.join(MEDIA, rel));
      const start = bytes.indexOf('<x:xmpmeta', 0, 'latin1');
      if (start < 0 || bytes.indexOf('<x:xmpmeta', start + 1, 'latin1') >= 0 || bytes.indexOf('HasExtendedXMP', 0, 'latin1') >= 0) continue;
      const end = bytes.indexOf('</x:xmpmeta>', start, 'latin1');
      if (end < 0) continue;
      const ours = xmpDatesLikeExiftool(bytes.toString('utf8', start, end + '</x:xmpmeta>'.length));
      if (ours === null) continue;
      const theirs = (await readWithExiftool(exiftool, path.join(MEDIA, rel))).dates.xmp.filter((x) => x.tag.startsWith('XMP-'));
      expect(ours, rel).toEqual(theirs);
      compared++;
      if (ours.length > 0) withDates++;
    }
    expect(compared).toBeGreaterThanOrEqual(10);
    expect(withDates).toBeGreaterThanOrEqual(3);
  });
});

describe('GIF and WebP XMP without ExifTool', () => {
  const suite = exiftoolSuite('mp-xmp-');

  /** A WebP (RIFF chunks) with its XMP chunk replaced by `packet`, the RIFF size fixed up. */
  function webpWithXmp(src: Buffer, packet: string): Buffer {
    const chunks: Buffer[] = [];
    for (let pos = 12; pos + 8 <= src.length; ) {
      const type = src.toString('latin1', pos, pos + 4);
      const size = src.readUInt32LE(pos + 4);
      const end = pos + 8 + size + (size & 1);
      if (type !== 'XMP ') chunks.push(src.subarray(pos, end));
      pos = end;
    }
    const body = Buffer.from(packet, 'utf8');
    const header = Buffer.alloc(8);
    header.write('XMP ', 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    chunks.push(header, body, Buffer.alloc(body.length & 1));
    const riff = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'), ...chunks]);
    riff.writeUInt32LE(riff.length - 8, 4);
    return riff;
  }

  // (A WebP whose EXIF block has its DateTimeOriginal, such as immich/denali.webp, is read by
  // exifr alone, as before: its XMP is not consulted.)
  for (const rel of ['exiftool/GIF.gif', 'exiftool/RIFF.webp']) {
    it(`${rel}: its XMP is read here, with the same candidates and size as ExifTool gives`, async () => {
      const src = readFileSync(path.join(MEDIA, rel));
      const variants: [string, Buffer][] = [[path.basename(rel), src]];
      if (rel.endsWith('.webp')) {
        const packet = `<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?>${xmpPacket('xmp:CreateDate="2019-05-14T10:30:00+02:00">')}<?xpacket end='w'?>`;
        variants.push([`dated-${path.basename(rel)}`, webpWithXmp(src, packet)]);
      }
      for (const [name, bytes] of variants) {
        const file = path.join(suite.dir, name);
        writeFileSync(file, bytes);
        const { ours, exiftoolCalls, reference } = await compareWithExiftool(suite.exiftool, file, suite.dir, 'UTC');
        expect(exiftoolCalls, name).toBe(0);
        expect(ours.candidates, name).toEqual(reference.candidates);
        expect([ours.width, ours.height], name).toEqual([reference.width, reference.height]);
        if (name.startsWith('dated-')) expect(ours.candidates.find((c) => c.source === 'xmp-date'), name).toMatchObject({ local: '2019-05-14T10:30:00.000', offset: '+02:00' });
      }
    });
  }
});
