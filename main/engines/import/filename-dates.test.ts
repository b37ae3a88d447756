import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFileNameDate } from './filename-dates.js';
import { CORPUS_DIR } from '../../../test-support/corpus.js';

const CORPUS = CORPUS_DIR;

describe('parseFileNameDate', () => {
  const cases: [string, string | null, boolean?][] = [
    ['IMG_20190514_103000.jpg', '2019-05-14T10:30:00.000'],
    ['VID_20200229_235959.mp4', '2020-02-29T23:59:59.000'],
    ['PXL_20230102_153012345.jpg', '2023-01-02T15:30:12.345'],
    ['PXL_20230102_153012345.NIGHT.jpg', '2023-01-02T15:30:12.345'],
    ['IMG-20180101-WA0012.jpg', '2018-01-01T00:00:00.000', true],
    ['VID-20210606-WA0003.mp4', '2021-06-06T00:00:00.000', true],
    ['WhatsApp Image 2021-03-04 at 12.30.45.jpeg', '2021-03-04T12:30:45.000'],
    ['Screenshot_2021-07-04-18-30-00.png', '2021-07-04T18:30:00.000'],
    ['Screenshot 2021-07-04 at 18.30.00.png', '2021-07-04T18:30:00.000'],
    ['Screen Shot 2019-01-02 at 3.04.05 PM.png', '2019-01-02T15:04:05.000'],
    ['Screen Shot 2019-01-02 at 12.04.05 AM.png', '2019-01-02T00:04:05.000'],
    ['Screen Shot 2019-01-02 at 12.04.05 PM.png', '2019-01-02T12:04:05.000'],
    ['Screenshot_20220315-081530.png', '2022-03-15T08:15:30.000'],
    ['2016-03-04 12.13.14.jpg', '2016-03-04T12:13:14.000'],
    ['signal-2022-11-30-101010.jpg', '2022-11-30T10:10:10.000'],
    ['20190514_103000.jpg', '2019-05-14T10:30:00.000'],
    ['photo_2020-10-10_10-10-10.jpg', '2020-10-10T10:10:10.000'],
    ['MVIMG_20190618_201155.jpg', '2019-06-18T20:11:55.000'],
    ['PANO_20180808_080808.jpg', '2018-08-08T08:08:08.000'],
    ['scan_1998_07_04.tif', '1998-07-04T00:00:00.000', true],
    ['animation 2019-09-09.gif', '2019-09-09T00:00:00.000', true],
    // not dates
    ['IMG_20191332_250000.jpg', null],
    ['IMG_20190230_101010.jpg', null],
    ['IMG_20190514_253000.jpg', null],
    ['Screen Shot 2019-01-02 at 13.04.05 PM.png', null],
    ['IMG_0001.JPG', null],
    ['DSC_0042.JPG', null],
    ['holiday.jpg', null],
    ['12345678901234.jpg', null],
  ];
  it.each(cases)('%s -> %s', (name, expected, dateOnly = false) => {
    const got = parseFileNameDate(name);
    if (expected === null) {
      expect(got).toBeNull();
      return;
    }
    expect(got).not.toBeNull();
    expect(got!.local).toBe(expected);
    expect(got!.dateOnly).toBe(dateOnly);
    expect(name).toContain(got!.raw);
  });

  it('reads every name in the corpus names.tsv as the hand-written reading says', () => {
    const rows = readFileSync(`${CORPUS}/names.tsv`, 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(21);
    for (const row of rows) {
      const [path, , reading] = row.split('\t');
      const name = path!.slice(path!.lastIndexOf('/') + 1);
      const got = parseFileNameDate(name);
      if (reading === '-') {
        expect(got, name).toBeNull();
        continue;
      }
      const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2})(\.\d{3})?)?( \(date only\))?$/.exec(reading!);
      expect(m, reading).not.toBeNull();
      const expectedLocal = `${m![1]}T${m![2] ?? '00:00:00'}${m![3] ?? '.000'}`;
      expect(got?.local, name).toBe(expectedLocal);
      expect(got?.dateOnly, name).toBe(m![4] !== undefined);
    }
  });
});
