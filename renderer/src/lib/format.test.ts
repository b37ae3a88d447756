import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatTimestamp, precisionLabel, toInputValue, validateDateInput } from './format.js';

describe('validateDateInput', () => {
  it('rejects a day that does not exist', () => {
    const r = validateDateInput('2021-02-30T10:00:00');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/does not exist/);
  });

  it('rejects text that is not a date', () => {
    expect(validateDateInput('yesterday').ok).toBe(false);
    expect(validateDateInput('').ok).toBe(false);
  });

  it('accepts a real date and normalises a space separator', () => {
    expect(validateDateInput(' 2020-02-29 23:59:59 ')).toEqual({ ok: true, value: '2020-02-29T23:59:59' });
  });
});

describe('dates known only in part', () => {
  it('accepts a day, a month or a year for a scan and shows what is known', () => {
    expect(validateDateInput('1987-12-25')).toEqual({ ok: true, value: '1987-12-25' });
    expect(validateDateInput('1987-12')).toEqual({ ok: true, value: '1987-12' });
    expect(validateDateInput('1987')).toEqual({ ok: true, value: '1987' });
    expect(validateDateInput('1987-02-30').ok).toBe(false);
    expect(formatTimestamp('1987-12')).toBe('1987-12');
    expect(toInputValue('1987-12-25')).toBe('1987-12-25');
    expect(precisionLabel('1987-12-25')).toMatch(/day/);
    expect(precisionLabel('1987')).toMatch(/year/);
    expect(precisionLabel('1987-12-25T10:00:00')).toBeNull();
  });
});

describe('formatting', () => {
  it('formats sizes, time left and timestamps for people', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5)).toBe('5 bytes');
    expect(formatEta(30)).toBe('less than a minute left');
    expect(formatEta(3 * 3600 + 600)).toBe('3 h 10 min left');
    expect(formatEta(null)).toMatch(/working out/);
    expect(formatTimestamp('2024-12-31T22:00:00-05:00')).toBe('2024-12-31 22:00:00 (UTC-05:00)');
    expect(formatTimestamp(null)).toBe('No date');
    expect(toInputValue('2024-12-31T22:00:00.500+01:00')).toBe('2024-12-31T22:00:00');
  });
});
