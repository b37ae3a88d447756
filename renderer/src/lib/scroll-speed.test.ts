import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_MS, createScrollSpeedTracker, isScrollingFast } from './scroll-speed.js';

describe('scroll speed', () => {
  afterEach(() => vi.useRealTimers());

  function tracker() {
    vi.useFakeTimers();
    let t = 0;
    const tr = createScrollSpeedTracker(() => t);
    return { tr, advance: (ms: number) => ((t += ms), vi.advanceTimersByTime(ms)) };
  }

  it('is fast while a fling covers more than a screen and a half in 200 ms, and slow once it settles', () => {
    const { tr, advance } = tracker();
    let top = 0;
    for (let i = 0; i < 4; i++) {
      tr.onScroll((top += 500), 800);
      advance(40);
    }
    expect(isScrollingFast()).toBe(true);
    advance(SETTLE_MS - 41);
    expect(isScrollingFast()).toBe(true);
    advance(2);
    expect(isScrollingFast()).toBe(false);
    tr.dispose();
  });

  it('is slow again as soon as a fling slows down', () => {
    const { tr, advance } = tracker();
    let top = 0;
    for (let i = 0; i < 4; i++) {
      tr.onScroll((top += 500), 800);
      advance(40);
    }
    expect(isScrollingFast()).toBe(true);
    for (let i = 0; i < 12 && isScrollingFast(); i++) {
      tr.onScroll((top += 20), 800);
      advance(30);
    }
    expect(isScrollingFast()).toBe(false);
    tr.dispose();
  });

  it('is not fast for a slow scroll, nor for one jump however far', () => {
    const { tr, advance } = tracker();
    let top = 0;
    for (let i = 0; i < 20; i++) {
      tr.onScroll((top += 40), 800);
      advance(16);
    }
    expect(isScrollingFast()).toBe(false);
    advance(1000);
    tr.onScroll(90_000, 800);
    expect(isScrollingFast()).toBe(false);
    tr.dispose();
  });
});
