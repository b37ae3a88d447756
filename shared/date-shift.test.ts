import { describe, expect, it } from 'vitest';
import { formatShiftOffset, parseShiftOffset, SESSION_GAP_MS, sessionOf, shiftLocal, type SessionFile } from './date-shift.js';

const H = 3_600_000;
const ms = (text: string): number | string => {
  const r = parseShiftOffset(text);
  return r.ok ? r.ms : r.message;
};

describe('parseShiftOffset', () => {
  it('reads signed amounts of days, hours, minutes and seconds', () => {
    expect(ms('+1h')).toBe(H);
    expect(ms('-8h')).toBe(-8 * H);
    expect(ms('+1d 2h 3m')).toBe(24 * H + 2 * H + 3 * 60_000);
    expect(ms('1d2h3m4s')).toBe(26 * H + 3 * 60_000 + 4000);
    expect(ms('-1h30m')).toBe(-1.5 * H);
    expect(ms('  90m ')).toBe(1.5 * H);
    expect(ms('+1H 5M')).toBe(H + 5 * 60_000);
    expect(ms('+0d 0h 45s')).toBe(45_000);
    expect(ms('- 2h')).toBe(-2 * H);
  });

  it('reads offsets written like time zones', () => {
    expect(ms('-08:00')).toBe(-8 * H);
    expect(ms('+5:30')).toBe(5.5 * H);
    expect(ms('0:00:30')).toBe(30_000);
  });

  it('refuses what it cannot read exactly', () => {
    for (const bad of ['', '+', 'h', '1', '1.5h', '1w', '+1h -2m', '2m 1h', '1h 1h', '1 hour', '--1h', '+1h+', '12:60', '1d 2x']) {
      expect(typeof ms(bad), bad).toBe('string');
    }
    expect(ms('1h 1h')).toMatch(/at most once/);
    expect(ms('+36600d')).toMatch(/100 years/);
  });

  it('zero is zero, whatever its sign', () => {
    expect(ms('-0m')).toBe(0);
    expect(Object.is(ms('-0m'), -0)).toBe(false);
  });

  it('formats back to text it reads to the same amount', () => {
    for (const amount of [H, -8 * H, 26 * H + 3 * 60_000, -(90 * 60_000 + 5000), 45_000, 0]) {
      const text = formatShiftOffset(amount);
      expect(ms(text), text).toBe(amount);
    }
    expect(formatShiftOffset(26 * H + 3 * 60_000)).toBe('+1d 2h 3m');
    expect(formatShiftOffset(-8 * H)).toBe('-8h');
    expect(formatShiftOffset(0)).toBe('0m');
  });
});

describe('shiftLocal', () => {
  it('moves the wall clock across days, months, years and leap days', () => {
    expect(shiftLocal('2024-12-31T22:00:00.000', 3 * H)).toBe('2025-01-01T01:00:00.000');
    expect(shiftLocal('2024-03-01T01:00:00.250', -2 * H)).toBe('2024-02-29T23:00:00.250');
    expect(shiftLocal('2023-03-01T01:00:00.000', -2 * H)).toBe('2023-02-28T23:00:00.000');
  });

  it('refuses to leave the years 1..9999', () => {
    expect(shiftLocal('9999-12-31T23:00:00.000', 2 * H)).toBeNull();
    expect(shiftLocal('0001-01-01T01:00:00.000', -2 * H)).toBeNull();
  });
});

describe('sessionOf', () => {
  const f = (id: number, local: string | null, cameraModel: string | null = 'Cam', folder = '/trip'): SessionFile => ({
    id,
    local: local === null ? null : `${local}.000`,
    cameraModel,
    folder,
  });

  it('follows one camera in one folder while no gap exceeds a day', () => {
    const files = [
      f(1, '2020-05-01T10:00:00'),
      f(2, '2020-05-01T18:00:00'),
      f(3, '2020-05-02T09:00:00'), // overnight: same session
      f(4, '2020-05-04T09:00:00'), // two days of silence: another outing
      f(5, '2020-05-01T12:00:00', 'Phone'), // another camera meanwhile
      f(6, '2020-05-01T12:00:00', 'Cam', '/home'), // same camera, another folder
      f(7, null), // undated: nothing to correct
      f(8, '2020-04-29T09:00:00'), // two days before
    ];
    expect(sessionOf(2, files)).toEqual([1, 2, 3]);
    expect(sessionOf(4, files)).toEqual([4]);
    expect(sessionOf(8, files)).toEqual([8]);
    expect(sessionOf(5, files)).toEqual([5]);
  });

  it('ends a session only at a gap strictly longer than the limit', () => {
    const files = [f(1, '2020-05-01T10:00:00'), f(2, '2020-05-02T10:00:00'), f(3, '2020-05-03T10:00:01')];
    expect(SESSION_GAP_MS).toBe(24 * H);
    expect(sessionOf(1, files)).toEqual([1, 2]);
    expect(sessionOf(3, files)).toEqual([3]);
    expect(sessionOf(1, files, 25 * H)).toEqual([1, 2, 3]);
  });

  it('treats files without a model as one unknown camera, apart from the named ones', () => {
    const files = [f(1, '2020-05-01T10:00:00', null), f(2, '2020-05-01T11:00:00', null), f(3, '2020-05-01T10:30:00', 'Cam')];
    expect(sessionOf(1, files)).toEqual([1, 2]);
  });

  it('an undated or unknown anchor gives only itself, or nothing', () => {
    expect(sessionOf(7, [f(7, null), f(1, '2020-05-01T10:00:00')])).toEqual([7]);
    expect(sessionOf(99, [f(1, '2020-05-01T10:00:00')])).toEqual([]);
  });
});
