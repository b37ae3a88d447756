/** The selection (click, shift and ctrl ranges, select all) and what is done to it at once. */
import type { AppError } from '../../../shared/errors.js';
import { api, call } from '../api/api.js';
import { openDetails } from './details-actions.js';
import { ensureRange, listQuery, loadPage, reloadLibrary } from './library-actions.js';
import { PAGE_SIZE, invalidate, isTriageFilter, itemAt, pageOf } from './library-slice.js';
import { clickSelection, type ClickModifiers } from './selection-slice.js';
import { getState, setSlice } from './store.js';

function idsBetween(from: number, to: number): number[] {
  const lib = getState().library;
  const ids: number[] = [];
  for (let i = from; i <= to; i++) {
    const item = itemAt(lib, i);
    if (item) ids.push(item.id);
  }
  return ids;
}

/** A click on the card at `index`; a shift range first loads any pages it spans. */
export async function clickCard(index: number, id: number, mods: ClickModifiers): Promise<void> {
  const anchor = getState().selection.anchor;
  if (mods.shift && anchor !== null) await ensureRange(Math.min(anchor, index), Math.max(anchor, index));
  setSlice('selection', (s) => clickSelection(s, index, id, mods, idsBetween));
  if (!mods.shift && !mods.toggle) void openDetails(id, index);
}

export function clearSelection(): void {
  setSlice('selection', () => ({ ids: new Set(), anchor: null }));
}

/** Rows per request when many pages are needed at once (select all): the contract's maximum. */
const BULK_LIMIT = 5000;

/** Loads rows `from..to` in few large requests, stored as ordinary pages. */
async function loadBulk(from: number, to: number): Promise<AppError | null> {
  const chunkPages = BULK_LIMIT / PAGE_SIZE;
  for (let first = pageOf(from); first <= pageOf(to); first += chunkPages) {
    const lib = getState().library;
    const last = Math.min(first + chunkPages - 1, pageOf(to));
    let missing = false;
    for (let p = first; p <= last; p++) if (!lib.pages[p]) missing = true;
    if (!missing) continue;
    const generation = lib.generation;
    const request = { ...listQuery(lib), offset: first * PAGE_SIZE, limit: (last - first + 1) * PAGE_SIZE };
    const result = await call(() => api().listFiles(request));
    if (!result.ok) return result.error;
    if (getState().library.generation !== generation) return null;
    setSlice('library', (l) => {
      const pages = { ...l.pages };
      for (let p = first; p <= last; p++) {
        const rows = result.value.items.slice((p - first) * PAGE_SIZE, (p - first + 1) * PAGE_SIZE);
        if (rows.length > 0) pages[p] = rows;
      }
      return { ...l, pages, total: result.value.total };
    });
  }
  return null;
}

/** Selects every row of the current filter, loading the rows that are not loaded yet. */
export async function selectAll(): Promise<void> {
  // Reviewed rows still on screen are off the server's list; start from a fresh one.
  if (Object.keys(getState().library.review.left).length > 0) {
    setSlice('library', (l) => invalidate(l));
    await loadPage(0);
  }
  const total = getState().library.total ?? 0;
  if (total > 0) {
    const error = await loadBulk(0, total - 1);
    if (error) {
      setSlice('library', (l) => ({ ...l, actionError: error }));
      return;
    }
  }
  const ids = idsBetween(0, Math.max(0, (getState().library.total ?? 0) - 1));
  setSlice('selection', (s) => ({ ids: new Set(ids), anchor: s.anchor }));
}

function selectedIds(): number[] {
  return [...getState().selection.ids];
}

const BULK_IDS = 50_000;

async function bulk(run: (ids: number[]) => Promise<{ ok: true } | { ok: false; error: AppError }>): Promise<boolean> {
  const ids = selectedIds();
  if (ids.length === 0) return false;
  setSlice('library', (l) => ({ ...l, busy: true, actionError: null }));
  // The contract caps one request at 100,000 ids; bigger selections go in batches.
  let result: { ok: true } | { ok: false; error: AppError } = { ok: true };
  for (let at = 0; at < ids.length && result.ok; at += BULK_IDS) result = await run(ids.slice(at, at + BULK_IDS));
  setSlice('library', (l) => ({ ...l, busy: false, actionError: result.ok ? null : result.error }));
  if (result.ok) {
    setSlice('library', (l) =>
      isTriageFilter(l.filter) ? { ...l, review: { ...l.review, done: [...new Set([...l.review.done, ...ids])] } } : l,
    );
    clearSelection();
    reloadLibrary();
    const openId = getState().library.details.id;
    if (openId !== null && ids.includes(openId)) void openDetails(openId);
  }
  return result.ok;
}

export const discardSelected = (): Promise<boolean> => bulk((ids) => call(() => api().discardFiles({ ids })));

export const restoreSelected = (): Promise<boolean> => bulk((ids) => call(() => api().restoreFiles({ ids })));

/** Dates the selection: one second apart in name order, or all at one identical time (`same`). */
export const setSelectedDate = (timestamp: string | null, spacing: 'sequence' | 'same' = 'sequence'): Promise<boolean> =>
  bulk((ids) => call(() => api().setFilesDate({ ids, timestamp, spacing })));
