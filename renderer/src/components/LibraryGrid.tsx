import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { observeElementRect, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import { openDetails } from '../store/details-actions.js';
import { ensureRange } from '../store/library-actions.js';
import { clickCard } from '../store/selection-actions.js';
import { PAGE_SIZE, itemAt } from '../store/library-slice.js';
import { getState, useAppStore } from '../store/store.js';
import { cardRowAt, layoutTimeline, suspicion, verticalMove, type TimelineRow } from '../lib/timeline-layout.js';
import { memoLast } from '../lib/memo-last.js';
import { createScrollSpeedTracker } from '../lib/scroll-speed.js';
import { FileCard } from './FileCard.js';

const CARD_WIDTH = 180;

/** The last layout, kept across visits: going back to the library does not lay 100k files out again. */
const lastLayout = memoLast(layoutTimeline);

/** The grid's width when it was last on screen: a return to the library lays out its rows at once. */
let lastWidth = 0;
/** The scroll box's size when it was last on screen, for the virtualizer (see observeGridRect). */
let lastRect: Rect = { width: 0, height: 0 };

/**
 * The virtualizer's view of the scroll box's size. Its default reads the size synchronously when
 * the grid mounts, which forces a layout of the whole new screen before its rows exist; on a
 * return to the library the last size is right, and the ResizeObserver reports the real one once
 * the page is laid out (before it is painted), so nothing is measured twice.
 */
function observeGridRect(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void): void | (() => void) {
  const element = instance.scrollElement;
  const report = (rect: Rect): void => {
    lastRect = rect;
    cb(rect);
  };
  if (!element || typeof ResizeObserver === 'undefined' || lastRect.height === 0) return observeElementRect(instance, report);
  report(lastRect);
  const observer = new ResizeObserver(() => report({ width: element.clientWidth, height: element.clientHeight }));
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(lastWidth);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => {
      lastWidth = el.clientWidth;
      setWidth(lastWidth);
    };
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
    // The observer reports once the page is laid out (before it is painted), so reading the
    // width there forces no extra layout; it reports again on every resize.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The library as a timeline: month and day headers over rows of thumbnails, with a year scrubber.
 * Only the rows on screen (plus a few) exist in the DOM, and only the pages under them are
 * fetched, so 100k files cost what one screenful costs.
 */
export function LibraryGrid() {
  const total = useAppStore((s) => s.library.total ?? 0);
  const generation = useAppStore((s) => s.library.generation);
  const days = useAppStore((s) => s.library.days);
  const parentRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(parentRef);
  const columns = Math.max(1, Math.floor(width / CARD_WIDTH));
  // Nothing is laid out until the grid's width is known (measured before the first paint): a
  // one-column guess would lay out one row per file, 100,000 rows for nothing.
  const layout = useMemo(() => lastLayout(width > 0 ? total : 0, columns, width > 0 ? days : null), [width, total, columns, days]);
  const [focusIndex, setFocusIndex] = useState(0);
  const focusPending = useRef(false);


  // How fast the grid moves: cards that appear during a fling ask for their thumbnails once it slows.
  // Listens before the virtualizer does (capture, and registered first), so the cards a scroll event
  // brings in already know whether it is a fling.
  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!el) return;
    const tracker = createScrollSpeedTracker();
    const onScroll = (): void => tracker.onScroll(el.scrollTop, el.clientHeight);
    el.addEventListener('scroll', onScroll, { passive: true, capture: true });
    return () => {
      el.removeEventListener('scroll', onScroll, { capture: true });
      tracker.dispose();
    };
  }, []);

  const estimateSize = useCallback((i: number) => layout.rows[i]?.height ?? 0, [layout]);
  // Stable between renders: the virtualizer re-measures every row whenever this function changes.
  const getItemKey = useCallback((i: number) => layout.rows[i]?.key ?? i, [layout]);
  const virtualizer = useVirtualizer({
    count: layout.rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize,
    getItemKey,
    overscan: 3,
    initialRect: lastRect,
    observeElementRect: observeGridRect,
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index;
  const lastRow = rows[rows.length - 1]?.index;

  useEffect(() => {
    if (firstRow === undefined || lastRow === undefined) return;
    let from = Infinity;
    let to = -1;
    for (let i = firstRow; i <= lastRow; i++) {
      const row = layout.rows[i];
      if (row?.kind !== 'cards') continue;
      from = Math.min(from, row.start);
      to = Math.max(to, row.end - 1);
    }
    if (to >= 0) void ensureRange(from, to);
  }, [firstRow, lastRow, layout, generation]);

  const scrollToCard = (index: number): void => {
    const at = cardRowAt(layout, index);
    const row = layout.cardRows[at]?.row;
    if (row !== undefined) virtualizer.scrollToIndex(row);
  };

  // Triage (J/K) opens files beyond the screen: bring the open one into view.
  const openIndex = useAppStore((s) => s.library.details.index);
  useEffect(() => {
    if (openIndex === null) return;
    setFocusIndex(openIndex);
    const at = cardRowAt(layout, openIndex);
    const row = layout.cardRows[at]?.row;
    if (row === undefined) return;
    const item = virtualizer.getVirtualItems().find((v) => v.index === row);
    const el = parentRef.current;
    // Only when none of it is on screen: opening a file the user can see never moves the grid.
    if (!item || !el || item.end <= el.scrollTop || item.start >= el.scrollTop + el.clientHeight) virtualizer.scrollToIndex(row);
    // Follows the open file only, not every layout change.
  }, [openIndex]);

  const filterKey = useAppStore((s) => `${s.library.filter}\u0000${s.library.tag ?? ''}\u0000${s.library.folder ?? ''}\u0000${s.library.search}`);
  const firstFilter = useRef(filterKey);
  useEffect(() => {
    // A new filter is a new list: start at its top. (A bulk edit reloads rows but keeps the place.)
    if (firstFilter.current === filterKey) return;
    firstFilter.current = filterKey;
    if (parentRef.current) parentRef.current.scrollTop = 0;
    setFocusIndex(0);
  }, [filterKey]);

  useEffect(() => {
    // The first page tells us the total; until then there are no rows to ask for.
    if (getState().library.total === null) void ensureRange(0, PAGE_SIZE - 1);
  }, [generation]);

  useEffect(() => {
    if (focusIndex >= total && total > 0) setFocusIndex(total - 1);
  }, [total, focusIndex]);

  useEffect(() => {
    if (!focusPending.current) return;
    const el = parentRef.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`);
    if (el) {
      el.focus();
      focusPending.current = false;
    }
  });

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    if (total === 0) return;
    const vertical: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 4, PageUp: -4 };
    let next: number | null = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') next = Math.min(total - 1, Math.max(0, focusIndex + (e.key === 'ArrowRight' ? 1 : -1)));
    else if (e.key in vertical) next = verticalMove(layout, focusIndex, vertical[e.key] ?? 0);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    if (next !== null) {
      e.preventDefault();
      setFocusIndex(next);
      focusPending.current = true;
      scrollToCard(next);
      if (e.shiftKey) {
        const item = itemAt(getState().library, next);
        if (item) void clickCard(next, item.id, { shift: true, toggle: false });
      }
      return;
    }
    const item = itemAt(getState().library, focusIndex);
    if (!item) return;
    if (e.key === ' ') {
      e.preventDefault();
      void clickCard(focusIndex, item.id, { shift: e.shiftKey, toggle: !e.shiftKey });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void openDetails(item.id, focusIndex);
    }
  }

  return (
    <div className="timeline">
      <div
        ref={parentRef}
        className="grid-scroll"
        role="listbox"
        aria-multiselectable="true"
        aria-label="Files by date. Use the arrow keys to move, Space to select, Enter to see details."
        data-testid="file-grid"
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const index = Number((e.target as HTMLElement).dataset.index);
          if (Number.isInteger(index) && index !== focusIndex) setFocusIndex(index);
        }}
      >
        <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((v) => {
            const row = layout.rows[v.index];
            if (!row) return null;
            return (
              <div
                key={v.key}
                className={`grid-row ${row.kind}-row`}
                role="presentation"
                style={{
                  transform: `translateY(${v.start}px)`,
                  height: row.height,
                  ...(row.kind === 'cards' ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : {}),
                }}
              >
                <RowBody row={row} focusIndex={focusIndex} />
              </div>
            );
          })}
        </div>
      </div>
      {/* Always there (even empty) so the grid's width does not change when the years arrive. */}
      <nav className="year-scrubber" aria-label="Jump to a year" data-testid="year-scrubber">
        {layout.years.map((y) => (
          <button key={y.year} type="button" onClick={() => virtualizer.scrollToIndex(y.row, { align: 'start' })}>
            {y.year}
          </button>
        ))}
      </nav>
    </div>
  );
}

function RowBody({ row, focusIndex }: { row: TimelineRow; focusIndex: number }) {
  switch (row.kind) {
    case 'month':
      return (
        <h2 className="month-header" role="presentation">
          {row.label}
        </h2>
      );
    case 'day': {
      const why = suspicion(row.day);
      return (
        <div className={why ? 'day-header suspicious' : 'day-header'} role="presentation" data-testid={`day-${row.day.day}`}>
          <span>{row.label}</span>
          <span className="muted">{row.day.count}</span>
          {why ? <span className="suspicion">⚠ {why}</span> : null}
        </div>
      );
    }
    case 'cards': {
      const cells: number[] = [];
      for (let i = row.start; i < row.end; i++) cells.push(i);
      return (
        <>
          {cells.map((i) => (
            <FileCard key={i} index={i} focused={i === focusIndex} />
          ))}
        </>
      );
    }
  }
}
