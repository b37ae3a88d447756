import { describe, expect, it } from 'vitest';
import { cardRowAt, layoutTimeline, suspicion, verticalMove } from './timeline-layout.js';

const day = (d: string | null, count: number, extra = {}) => ({ day: d, count, fileTimeOnly: 0, unsure: 0, placeholder: 0, ...extra });

describe('timeline layout', () => {
  const days = [day('2019-12-31', 7), day('2020-01-01', 2, { placeholder: 2 }), day('2020-01-05', 1), day(null, 3)];
  const layout = layoutTimeline(13, 5, days);

  it('puts month and day headers over card rows that never mix two days, undated last', () => {
    expect(layout.rows.map((r) => (r.kind === 'cards' ? `${r.start}-${r.end}` : r.kind))).toEqual([
      'month', 'day', '0-5', '5-7',
      'month', 'day', '7-9', 'day', '9-10',
      'month', '10-13',
    ]);
    expect(layout.years).toEqual([
      { year: '2019', row: 0 },
      { year: '2020', row: 4 },
      { year: 'No date', row: 9 },
    ]);
  });

  it('moves up and down by card row in the same column, across day headers', () => {
    expect(cardRowAt(layout, 6)).toBe(1);
    expect(verticalMove(layout, 1, 1)).toBe(6);
    expect(verticalMove(layout, 3, 1)).toBe(6); // the row below is shorter: its last card
    expect(verticalMove(layout, 6, 1)).toBe(8);
    expect(verticalMove(layout, 8, -1)).toBe(6);
    expect(verticalMove(layout, 12, 9)).toBe(12);
  });

  it('falls back to plain rows when the days do not add up to the list (not loaded, or changed)', () => {
    const flat = layoutTimeline(13, 5, [day('2020-01-01', 4)]);
    expect(flat.rows.every((r) => r.kind === 'cards')).toBe(true);
    expect(flat.rows).toHaveLength(3);
    expect(layoutTimeline(0, 5, null).rows).toEqual([]);
  });

  it('says why a day is suspicious', () => {
    expect(suspicion(day('2020-01-01', 2, { placeholder: 2 }))).toMatch(/placeholder/);
    expect(suspicion(day('2020-01-01', 2, { fileTimeOnly: 1, unsure: 1 }))).toMatch(/file time.*disagree/);
    expect(suspicion(day('2020-01-01', 2))).toBeNull();
  });
});
