import type { AppError } from '../../../shared/errors.js';
import type { FileDetails, FileFilter, FileSummary, TimelineDay } from '../../../shared/types.js';

/** Rows fetched per listFiles call: big enough to fill a screen, small enough to answer fast. */
export const PAGE_SIZE = 200;

export interface LibraryState {
  filter: FileFilter;
  tag: string | null;
  /** Only files under this folder (null: anywhere). */
  folder: string | null;
  /** Only files whose name contains this ('' : any). */
  search: string;
  /** How many files each filter shows with the tag, folder and search chosen; null until known. */
  counts: Record<FileFilter, number> | null;
  /** Folders that hold files, with how many, for the folder tree. */
  folders: { path: string; count: number }[];
  /** The list's days in list order (the timeline); null until known or for lists without dates. */
  days: TimelineDay[] | null;
  /** Total rows for the current filter; null until the first page answers. */
  total: number | null;
  /** Sparse: page index -> rows. Never holds more than the user has scrolled past. */
  pages: Record<number, FileSummary[]>;
  loadingPages: Record<number, true>;
  /** Bumped whenever the filter changes or rows are invalidated, so late answers are dropped. */
  generation: number;
  error: AppError | null;
  tags: { name: string; count: number }[];
  /** The open file; `index` is its place in the list (null when opened from elsewhere). */
  details: { id: number | null; index: number | null; data: FileDetails | null; loading: boolean; error: AppError | null };
  review: ReviewState;
  /** Feedback from the last bulk action or detail edit, shown near the toolbar. */
  actionError: AppError | null;
  busy: boolean;
}

export const initialLibraryState: LibraryState = {
  filter: 'all',
  tag: null,
  folder: null,
  search: '',
  counts: null,
  folders: [],
  days: null,
  total: null,
  pages: {},
  loadingPages: {},
  generation: 0,
  error: null,
  tags: [],
  details: { id: null, index: null, data: null, loading: false, error: null },
  review: { done: [], left: {}, undo: [] },
  actionError: null,
  busy: false,
};

/** What one triage step changed, so Undo can put it back. */
export interface UndoEntry {
  id: number;
  index: number | null;
  before: Pick<FileSummary, 'finalTimestamp' | 'discarded'>;
}

/**
 * Keyboard triage of "Needs review" / "No date". A reviewed file leaves those filters on the
 * server but stays where it is on screen until the list is reloaded, so the place and the order
 * the user works through never shift under them.
 */
export interface ReviewState {
  /** Files reviewed since this filter was chosen (survives reloads, not filter changes). */
  done: number[];
  /** Files reviewed in the rows loaded now, by list index: no longer on the server's list. */
  left: Record<number, number>;
  undo: UndoEntry[];
}

/** Filters a review works through: a reviewed file leaves them. */
export function isTriageFilter(filter: FileFilter): boolean {
  return filter === 'needs-review' || filter === 'undated';
}

/** The server's offset for list index `index`: the reviewed rows above it are no longer on its list. */
export function serverOffset(state: LibraryState, index: number): number {
  let shift = 0;
  for (const at of Object.values(state.review.left)) if (at < index) shift++;
  return index - shift;
}

/** "120 of 370 reviewed": the files done plus those still on the server's list. */
export function reviewProgress(state: LibraryState): { reviewed: number; of: number } | null {
  if (!isTriageFilter(state.filter) || state.total === null) return null;
  const remaining = state.total - Object.keys(state.review.left).length;
  return { reviewed: state.review.done.length, of: state.review.done.length + Math.max(0, remaining) };
}

/** Records a triage step on `id` (at list `index`) with what it was before. */
export function recordReviewed(state: LibraryState, entry: UndoEntry): LibraryState {
  if (!isTriageFilter(state.filter)) return state;
  const done = state.review.done.includes(entry.id) ? state.review.done : [...state.review.done, entry.id];
  const left = entry.index === null || entry.id in state.review.left ? state.review.left : { ...state.review.left, [entry.id]: entry.index };
  return { ...state, review: { done, left, undo: [...state.review.undo.slice(-49), entry] } };
}

/** Forgets a triage step that was undone. */
export function forgetReviewed(state: LibraryState, id: number): LibraryState {
  const left = { ...state.review.left };
  delete left[id];
  return {
    ...state,
    review: { done: state.review.done.filter((d) => d !== id), left, undo: state.review.undo.filter((u) => u.id !== id) },
  };
}

export function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE);
}

export function itemAt(state: LibraryState, index: number): FileSummary | undefined {
  return state.pages[pageOf(index)]?.[index % PAGE_SIZE];
}

/** Forgets every loaded row (filter change or a bulk edit that may move rows in or out of it). */
export function invalidate(state: LibraryState, changes: Partial<Pick<LibraryState, 'filter' | 'tag' | 'folder' | 'search'>> = {}): LibraryState {
  const newList = Object.keys(changes).length > 0;
  return {
    ...state,
    ...changes,
    pages: {},
    loadingPages: {},
    // A reload keeps the count (and so the scroll place) until the first page answers.
    total: newList ? null : state.total,
    days: newList ? null : state.days,
    generation: state.generation + 1,
    error: null,
    review: newList ? { done: [], left: {}, undo: [] } : { ...state.review, left: {} },
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
