/**
 * A source that states the local time with its offset (Apple CreationDate, `©day`, EXIF with
 * OffsetTime*, XMP with a zone) beats a UTC-only header date moved into a zone. Files are made
 * with ExifTool in a temp folder; each is also read by ExifTool alone, to show the faster reader
 * changes nothing.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite, exiftoolWrite } from '../../../test-support/exiftool-reference.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const NEW_YORK = 'America/New_York';

describe('local time with its offset beats a UTC-only date', () => {
  const suite = exiftoolSuite('mp-local-time-');

  /** A copy of a corpus MP4 without its GPS position, every header date set to `utc`, plus `extra` tags. */
  const movie = (name: string, utc: string, extra: string[]): string => {
    const file = path.join(suite.dir, name);
    copyFileSync(path.join(MEDIA, 'metadata-extractor/with-gps.mp4'), file);
    exiftoolWrite(file, [
      '-UserData:GPSCoordinates=',
      `-QuickTime:CreateDate=${utc}`,
      `-QuickTime:TrackCreateDate=${utc}`,
      `-QuickTime:MediaCreateDate=${utc}`,
      ...extra,
    ]);
    return file;
  };

  it("the issue's MP4: UTC CreateDate and ©day with +0100 are filed at the wall clock where it was filmed", async () => {
    const file = movie('day.mp4', '2020:11:20 14:04:36', ['-UserData:ContentCreateDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.exiftoolCalls).toBe(0);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours).toMatchObject({
      detected: { local: '2020-11-20T15:04:02.000', offset: '+01:00' },
      detectedSource: 'quicktime-content-create-date',
      // 34 s apart as instants: the same clip, two independent writers.
      confidence: 'high',
    });
    // The UTC date stays visible, in the configured zone.
    expect(c.ours.candidates.find((x) => x.source === 'quicktime-create-date')).toMatchObject({ local: '2020-11-20T09:04:36.000', offset: '-05:00' });
  });

  it('©day in an iTunes-style item list counts the same, read without ExifTool', async () => {
    const file = movie('itemlist.mp4', '2020:11:20 14:04:36', ['-ItemList:ContentCreateDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.exiftoolCalls).toBe(0);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours.detected).toEqual({ local: '2020-11-20T15:04:02.000', offset: '+01:00' });
  });

  it('a header written in local time instead of UTC differs by the offset only: no doubt', async () => {
    const file = movie('local-header.mp4', '2020:11:20 15:04:36', ['-UserData:ContentCreateDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours).toMatchObject({ detected: { local: '2020-11-20T15:04:02.000', offset: '+01:00' }, confidence: 'high' });
  });

  it('when they disagree by more than a few minutes beyond the offset, the local time still wins with low confidence and both stay', async () => {
    const file = movie('disagree.mp4', '2020:11:20 18:31:00', ['-UserData:ContentCreateDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours).toMatchObject({ detected: { local: '2020-11-20T15:04:02.000', offset: '+01:00' }, confidence: 'low' });
    expect(c.ours.candidates.map((x) => x.source)).toEqual(
      expect.arrayContaining(['quicktime-content-create-date', 'quicktime-create-date', 'quicktime-media-create-date']),
    );
  });

  it('an Apple CreationDate with its offset beats the UTC header too', async () => {
    const file = movie('apple.mov', '2020:11:20 14:04:36', ['-Keys:CreationDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours).toMatchObject({ detected: { local: '2020-11-20T15:04:02.000', offset: '+01:00' }, detectedSource: 'quicktime-creation-date' });
  });

  it('XMP with a zone beats the UTC header', async () => {
    const file = movie('xmp.mp4', '2020:11:20 14:04:36', ['-XMP-xmp:CreateDate=2020-11-20T15:04:02+01:00']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours).toMatchObject({ detected: { local: '2020-11-20T15:04:02.000', offset: '+01:00' }, detectedSource: 'xmp-date' });
  });

  it('an AVCHD clip flagged as summer time keeps its offset as written', async () => {
    // The M2TS's MDPM block: tag 0x18's first byte is the zone (bit 0x40: summer time).
    const bytes = readFileSync(path.join(MEDIA, 'exiftool/M2TS.mts'));
    const at = bytes.indexOf('MDPM', 0, 'latin1');
    expect(bytes[at + 5]).toBe(0x18);
    bytes[at + 6] = bytes[at + 6]! | 0x40;
    const file = path.join(suite.dir, '00001.MTS');
    writeFileSync(file, bytes);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.candidates.find((x) => x.source === 'exif-datetime-original')?.raw).toBe('2008:12:31 23:16:24+01:00 DST');
    expect(c.ours).toMatchObject({ detected: { local: '2008-12-31T23:16:24.000', offset: '+01:00' }, mediaType: 'video' });
  });
});
