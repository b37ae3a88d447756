import { describe, expect, it, vi } from 'vitest';
import { memoLast } from './memo-last.js';

describe('memoLast', () => {
  it('answers a repeated call from memory and computes again when any argument changes', () => {
    const fn = vi.fn((list: number[], n: number) => list.map((x) => x * n));
    const memo = memoLast(fn);
    const list = [1, 2];
    const first = memo(list, 2);
    expect(memo(list, 2)).toBe(first);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(memo(list, 3)).toEqual([3, 6]);
    expect(memo([1, 2], 3)).toEqual([3, 6]);
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
