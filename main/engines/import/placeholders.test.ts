/**
 * Placeholders are not dates: the epochs and the dates cameras write when their clock was never
 * set are kept for the review, marked with the reason, and date nothing unless an independent
 * source states the same moment. Files made with ExifTool in a temp folder.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite, exiftoolWrite } from '../../../test-support/exiftool-reference.js';

const MEDIA = path.join(CORPUS_DIR, 'media');

describe('placeholder dates', () => {
  const suite = exiftoolSuite('mp-placeholders-');

  const photo = (name: string, args: string[]): string => {
    const file = path.join(suite.dir, name);
    copyFileSync(path.join(MEDIA, 'elodie/no-exif.jpg'), file);
    exiftoolWrite(file, args);
    return file;
  };
  const movie = (name: string, args: string[]): string => {
    const file = path.join(suite.dir, name);
    copyFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mp4'), file);
    exiftoolWrite(file, ['-UserData:GPSCoordinates=', ...args]);
    return file;
  };
  const read = async (file: string, timeZone = 'America/New_York') => {
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, timeZone);
    // (exifr keeps XMP values ISO-styled in `raw`; the dates themselves must be the same.)
    const essentials = (list: typeof c.ours.candidates) => list.map(({ source, local, offset, plausible, note }) => ({ source, local, offset, plausible, note }));
    expect(essentials(c.ours.candidates)).toEqual(essentials(c.reference.candidates));
    return c.ours;
  };

  for (const [year, stamp] of [
    ['1900', '1900:01:01 00:00:00'],
    ['1970', '1970:01:01 00:00:00'],
    ['1980', '1980:01:01 00:00:00'],
    ['2000', '2000:01:01 00:00:00'],
    ['a camera default', '2002:12:08 12:00:00'],
  ] as const) {
    it(`EXIF ${stamp} (${year}) dates nothing and says why`, async () => {
      const f = await read(photo(`p-${year.replaceAll(' ', '-')}.jpg`, [`-EXIF:DateTimeOriginal=${stamp}`, `-EXIF:CreateDate=${stamp}`, `-XMP-xmp:CreateDate=${stamp}`]));
      expect(f.detected).toBeNull();
      expect(f.confidence).toBe('none');
      const dto = f.candidates.find((c) => c.source === 'exif-datetime-original')!;
      expect(dto).toMatchObject({ plausible: false, note: expect.stringMatching(/^camera-default: .* clock was never set/) });
      // The XMP copy of the same placeholder does not vouch for it.
      expect(f.candidates.find((c) => c.source === 'xmp-date')?.plausible).toBe(false);
    });
  }

  it('a placeholder DateTimeOriginal gives way to a real date elsewhere in the file', async () => {
    const f = await read(photo('p-modify.jpg', ['-EXIF:DateTimeOriginal=1900:01:01 00:00:00', '-EXIF:ModifyDate=2015:06:01 10:11:12']));
    expect(f).toMatchObject({ detected: { local: '2015-06-01T10:11:12.000', offset: null }, detectedSource: 'exif-modify-date' });
    expect(f.candidates.find((c) => c.source === 'exif-datetime-original')?.note).toMatch(/^camera-default: 1 January 1900, 00:00/);
  });

  it("a movie's UTC header holding midnight 1 January 2000 is a placeholder wherever the zone moves it", async () => {
    const f = await read(movie('m-2000.mp4', ['-QuickTime:CreateDate=2000:01:01 00:00:00', '-QuickTime:TrackCreateDate=2000:01:01 00:00:00', '-QuickTime:MediaCreateDate=2000:01:01 00:00:00']));
    const header = f.candidates.find((c) => c.source === 'quicktime-create-date')!;
    expect(header).toMatchObject({ local: '1999-12-31T19:00:00.000', plausible: false, note: expect.stringMatching(/^camera-default: 1 January 2000, 00:00/) });
    expect(f.detected).toBeNull();
  });

  it('an independent source stating the same moment makes it a real date (New Year 2000 filmed)', async () => {
    const f = await read(
      movie('m-2000-real.mp4', [
        '-QuickTime:CreateDate=2000:01:01 00:00:00',
        '-QuickTime:TrackCreateDate=2000:01:01 00:00:00',
        '-QuickTime:MediaCreateDate=2000:01:01 00:00:00',
        '-UserData:ContentCreateDate=2000-01-01T00:00:00+0000',
      ]),
      'UTC',
    );
    expect(f.detected).toEqual({ local: '2000-01-01T00:00:00.000', offset: '+00:00' });
    expect(f.detectedSource).toBe('quicktime-content-create-date');
    expect(f.confidence).toBe('high');
    expect(f.candidates.find((c) => c.source === 'quicktime-create-date')).toMatchObject({ plausible: true, note: expect.stringMatching(/placeholder, but/) });
  });
});
