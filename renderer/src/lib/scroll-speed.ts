/**
 * Whether the library grid is being flung faster than anyone can look at it. Cards that appear
 * during such a scroll wait for it to slow down before they ask for their thumbnail, as photo
 * apps (and Flutter's ScrollAwareImageProvider) do: otherwise every card that flies past costs a
 * request, a thumbnail rendered on the server and an image decoded, all for nothing, and that work
 * competes for the CPU with the frames of the scroll itself.
 */
import { useSyncExternalStore } from 'react';

/** A scroll is fast when it covered this many screen heights within WINDOW_MS... */
export const FAST_SCREENS = 1.5;
export const WINDOW_MS = 200;
/** ...and slow again once it covers less than this many (it slowed down), or no scroll event came for SETTLE_MS. */
export const SLOW_SCREENS = 0.5;
export const SETTLE_MS = 150;

let fast = false;
const listeners = new Set<() => void>();

function set(value: boolean): void {
  if (fast === value) return;
  fast = value;
  for (const l of [...listeners]) l();
}

export function isScrollingFast(): boolean {
  return fast;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Whether the grid scrolls fast now, re-rendering when that changes; with `watch` false it is
 * always false and never re-renders (a card that has its thumbnail no longer cares).
 */
export function useScrollingFast(watch = true): boolean {
  const snapshot = (): boolean => watch && fast;
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/**
 * Follows one scroll container: call `onScroll` with its scrollTop and height on every scroll
 * event. A single jump (a key, the year scrubber) is one event and never counts as fast.
 */
export function createScrollSpeedTracker(now: () => number = () => performance.now()): {
  onScroll(top: number, height: number): void;
  dispose(): void;
} {
  const recent: { at: number; top: number }[] = [];
  let settle: ReturnType<typeof setTimeout> | null = null;
  return {
    onScroll(top, height) {
      const at = now();
      recent.push({ at, top });
      while (recent.length > 0 && recent[0]!.at < at - WINDOW_MS) recent.shift();
      let moved = 0;
      for (let i = 1; i < recent.length; i++) moved += Math.abs(recent[i]!.top - recent[i - 1]!.top);
      if (recent.length >= 3 && moved > FAST_SCREENS * Math.max(1, height)) set(true);
      else if (moved < SLOW_SCREENS * Math.max(1, height)) set(false);
      if (settle) clearTimeout(settle);
      settle = setTimeout(() => {
        settle = null;
        recent.length = 0;
        set(false);
      }, SETTLE_MS);
    },
    dispose() {
      if (settle) clearTimeout(settle);
      settle = null;
      set(false);
    },
  };
}
