import type { AppError } from '../../../shared/errors.js';
import type { FileDetails, FileFilter, FileSummary } from '../../../shared/types.js';

/** Rows fetched per listFiles call: big enough to fill a screen, small enough to answer fast. */
export const PAGE_SIZE = 200;

export interface LibraryState {
  filter: FileFilter;
  tag: string | null;
  /** Total rows for the current filter; null until the first page answers. */
  total: number | null;
  /** Sparse: page index -> rows. Never holds more than the user has scrolled past. */
  pages: Record<number, FileSummary[]>;
  loadingPages: Record<number, true>;
  /** Bumped whenever the filter changes or rows are invalidated, so late answers are dropped. */
  generation: number;
  error: AppError | null;
  tags: { name: string; count: number }[];
  details: { id: number | null; data: FileDetails | null; loading: boolean; error: AppError | null };
  /** Feedback from the last bulk action or detail edit, shown near the toolbar. */
  actionError: AppError | null;
  busy: boolean;
}

export const initialLibraryState: LibraryState = {
  filter: 'all',
  tag: null,
  total: null,
  pages: {},
  loadingPages: {},
  generation: 0,
  error: null,
  tags: [],
  details: { id: null, data: null, loading: false, error: null },
  actionError: null,
  busy: false,
};

export function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE);
}

export function itemAt(state: LibraryState, index: number): FileSummary | undefined {
  return state.pages[pageOf(index)]?.[index % PAGE_SIZE];
}

/** Forgets every loaded row (filter change or a bulk edit that may move rows in or out of it). */
export function invalidate(state: LibraryState, changes: Partial<Pick<LibraryState, 'filter' | 'tag'>> = {}): LibraryState {
  return {
    ...state,
    ...changes,
    pages: {},
    loadingPages: {},
    total: changes.filter !== undefined || changes.tag !== undefined ? null : state.total,
    generation: state.generation + 1,
    error: null,
  };
}

/** Replaces one row wherever it is loaded (after setFileDate/discardFile answer with the new summary). */
export function replaceItem(state: LibraryState, item: FileSummary): LibraryState {
  let pages = state.pages;
  for (const [key, rows] of Object.entries(state.pages)) {
    const at = rows.findIndex((r) => r.id === item.id);
    if (at >= 0) {
      const copy = rows.slice();
      copy[at] = item;
      pages = { ...pages, [Number(key)]: copy };
    }
  }
  let details = state.details;
  if (details.data && details.data.id === item.id) {
    details = { ...details, data: { ...details.data, ...item } };
  }
  return pages === state.pages && details === state.details ? state : { ...state, pages, details };
}
