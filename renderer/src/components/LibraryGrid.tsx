import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { clickCard, ensureRange, openDetails } from '../store/actions.js';
import { PAGE_SIZE, itemAt } from '../store/library-slice.js';
import { getState, useAppStore } from '../store/store.js';
import { FileCard } from './FileCard.js';

const CARD_WIDTH = 180;
const ROW_HEIGHT = 224;

function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The thumbnail grid: only the rows on screen (plus a few) exist in the DOM, and only the pages
 * under them are fetched, so 100k files cost what one screenful costs.
 */
export function LibraryGrid() {
  const total = useAppStore((s) => s.library.total ?? 0);
  const generation = useAppStore((s) => s.library.generation);
  const parentRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(parentRef);
  const columns = Math.max(1, Math.floor(width / CARD_WIDTH));
  const rowCount = Math.ceil(total / columns);
  const [focusIndex, setFocusIndex] = useState(0);
  const focusPending = useRef(false);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 3,
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index;
  const lastRow = rows[rows.length - 1]?.index;

  useEffect(() => {
    if (firstRow === undefined || lastRow === undefined) return;
    void ensureRange(firstRow * columns, (lastRow + 1) * columns - 1);
  }, [firstRow, lastRow, columns, generation]);

  const filterKey = useAppStore((s) => `${s.library.filter}\u0000${s.library.tag ?? ''}`);
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
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      PageDown: columns * 4,
      PageUp: -columns * 4,
    };
    let next: number | null = null;
    if (e.key in moves) next = Math.min(total - 1, Math.max(0, focusIndex + (moves[e.key] ?? 0)));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    if (next !== null) {
      e.preventDefault();
      setFocusIndex(next);
      focusPending.current = true;
      virtualizer.scrollToIndex(Math.floor(next / columns));
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
      void openDetails(item.id);
    }
  }

  return (
    <div
      ref={parentRef}
      className="grid-scroll"
      role="listbox"
      aria-multiselectable="true"
      aria-label="Files. Use the arrow keys to move, Space to select, Enter to see details."
      data-testid="file-grid"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        const index = Number((e.target as HTMLElement).dataset.index);
        if (Number.isInteger(index) && index !== focusIndex) setFocusIndex(index);
      }}
    >
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const start = row.index * columns;
          const end = Math.min(total, start + columns);
          const cells: number[] = [];
          for (let i = start; i < end; i++) cells.push(i);
          return (
            <div
              key={row.key}
              className="grid-row"
              role="presentation"
              style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
            >
              {cells.map((i) => (
                <FileCard key={i} index={i} focused={i === focusIndex} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
