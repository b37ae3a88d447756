import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatEta } from './format.js';

describe('formatEta', () => {
  it.each([
    [null, null],
    [-1, null],
    [Number.NaN, null],
    [0, 'less than a minute left'],
    [59, 'less than a minute left'],
    [60, '1 min left'],
    [180, '3 min left'],
    [3569, '59 min left'],
    [3590, '1 h left'],
    [3900, '1 h 5 min left'],
    [26 * 3600 + 120, '26 h 2 min left'],
  ])('%s s -> %s', (seconds, text) => {
    expect(formatEta(seconds)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [5, '5 bytes'],
    [999, '999 bytes'],
    [1000, '1.0 KB'],
    [1536, '1.5 KB'],
    [250_000_000, '250 MB'],
    [2_000_000_000, '2.0 GB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%s -> %s (decimal units, the same in every front end)', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatCount', () => {
  it('separates thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
