import { describe, expect, it } from 'vitest';
import { datesFromExiftool } from './exiftool-dates.js';

describe('datesFromExiftool', () => {
  it('takes EXIF tags from any group in ExifTool order, but ModifyDate from IFD0 and ExifIFD only', () => {
    const { dates } = datesFromExiftool({
      'Canon:ModifyDate': '2001:01:01 00:00:00',
      'ExifIFD:DateTimeDigitized': '2002:02:02 00:00:00',
      'ExifIFD:CreateDate': '2003:03:03 00:00:00',
      'IFD0:ModifyDate': '2004:04:04 00:00:00',
      'ExifIFD:OffsetTimeOriginal': '+02:00',
    });
    expect(dates).toMatchObject({ createDate: '2002:02:02 00:00:00', modifyDate: '2004:04:04 00:00:00', offsetTimeOriginal: '+02:00' });
  });
});
