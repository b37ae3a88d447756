import { describe, expect, it } from 'vitest';
import type { DateCandidate } from '../../../shared/types.js';
import { emptyMetadataDates, type MetadataDates } from './metadata-dates.js';
import { utcToZone } from '../../../shared/capture-time.js';
import { buildCandidates, chooseCaptureTime, implausibility, parseMetaDate, subSecToMs } from './timestamps.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const OPTS = { timeZone: 'UTC', useFileDatesAsLastResort: false, nowMs: NOW };
const MTIME = Date.parse('2024-02-10T08:00:00Z');

function meta(over: Partial<MetadataDates>): MetadataDates {
  return { ...emptyMetadataDates(), ...over };
}

function pick(m: Partial<MetadataDates>, name = 'file.jpg', opts: Partial<typeof OPTS> = {}) {
  const o = { ...OPTS, ...opts };
  const candidates = buildCandidates(meta(m), name, MTIME, o);
  return { candidates, ...chooseCaptureTime(candidates, o) };
}

describe('parseMetaDate', () => {
  it('parses EXIF, XMP and zoned values, keeping local time as stored', () => {
    expect(parseMetaDate('2019:05:14 10:30:00')).toEqual({ local: '2019-05-14T10:30:00.000', offset: null, hasFraction: false });
    expect(parseMetaDate('2013-07-05T03:18:27Z')).toMatchObject({ local: '2013-07-05T03:18:27.000', offset: '+00:00' });
    expect(parseMetaDate('2012:02:11 14:17:08.253+01:00')).toMatchObject({ local: '2012-02-11T14:17:08.253', offset: '+01:00', hasFraction: true });
    expect(parseMetaDate('2006:10:29 06:27:51-05:00')).toMatchObject({ local: '2006-10-29T06:27:51.000', offset: '-05:00' });
    expect(parseMetaDate('2020:01:05 15:04Z')).toMatchObject({ local: '2020-01-05T15:04:00.000', offset: '+00:00' });
  });
  it('ignores placeholders, blanks and impossible dates', () => {
    for (const raw of ['0000:00:00 00:00:00', '    :  :     :  :  ', ':  :     :  :', '', '2019:13:01 10:00:00', '2019:02:30 10:00:00', '2019:01:01 25:00:00']) {
      expect(parseMetaDate(raw), raw).toBeNull();
    }
  });
});

describe('subSecToMs', () => {
  it('reads sub-seconds as a decimal fraction', () => {
    expect(subSecToMs('054')).toBe(54);
    expect(subSecToMs('0532')).toBe(53);
    expect(subSecToMs('009')).toBe(9);
    expect(subSecToMs('023460')).toBe(23);
    expect(subSecToMs('21')).toBe(210);
    expect(subSecToMs(948)).toBe(948);
    expect(subSecToMs('abc')).toBeNull();
  });
});

describe('utcToZone (UTC-only video dates in the configured zone)', () => {
  it('gives the local wall-clock time and offset, across daylight-saving changes', () => {
    expect(utcToZone(Date.UTC(2025, 0, 1, 3, 0, 0), 'America/New_York')).toEqual({ local: '2024-12-31T22:00:00.000', offset: '-05:00' });
    expect(utcToZone(Date.UTC(2024, 6, 1, 12, 0, 0), 'America/New_York')).toEqual({ local: '2024-07-01T08:00:00.000', offset: '-04:00' });
    expect(utcToZone(Date.UTC(2024, 2, 31, 1, 30, 0, 250), 'Europe/Paris')).toEqual({ local: '2024-03-31T03:30:00.250', offset: '+02:00' });
    expect(utcToZone(Date.UTC(2024, 5, 1), 'Asia/Kolkata')).toEqual({ local: '2024-06-01T05:30:00.000', offset: '+05:30' });
  });
  it('answers null for an unknown zone', () => {
    expect(utcToZone(0, 'Not/AZone')).toBeNull();
  });
});

describe('implausibility', () => {
  it('flags too early, future and camera defaults; keeps old scans', () => {
    expect(implausibility({ local: '1825-12-31T23:59:59.000', offset: null }, NOW)).toBe('too-early');
    expect(implausibility({ local: '1826-01-01T00:00:00.000', offset: null }, NOW)).toBeNull();
    expect(implausibility({ local: '1998-07-04T00:00:00.000', offset: null }, NOW)).toBeNull();
    expect(implausibility({ local: '2026-11-29T12:00:00.000', offset: null }, NOW)).toBe('future');
    expect(implausibility({ local: '2026-11-27T12:00:00.000', offset: null }, NOW)).toBeNull();
    expect(implausibility({ local: '1970-01-01T00:00:00.000', offset: null }, NOW)).toBe('camera-default');
    expect(implausibility({ local: '2002-12-08T12:00:00.000', offset: null }, NOW)).toBe('camera-default');
    expect(implausibility({ local: '2000-01-01T00:00:00.000', offset: null }, NOW)).toBe('camera-default');
    expect(implausibility({ local: '1980-01-01T00:00:00.000', offset: null }, NOW)).toBe('camera-default');
    expect(implausibility({ local: '2002-12-08T12:00:01.000', offset: null }, NOW)).toBeNull();
  });
});

describe('chooseCaptureTime', () => {
  it('DateTimeOriginal wins, with SubSecTimeOriginal and OffsetTimeOriginal', () => {
    const r = pick({
      dateTimeOriginal: '2021:07:10 20:39:25',
      subSecTimeOriginal: '77',
      offsetTimeOriginal: '+01:00',
      offsetTime: '+02:00',
      createDate: '2021:07:10 20:39:25',
      modifyDate: '2021:07:11 19:29:14',
    });
    expect(r.source).toBe('exif-datetime-original');
    expect(r.detected).toEqual({ local: '2021-07-10T20:39:25.770', offset: '+01:00' });
    expect(r.confidence).toBe('medium');
  });

  it('a camera default CreateDate never beats a real DateTimeOriginal, nor lowers confidence', () => {
    const r = pick({ dateTimeOriginal: '2018:07:16 17:52:22', createDate: '2002:12:08 12:00:00' });
    expect(r.detected?.local).toBe('2018-07-16T17:52:22.000');
    expect(r.confidence).toBe('medium');
    expect(r.candidates.find((c) => c.source === 'exif-create-date')).toMatchObject({ plausible: false, note: expect.stringMatching(/^camera-default: 8 December 2002, 12:00 /) });
  });

  it('a camera default alone dates nothing', () => {
    const r = pick({ modifyDate: '1970:01:01 00:00:00' });
    expect(r.detected).toBeNull();
    expect(r.confidence).toBe('none');
  });

  it('placeholder DateTimeOriginal falls back to a real ModifyDate (low confidence)', () => {
    const r = pick({ dateTimeOriginal: '0000:00:00 00:00:00', createDate: '0000:00:00 00:00:00', modifyDate: '2023:04:05 09:06:56' });
    expect(r.source).toBe('exif-modify-date');
    expect(r.detected?.local).toBe('2023-04-05T09:06:56.000');
    expect(r.confidence).toBe('low');
    expect(r.candidates.some((c) => c.source === 'exif-datetime-original')).toBe(false);
  });

  it('a future date is ignored', () => {
    const r = pick({ dateTimeOriginal: '2030:11:24 14:41:16', modifyDate: '2008:07:31 17:32:06' });
    expect(r.source).toBe('exif-modify-date');
    expect(r.candidates.find((c) => c.source === 'exif-datetime-original')?.note).toMatch(/^future: /);
  });

  it('scans from before 2000 keep their dates', () => {
    const r = pick({}, 'scan_1998_07_04.tif');
    expect(r.detected?.local).toBe('1998-07-04T00:00:00.000');
    expect(r.source).toBe('filename-date');
    const old = pick({ dateTimeOriginal: '1999:12:06 16:38:40' });
    expect(old.detected?.local).toBe('1999-12-06T16:38:40.000');
  });

  it('converts QuickTime UTC dates to the configured zone: New York 22:00 on 31 Dec stays 2024-12-31', () => {
    const r = pick({ quickTimeCreateDate: '2025:01:01 03:00:00' }, 'clip.mov', { timeZone: 'America/New_York' });
    expect(r.source).toBe('quicktime-create-date');
    expect(r.detected).toEqual({ local: '2024-12-31T22:00:00.000', offset: '-05:00' });
  });

  it("Apple's CreationDate keeps its own offset and outranks the header dates", () => {
    const r = pick(
      { quickTimeCreationDate: '2019:07:24 11:25:40+03:00', quickTimeCreateDate: '2019:07:24 08:25:57', quickTimeMediaCreateDate: '2019:07:24 08:25:57' },
      'IMG_1234.MOV',
      { timeZone: 'Europe/Berlin' },
    );
    expect(r.source).toBe('quicktime-creation-date');
    expect(r.detected).toEqual({ local: '2019-07-24T11:25:40.000', offset: '+03:00' });
    expect(r.confidence).toBe('high');
  });

  it('zeroed QuickTime dates fall to the file name', () => {
    const zero = '0000:00:00 00:00:00';
    const r = pick({ quickTimeCreateDate: zero, quickTimeMediaCreateDate: zero, quickTimeTrackCreateDate: zero }, 'VID_20200229_235959.mp4');
    expect(r.source).toBe('filename-datetime');
    expect(r.detected).toEqual({ local: '2020-02-29T23:59:59.000', offset: null });
    expect(r.confidence).toBe('low');
  });

  it('order: CreateDate > XMP > QuickTime > file name with time > ModifyDate > date-only name', () => {
    const all: Partial<MetadataDates> = {
      createDate: '2010:01:01 10:00:00',
      xmp: [{ tag: 'XMP-xmp:CreateDate', value: '2011-01-01T10:00:00' }],
      quickTimeCreateDate: '2012:01:01 10:00:00',
      modifyDate: '2014:01:01 10:00:00',
    };
    expect(pick(all, 'IMG_20130101_100000.jpg').source).toBe('exif-create-date');
    expect(pick({ ...all, createDate: undefined }, 'IMG_20130101_100000.jpg').source).toBe('xmp-date');
    expect(pick({ ...all, createDate: undefined, xmp: [] }, 'IMG_20130101_100000.jpg').source).toBe('quicktime-create-date');
    expect(pick({ modifyDate: all.modifyDate }, 'IMG_20130101_100000.jpg').source).toBe('filename-datetime');
    expect(pick({ modifyDate: all.modifyDate }, 'IMG-20130101-WA0001.jpg').source).toBe('exif-modify-date');
    expect(pick({}, 'IMG-20130101-WA0001.jpg').source).toBe('filename-date');
  });

  it('HIGH when an independent source agrees within 30 s; LOW when sources conflict', () => {
    expect(pick({ dateTimeOriginal: '2019:05:14 10:30:00' }, 'IMG_20190514_103020.jpg').confidence).toBe('high');
    expect(pick({ dateTimeOriginal: '2019:05:14 10:30:00' }, 'IMG_20190514_103100.jpg').confidence).toBe('low');
    // DateTimeOriginal and CreateDate come from one writer: agreement alone is not independent.
    expect(pick({ dateTimeOriginal: '2019:05:14 10:30:00', createDate: '2019:05:14 10:30:00' }).confidence).toBe('medium');
    // ...but their disagreement is a conflict.
    expect(pick({ dateTimeOriginal: '2023:02:02 02:00:00', createDate: '2023:04:04 04:00:00' }).confidence).toBe('low');
    // The mtime agreeing (camera card copied as-is) is an independent witness.
    expect(pick({ dateTimeOriginal: '2024:02:10 08:00:10' }).confidence).toBe('high');
  });

  it('a time-zone shift between a UTC video date and a local file name is no conflict', () => {
    const r = pick({ quickTimeCreateDate: '2019:06:18 18:11:55' }, 'VID_20190618_201155.mp4', { timeZone: 'UTC' });
    expect(r.source).toBe('quicktime-create-date');
    expect(r.confidence).toBe('medium');
  });

  it('the mtime is always a candidate but dates a file only as a last resort', () => {
    const r = pick({}, 'DSC_0042.JPG');
    expect(r.detected).toBeNull();
    expect(r.confidence).toBe('none');
    const mtime = r.candidates.find((c) => c.source === 'file-mtime');
    expect(mtime).toMatchObject({ local: '2024-02-10T08:00:00.000', offset: '+00:00', plausible: true });

    const last = pick({}, 'DSC_0042.JPG', { useFileDatesAsLastResort: true, timeZone: 'Europe/Berlin' });
    expect(last.source).toBe('file-mtime');
    expect(last.detected).toEqual({ local: '2024-02-10T09:00:00.000', offset: '+01:00' });
    expect(last.confidence).toBe('low');
  });

  it('the PNG text "Creation Time" is kept but never dates a file', () => {
    const r = pick({ pngCreationTime: '2007:02:13 06:34:38' }, 'density_plot.png');
    expect(r.detected).toBeNull();
    expect(r.candidates.map((c: DateCandidate) => c.source)).toContain('png-creation-time');
  });

  it('an XMP date without zone borrows the offset of an IPTC twin', () => {
    const r = pick({
      xmp: [
        { tag: 'XMP-photoshop:DateCreated', value: '2022-01-10T15:15:44.31' },
        { tag: 'IPTC:DateCreated+TimeCreated', value: '2022:01:10 15:15:44-04:00' },
      ],
    });
    expect(r.detected).toEqual({ local: '2022-01-10T15:15:44.310', offset: '-04:00' });
  });

  it('nothing found: undated, confidence none', () => {
    const r = pick({}, 'IMG_0001.JPG');
    expect(r).toMatchObject({ detected: null, source: null, confidence: 'none' });
  });
});
