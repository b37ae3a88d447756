/**
 * Google Takeout: `photoTakenTime` from the JSON beside each file dates files that have no date
 * of their own. JSON files made in a temp folder, next to corpus copies.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportedFile, ImportWorkerData, ImportWorkerMessage } from '../../protocol/workers.js';
import { runImport } from '../../workers/import-worker.js';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { findTakeoutJson } from './takeout.js';

const MEDIA = path.join(CORPUS_DIR, 'media');

describe('findTakeoutJson', () => {
  const find = (media: string, ...json: string[]) => findTakeoutJson(media, new Set(json))?.name ?? null;
  it('finds every naming form Takeout uses', () => {
    expect(find('IMG_1.jpg', 'IMG_1.jpg.json')).toBe('IMG_1.jpg.json');
    expect(find('IMG_1.jpg', 'IMG_1.jpg.supplemental-metadata.json')).toBe('IMG_1.jpg.supplemental-metadata.json');
    expect(find('IMG_1(1).jpg', 'IMG_1.jpg.json', 'IMG_1.jpg(1).json')).toBe('IMG_1.jpg(1).json');
    expect(find('IMG_1(1).jpg', 'IMG_1.jpg.supplemental-metadata(1).json')).toBe('IMG_1.jpg.supplemental-metadata(1).json');
    expect(find('IMG_1-edited.jpg', 'IMG_1.jpg.json')).toBe('IMG_1.jpg.json');
    // Cut to 51 characters: the supplemental suffix, or the media name itself.
    expect(find('Screenshot_2017-07-05-10-05-26.png', 'Screenshot_2017-07-05-10-05-26.png.supplementa.json')).toBe('Screenshot_2017-07-05-10-05-26.png.supplementa.json');
    expect(find('D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg', 'D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json')).toBe('D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json');
    // `(38)` is part of this name, not a duplicate's counter.
    expect(find('Urlaub in Knaufspesch in der Schneifel (38).JPG', 'Urlaub in Knaufspesch in der Schneifel (38).JP.json')).toBe('Urlaub in Knaufspesch in der Schneifel (38).JP.json');
    const long = 'Screenshot_20200101-120000_Some_Really_Long_Application_Name.jpg';
    expect(find(long, `${long.slice(0, 46)}.json`)).toBe(`${long.slice(0, 46)}.json`);
    expect(find(`${long.slice(0, -4)}(2).jpg`, `${long.slice(0, 43)}(2).json`)).toBe(`${long.slice(0, 43)}(2).json`);
  });
  it("never takes another file's JSON", () => {
    expect(find('IMG_10.jpg', 'IMG_1.jpg.json', 'IMG_1.json')).toBeNull();
    expect(find('IMG_1.jpg', 'IMG_1(1).jpg.json')).toBeNull();
    expect(find('IMG_1(1).jpg', 'IMG_1.jpg(2).json')).toBeNull();
    expect(find('IMG_1.jpg', 'metadata.json', 'print-subscriptions.json')).toBeNull();
  });
});

describe('Takeout dates in an import', () => {
  let dir: string;
  const byName = new Map<string, ImportedFile>();
  const messages: ImportWorkerMessage[] = [];
  const taken = (iso: string, title: string, geo: [number, number] = [0, 0]) =>
    JSON.stringify({
      title,
      description: '',
      creationTime: { timestamp: '1700000000', formatted: 'upload time, not the capture' },
      photoTakenTime: { timestamp: String(Date.parse(iso) / 1000), formatted: iso },
      geoData: { latitude: geo[0], longitude: geo[1], altitude: 0, latitudeSpan: 0, longitudeSpan: 0 },
    });
  const long = 'WhatsApp Image 2019-06-01 sent by a friend with a long name.jpeg';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mp-takeout-'));
    const undated = path.join(MEDIA, 'elodie/no-exif.jpg');
    const put = (name: string, json: string, jsonText: string, from = undated): void => {
      copyFileSync(from, path.join(dir, name));
      writeFileSync(path.join(dir, json), jsonText);
    };
    put('IMG_1.jpg', 'IMG_1.jpg.json', taken('2020-01-01T12:00:00Z', 'IMG_1.jpg'));
    put('IMG_2.jpg', 'IMG_2.jpg.supplemental-metadata.json', taken('2020-02-02T12:00:00Z', 'IMG_2.jpg'));
    put('IMG_1(1).jpg', 'IMG_1.jpg(1).json', taken('2020-03-03T12:00:00Z', 'IMG_1.jpg'));
    put(long, `${long}.supplemental-metadata.json`.slice(0, 46) + '.json', taken('2020-04-04T12:00:00Z', long));
    // A cut name whose title is another file's: not this file's date.
    put('IMG_3.jpg', 'IMG_3.jpg.json', taken('2020-05-05T12:00:00Z', 'IMG_3.jpg'));
    const other = 'Another long file name that Takeout had to cut short.jpg';
    put(other, `${other}.supplemental-metadata.json`.slice(0, 46) + '.json', taken('2020-06-06T12:00:00Z', 'Another long file name that is something else.jpg'));
    // A photo with its own capture date keeps it.
    put('Canon.jpg', 'Canon.jpg.json', taken('2021-07-07T12:00:00Z', 'Canon.jpg'), path.join(MEDIA, 'exiftool/Canon.jpg'));
    writeFileSync(path.join(dir, 'metadata.json'), '{"title":"Album"}');
    const data: ImportWorkerData = {
      kind: 'import',
      control: new SharedArrayBuffer(4),
      roots: [dir],
      options: { timeZone: 'America/New_York', useFileDatesAsLastResort: false },
      skipPaths: [],
    };
    await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
    for (const m of messages) if (m.type === 'file') byName.set(m.file.name, m.file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the media only, not the JSON files', () => {
    expect([...byName.keys()].sort()).toEqual(['Another long file name that Takeout had to cut short.jpg', 'Canon.jpg', 'IMG_1(1).jpg', 'IMG_1.jpg', 'IMG_2.jpg', 'IMG_3.jpg', long].sort());
    expect(messages.filter((m) => m.type === 'file-failed')).toEqual([]);
  });

  it('dates undated files from photoTakenTime, in every naming form, with high confidence', () => {
    for (const [name, local] of [
      ['IMG_1.jpg', '2020-01-01T07:00:00.000'],
      ['IMG_2.jpg', '2020-02-02T07:00:00.000'],
      ['IMG_1(1).jpg', '2020-03-03T07:00:00.000'],
      [long, '2020-04-04T08:00:00.000'],
      ['IMG_3.jpg', '2020-05-05T08:00:00.000'],
    ] as const) {
      const f = byName.get(name)!;
      expect(f.detectedSource, name).toBe('takeout-photo-taken');
      expect(f.detected?.local, name).toBe(local);
      expect(f.confidence, name).toBe('high');
    }
  });

  it("ignores a cut JSON name whose title is another file's", () => {
    const f = byName.get('Another long file name that Takeout had to cut short.jpg')!;
    expect(f.detected).toBeNull();
    expect(f.candidates.some((c) => c.source === 'takeout-photo-taken')).toBe(false);
  });

  it('a date the file states itself wins; the Takeout date stays a candidate', () => {
    const f = byName.get('Canon.jpg')!;
    expect(f.detectedSource).toBe('exif-datetime-original');
    expect(f.candidates.some((c) => c.source === 'takeout-photo-taken')).toBe(true);
  });
});
