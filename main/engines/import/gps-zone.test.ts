/**
 * Time zone from GPS: a UTC-only instant (a video's header date, Takeout's photoTakenTime) is
 * shown in the zone of the file's GPS position, else in the configured zone; the candidate says
 * which zone and why. GPS-tagged copies made with ExifTool in a temp folder, each also read by
 * ExifTool alone.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, readOracle } from '../../../test-support/corpus-fixture.js';
import { compareWithExiftool, exiftoolSuite, exiftoolWrite } from '../../../test-support/exiftool-reference.js';
import { parseIso6709 } from './metadata-dates.js';
import { scanFolders } from './scan.js';
import { analyzeFile } from './analyze-file.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const NEW_YORK = 'America/New_York';
const UTC = '2020:11:20 14:04:36';

describe('ISO 6709 positions', () => {
  it('reads the forms ExifTool reads', () => {
    expect(parseIso6709('+35.6895+139.6917/')).toEqual({ latitude: 35.6895, longitude: 139.6917 });
    expect(parseIso6709('-33.8688+151.2093+012.000/')).toEqual({ latitude: -33.8688, longitude: 151.2093 });
    expect(parseIso6709('+5125.014-00004.836/')).toEqual({ latitude: 51 + 25.014 / 60, longitude: -(4.836 / 60) });
    expect(parseIso6709('+0000.0000+00000.0000/')).toBeUndefined();
    expect(parseIso6709('somewhere')).toBeUndefined();
  });
});

describe('UTC-only dates in the zone of the GPS position', () => {
  const suite = exiftoolSuite('mp-gps-zone-');

  const movie = (name: string, from: string, args: string[]): string => {
    const file = path.join(suite.dir, name);
    copyFileSync(path.join(MEDIA, from), file);
    exiftoolWrite(file, [`-QuickTime:CreateDate=${UTC}`, `-QuickTime:TrackCreateDate=${UTC}`, `-QuickTime:MediaCreateDate=${UTC}`, ...args]);
    return file;
  };

  it('an Android-style MP4 (UserData ©xyz) filmed in Tokyo is filed at Tokyo time, read without ExifTool', async () => {
    const file = movie('tokyo.mp4', 'metadata-extractor/with-gps.mp4', ['-UserData:GPSCoordinates=35.6895, 139.6917']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.exiftoolCalls).toBe(0);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours.detected).toEqual({ local: '2020-11-20T23:04:36.000', offset: '+09:00' });
    expect(c.ours.candidates.find((x) => x.source === 'quicktime-create-date')).toMatchObject({
      zone: 'Asia/Tokyo',
      zoneReason: 'GPS position 35.6895, 139.6917',
    });
  });

  it('an iPhone-style MOV (Keys location) filmed in Sydney is filed at Sydney time', async () => {
    const file = movie('sydney.mov', 'exiftool/QuickTime.mov', ['-Keys:GPSCoordinates=-33.8688, 151.2093']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    // 14:04:36 UTC on 20 November is 01:04:36 the next day in Sydney (summer time, +11:00).
    expect(c.ours.detected).toEqual({ local: '2020-11-21T01:04:36.000', offset: '+11:00' });
  });

  it('with the setting off, or without a position, the configured zone is used, and the candidate says why', async () => {
    const file = movie('tokyo-off.mp4', 'metadata-extractor/with-gps.mp4', ['-UserData:GPSCoordinates=35.6895, 139.6917']);
    const off = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK, { useGpsTimeZone: false });
    expect(off.ours.candidates).toEqual(off.reference.candidates);
    expect(off.ours.detected).toEqual({ local: '2020-11-20T09:04:36.000', offset: '-05:00' });
    expect(off.ours.candidates.find((x) => x.source === 'quicktime-create-date')).toMatchObject({
      zone: NEW_YORK,
      zoneReason: 'configured time zone (time zone from GPS is turned off)',
    });
    const none = movie('nowhere.mp4', 'metadata-extractor/with-gps.mp4', ['-UserData:GPSCoordinates=']);
    const c = await compareWithExiftool(suite.exiftool, none, suite.dir, NEW_YORK);
    expect(c.ours.detected).toEqual({ local: '2020-11-20T09:04:36.000', offset: '-05:00' });
    expect(c.ours.candidates.find((x) => x.source === 'quicktime-create-date')?.zoneReason).toBe('configured time zone (the file has no GPS position)');
  });

  it('a local time stated with its offset is never moved by the position', async () => {
    const file = movie('stated.mp4', 'metadata-extractor/with-gps.mp4', ['-UserData:GPSCoordinates=35.6895, 139.6917', '-UserData:ContentCreateDate=2020-11-20T15:04:02+0100']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.ours.detected).toEqual({ local: '2020-11-20T15:04:02.000', offset: '+01:00' });
  });

  it("a photo with no date but its GPS clock is dated by the GPS time, in the zone of its position; exifr reads it as ExifTool does", async () => {
    const file = path.join(suite.dir, 'gps-only.jpg');
    copyFileSync(path.join(MEDIA, 'elodie/no-exif.jpg'), file);
    exiftoolWrite(file, ['-GPSLatitude=35.6895', '-GPSLatitudeRef=N', '-GPSLongitude=139.6917', '-GPSLongitudeRef=E', '-GPSDateStamp=2020:11:20', '-GPSTimeStamp=14:04:36.5']);
    const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
    expect(c.exiftoolCalls).toBe(0);
    expect(c.ours.candidates).toEqual(c.reference.candidates);
    expect(c.ours).toMatchObject({ detected: { local: '2020-11-20T23:04:36.500', offset: '+09:00' }, detectedSource: 'gps-date-time', confidence: 'medium' });
  });

  it('every corpus photo with a GPS clock or position gives the same GPS candidates through exifr as through ExifTool', async () => {
    let withGps = 0;
    for (const rel of Object.keys(readOracle()).filter((r) => /\.(jpe?g|heic|dng|nef|cr2|rw2)$/i.test(r))) {
      const file = path.join(suite.dir, rel.replaceAll('/', '__'));
      copyFileSync(path.join(MEDIA, rel), file);
      const c = await compareWithExiftool(suite.exiftool, file, suite.dir, NEW_YORK);
      const gpsOf = (list: typeof c.ours.candidates) => list.filter((x) => x.source === 'gps-date-time' || x.zone !== undefined);
      expect(gpsOf(c.ours.candidates), rel).toEqual(gpsOf(c.reference.candidates));
      if (gpsOf(c.ours.candidates).length > 0) withGps++;
    }
    expect(withGps).toBeGreaterThan(5);
  });

  it("Takeout's photoTakenTime lands in the zone of the photo's EXIF GPS, else of Google's geoData", async () => {
    const dir = path.join(suite.dir, 'takeout');
    mkdirSync(dir);
    const json = (title: string, geo: [number, number]) =>
      JSON.stringify({ title, photoTakenTime: { timestamp: String(Date.parse('2020-11-20T14:04:36Z') / 1000) }, geoData: { latitude: geo[0], longitude: geo[1] } });
    // A photo without dates but with an EXIF position in Paris; its JSON says Tokyo.
    const paris = path.join(dir, 'paris.jpg');
    copyFileSync(path.join(MEDIA, 'elodie/no-exif.jpg'), paris);
    exiftoolWrite(paris, ['-GPSLatitude=48.8566', '-GPSLatitudeRef=N', '-GPSLongitude=2.3522', '-GPSLongitudeRef=E']);
    writeFileSync(`${paris}.json`, json('paris.jpg', [35.6895, 139.6917]));
    // No position in the file: Google's geoData (Tokyo) names the zone.
    copyFileSync(path.join(MEDIA, 'elodie/no-exif.jpg'), path.join(dir, 'tokyo.jpg'));
    writeFileSync(path.join(dir, 'tokyo.jpg.json'), json('tokyo.jpg', [35.6895, 139.6917]));
    const got = new Map<string, { local: string; offset: string | null } | null>();
    for await (const entry of scanFolders([dir])) {
      const r = await analyzeFile(entry, { timeZone: NEW_YORK, useFileDatesAsLastResort: false }, { exiftool: suite.exiftool });
      if (r.ok) got.set(r.value.name, r.value.detected);
    }
    expect(got.get('paris.jpg')).toEqual({ local: '2020-11-20T15:04:36.000', offset: '+01:00' });
    expect(got.get('tokyo.jpg')).toEqual({ local: '2020-11-20T23:04:36.000', offset: '+09:00' });
  });
});
