import { describe, expect, it } from 'vitest';
import { formatCaptureTime, parseCaptureTime } from './capture-time.js';

describe('parseCaptureTime: dates known only in part', () => {
  it('accepts a day, a month or a year and keeps what is known', () => {
    expect(parseCaptureTime('1987-12-25')).toEqual({ local: '1987-12-25T00:00:00.000', offset: null, precision: 'day' });
    expect(parseCaptureTime(' 1987-12 ')).toEqual({ local: '1987-12-01T00:00:00.000', offset: null, precision: 'month' });
    expect(parseCaptureTime('1987')).toEqual({ local: '1987-01-01T00:00:00.000', offset: null, precision: 'year' });
  });

  it('refuses impossible partial dates', () => {
    expect(parseCaptureTime('1987-13')).toBeNull();
    expect(parseCaptureTime('1987-02-30')).toBeNull();
    expect(parseCaptureTime('87-12-25')).toBeNull();
  });

  it('a full date and time has no precision mark', () => {
    expect(parseCaptureTime('1987-12-25T10:11:12')).toEqual({ local: '1987-12-25T10:11:12.000', offset: null });
  });

  it('writes back only what is known', () => {
    for (const text of ['1987-12-25', '1987-12', '1987', '1987-12-25T10:11:12+01:00']) {
      const ct = parseCaptureTime(text);
      expect(ct && formatCaptureTime(ct)).toBe(text);
    }
  });
});
