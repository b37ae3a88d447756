/**
 * The library list: what it shows (filter, tag, folder, name search), its pages loaded as they
 * come into view, the counts on every filter, the timeline's days and the tags.
 */
import type { FileFilter, FileSummary } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { PAGE_SIZE, invalidate, pageOf, serverOffset, type LibraryState } from './library-slice.js';
import { getState, setSlice } from './store.js';

export function setFilter(filter: FileFilter, tag: string | null = getState().library.tag): void {
  narrow({ filter, tag });
}

/** Changes what the list shows (filter, tag, folder, name search) and starts it from the top. */
export function narrow(changes: Partial<Pick<LibraryState, 'filter' | 'tag' | 'folder' | 'search'>>): void {
  setSlice('library', (l) => invalidate(l, changes));
  setSlice('selection', () => ({ ids: new Set(), anchor: null }));
  void loadPage(0);
  void loadTimeline();
  if (changes.tag !== undefined || changes.folder !== undefined || changes.search !== undefined) void loadCounts();
}

export function reloadLibrary(): void {
  setSlice('library', (l) => invalidate(l));
  // Page 0 always, whatever count the list had: it may have been empty before an import.
  void loadPage(0);
  void loadTimeline();
  void loadCounts();
}

/** The refinements besides the filter: tag, folder and name search. */
function refinements(lib: LibraryState) {
  return {
    ...(lib.tag ? { tag: lib.tag } : {}),
    ...(lib.folder ? { folder: lib.folder } : {}),
    ...(lib.search.trim() ? { search: lib.search.trim() } : {}),
  };
}

/** What the list asks for besides the page: the filter, tag, folder and name search. */
export function listQuery(lib: LibraryState) {
  return { filter: lib.filter, ...refinements(lib) };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The counts on every filter and the folder tree, for the refinements chosen now. */
export async function loadCounts(): Promise<void> {
  const lib = getState().library;
  const request = refinements(lib);
  const result = await call(() => api().countFiles(request));
  if (!result.ok) return;
  setSlice('library', (l) => {
    if (JSON.stringify(refinements(l)) !== JSON.stringify(request)) return l;
    // The same answer as before keeps the same objects: the filter bar and its folder tree (thousands
    // of options) re-render only when a number changed.
    const counts = sameJson(l.counts, result.value.filters) ? l.counts : result.value.filters;
    const folders = sameJson(l.folders, result.value.folders) ? l.folders : result.value.folders;
    return counts === l.counts && folders === l.folders ? l : { ...l, counts, folders };
  });
}

/** The timeline's days for the list shown now (dropped if the list changed meanwhile). */
export async function loadTimeline(): Promise<void> {
  const lib = getState().library;
  const generation = lib.generation;
  if (lib.filter === 'duplicates') return;
  const result = await call(() => api().fileTimeline(listQuery(lib)));
  setSlice('library', (l) => (l.generation !== generation || !result.ok ? l : { ...l, days: result.value.days }));
}

/** The rows on screen: the server's list plus the reviewed rows still shown where they were. */
function shownTotal(l: LibraryState, serverTotal: number): number {
  return serverTotal + Object.keys(l.review.left).length;
}

export async function loadPage(page: number, limit = PAGE_SIZE): Promise<void> {
  const lib = getState().library;
  if (lib.pages[page] || lib.loadingPages[page]) return;
  const generation = lib.generation;
  setSlice('library', (l) => ({ ...l, loadingPages: { ...l.loadingPages, [page]: true } }));
  const request = { ...listQuery(lib), offset: serverOffset(lib, page * PAGE_SIZE), limit };
  const result = await call(() => api().listFiles(request));
  setSlice('library', (l) => {
    if (l.generation !== generation) return l;
    const loadingPages = { ...l.loadingPages };
    delete loadingPages[page];
    if (!result.ok) return { ...l, loadingPages, error: result.error };
    return { ...l, loadingPages, total: shownTotal(l, result.value.total), pages: { ...l.pages, [page]: result.value.items }, error: null };
  });
}

/** Loads every page that covers rows `from..to` (inclusive) and is not loaded yet. */
export async function ensureRange(from: number, to: number): Promise<void> {
  const total = getState().library.total;
  const last = total === null ? to : Math.min(to, total - 1);
  if (last < from) return;
  const loads: Promise<void>[] = [];
  for (let page = pageOf(Math.max(0, from)); page <= pageOf(last); page++) loads.push(loadPage(page));
  await Promise.all(loads);
}

export async function loadTags(): Promise<void> {
  const result = await call(() => api().listTags({}));
  if (result.ok) setSlice('library', (l) => ({ ...l, tags: result.value }));
}

/** The row with this id among the loaded ones, and its index. */
export function findLoaded(lib: LibraryState, id: number): { item: FileSummary; index: number } | null {
  for (const [page, rows] of Object.entries(lib.pages)) {
    const at = rows.findIndex((r) => r.id === id);
    const item = rows[at];
    if (item) return { item, index: Number(page) * PAGE_SIZE + at };
  }
  return null;
}
