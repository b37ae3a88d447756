/**
 * Everything that talks to main. Plain functions (not hooks) so components, the subscriptions
 * module and tests call them the same way; each branches on `result.ok` and keeps the AppError.
 */
import type { AppError } from '../../../shared/errors.js';
import type { FileFilter, FileSummary, JobType, Settings } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import {
  applyFinished,
  beginJobAction,
  failJobAction,
  isFinishedStatus,
  pickCurrent,
  type JobsState,
  newJobSummary,
  upsertSummary,
} from './jobs-slice.js';
import { PAGE_SIZE, invalidate, isTriageFilter, itemAt, pageOf, recordReviewed, replaceItem, serverOffset, type LibraryState } from './library-slice.js';
import { clickSelection, type ClickModifiers } from './selection-slice.js';
import { addFolder, type Screen } from './ui-slice.js';
import { getState, setSlice } from './store.js';
import type { JobFinishedEvent } from '../../../shared/types.js';

// ---------- ui ----------

export function navigate(screen: Screen): void {
  setSlice('ui', (ui) => (ui.screen === screen ? ui : { ...ui, screen }));
}

export function addSourceFolders(paths: string[]): void {
  setSlice('ui', (ui) => {
    let folders = ui.sourceFolders;
    for (const p of paths) folders = addFolder(folders, p);
    return folders === ui.sourceFolders ? ui : { ...ui, sourceFolders: folders, importError: null };
  });
}

export function removeSourceFolder(path: string): void {
  setSlice('ui', (ui) => ({ ...ui, sourceFolders: ui.sourceFolders.filter((f) => f !== path) }));
}

export function setImportError(error: AppError | null): void {
  setSlice('ui', (ui) => ({ ...ui, importError: error }));
}

/**
 * The server went away or came back. Back online, everything is asked again: the server may have
 * restarted (a paused job is offered again, the library may have changed meanwhile).
 */
export function connectionChanged(online: boolean): void {
  const was = getState().ui.connection;
  setSlice('ui', (ui) => ({ ...ui, connection: online ? 'online' : 'offline' }));
  if (online && was === 'offline') {
    void loadAppInfo();
    void loadSettings();
    void loadJobs();
    void loadTags();
    reloadLibrary();
  }
}

// ---------- app info + settings ----------

export async function loadAppInfo(): Promise<void> {
  const result = await call(() => api().getAppInfo({}));
  if (result.ok) setSlice('settings', (s) => ({ ...s, app: result.value }));
  else setSlice('ui', (ui) => ({ ...ui, globalError: result.error }));
}

export async function loadSettings(): Promise<void> {
  const result = await call(() => api().getSettings({}));
  setSlice('settings', (s) => (result.ok ? { ...s, value: result.value, error: null } : { ...s, error: result.error }));
}

export async function saveSettings(patch: Partial<Settings>): Promise<boolean> {
  setSlice('settings', (s) => ({ ...s, saving: true, error: null }));
  const result = await call(() => api().setSettings(patch));
  setSlice('settings', (s) =>
    result.ok
      ? { ...s, value: result.value, saving: false, error: null, savedAt: Date.now() }
      : { ...s, saving: false, error: result.error },
  );
  if (result.ok && patch.outputDirectory !== undefined) {
    // The preview describes a folder; a new folder makes the old numbers wrong.
    setSlice('ui', (ui) => ({ ...ui, exportPreview: { data: null, loading: false, error: null }, exportError: null }));
    // So does a failed or cancelled export into another folder: its panel (and Resume) belong there.
    setSlice('jobs', (j) => {
      const id = j.current.export;
      const job = id === null ? undefined : j.byId[id];
      if (!job || !isFinishedStatus(job.status) || job.outputDir === patch.outputDirectory) return j;
      return { ...j, current: { ...j.current, export: null } };
    });
  }
  return result.ok;
}

/** The native folder dialog; null when the user closed it or it failed (error kept in `onError`). */
export async function pickFolders(purpose: 'source' | 'output', multiple: boolean): Promise<{ paths: string[] } | { error: AppError }> {
  const result = await call(() => api().pickFolder({ purpose, multiple }));
  return result.ok ? { paths: result.value.paths } : { error: result.error };
}

// ---------- jobs ----------

export async function loadJobs(): Promise<void> {
  setSlice('jobs', (j) => ({ ...j, listLoading: true }));
  const result = await call(() => api().listJobs({ limit: 200 }));
  if (!result.ok) {
    setSlice('jobs', (j) => ({ ...j, listLoading: false, listError: result.error }));
    return;
  }
  setSlice('jobs', (j) => {
    let next: JobsState = { ...j, listLoading: false, listError: null, order: result.value.map((s) => s.id).sort((a, b) => b - a) };
    for (const summary of result.value) next = upsertSummary(next, summary);
    const current = { ...next.current };
    for (const type of ['import', 'export'] as JobType[]) {
      if (current[type] === null) current[type] = pickCurrent(result.value, type);
    }
    return { ...next, current };
  });
}

export async function refreshJob(id: number): Promise<void> {
  const result = await call(() => api().getJob({ id }));
  if (!result.ok) return;
  const { fileErrors, importStats, ...summary } = result.value;
  setSlice('jobs', (j) => ({
    ...upsertSummary(j, summary),
    fileErrors: { ...j.fileErrors, [id]: fileErrors },
    importStats: importStats ? { ...j.importStats, [id]: importStats } : j.importStats,
  }));
}

async function jobAction(id: number, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
  setSlice('jobs', (j) => beginJobAction(j, id, action));
  const run =
    action === 'pause' ? () => api().pauseJob({ id }) : action === 'resume' ? () => api().resumeJob({ id }) : () => api().cancelJob({ id });
  const result = await call(run);
  if (result.ok) setSlice('jobs', (j) => upsertSummary(j, result.value));
  else setSlice('jobs', (j) => failJobAction(j, id, result.error));
}

export const pauseJob = (id: number): Promise<void> => jobAction(id, 'pause');
export const cancelJob = (id: number): Promise<void> => jobAction(id, 'cancel');

/** Resumes and makes the job the one its screen follows (resuming from the history screen). */
export async function resumeJob(id: number): Promise<void> {
  const job = getState().jobs.byId[id];
  if (job) setSlice('jobs', (j) => ({ ...j, current: { ...j.current, [job.type]: id } }));
  await jobAction(id, 'resume');
}

export async function startImport(): Promise<void> {
  const folders = getState().ui.sourceFolders;
  if (folders.length === 0) {
    setImportError({ code: 'invalid-argument', message: 'Add at least one folder first.' });
    return;
  }
  setSlice('ui', (ui) => ({ ...ui, importStarting: true, importError: null }));
  const result = await call(() => api().startImport({ folders }));
  if (!result.ok) {
    setSlice('ui', (ui) => ({ ...ui, importStarting: false, importError: result.error }));
    return;
  }
  const jobId = result.value.jobId;
  setSlice('jobs', (j) => {
    const existing = j.byId[jobId];
    const base = existing
      ? j
      : upsertSummary(j, newJobSummary(jobId, 'import', 'queued', { sourceFolders: folders }, 0, new Date().toISOString()));
    return { ...base, current: { ...base.current, import: jobId } };
  });
  setSlice('ui', (ui) => ({ ...ui, importStarting: false, sourceFolders: [] }));
}

let previewSeq = 0;

/** `nameTemplate`: preview a naming template being edited (not saved yet). Only the latest request's answer is shown. */
export async function loadExportPreview(outputDir?: string, nameTemplate?: string): Promise<void> {
  const dir = outputDir ?? getState().settings.value?.outputDirectory ?? undefined;
  const seq = ++previewSeq;
  setSlice('ui', (ui) => ({ ...ui, exportPreview: { ...ui.exportPreview, loading: true, error: null } }));
  const result = await call(() => api().previewExport({ ...(dir ? { outputDir: dir } : {}), ...(nameTemplate !== undefined ? { nameTemplate } : {}) }));
  if (seq !== previewSeq) return;
  setSlice('ui', (ui) => ({
    ...ui,
    exportPreview: result.ok
      ? { data: result.value, loading: false, error: null }
      : { data: null, loading: false, error: result.error },
  }));
}

/** `nameTemplate`: a template edited on the Export screen, saved before the export starts. */
export async function startExport(nameTemplate?: string): Promise<void> {
  const dir = getState().settings.value?.outputDirectory ?? null;
  if (!dir) {
    setSlice('ui', (ui) => ({ ...ui, exportError: { code: 'invalid-argument', message: 'Choose an output folder first.' } }));
    return;
  }
  setSlice('ui', (ui) => ({ ...ui, exportStarting: true, exportError: null }));
  if (nameTemplate !== undefined && nameTemplate !== getState().settings.value?.nameTemplate) {
    const saved = await call(() => api().setSettings({ nameTemplate }));
    if (!saved.ok) {
      setSlice('ui', (ui) => ({ ...ui, exportStarting: false, exportError: saved.error }));
      return;
    }
    setSlice('settings', (s) => ({ ...s, value: saved.value, error: null, savedAt: Date.now() }));
  }
  const result = await call(() => api().startExport({ outputDir: dir }));
  if (!result.ok) {
    setSlice('ui', (ui) => ({ ...ui, exportStarting: false, exportError: result.error }));
    return;
  }
  const { jobId, fileCount } = result.value;
  setSlice('jobs', (j) => {
    const base = j.byId[jobId]
      ? j
      : upsertSummary(j, newJobSummary(jobId, 'export', 'queued', { outputDir: dir }, fileCount, new Date().toISOString()));
    return { ...base, current: { ...base.current, export: jobId } };
  });
  setSlice('ui', (ui) => ({ ...ui, exportStarting: false }));
}

/** Lets the Export screen start over after a finished export. */
export function clearCurrentJob(type: JobType): void {
  setSlice('jobs', (j) => ({ ...j, current: { ...j.current, [type]: null } }));
}

export async function showPath(path: string): Promise<AppError | null> {
  const result = await call(() => api().showPath({ path }));
  return result.ok ? null : result.error;
}

/** Called by the subscriptions module when main says a job ended. */
export function jobFinished(e: JobFinishedEvent): void {
  setSlice('jobs', (j) => applyFinished(j, e));
  void refreshJob(e.jobId);
  if (e.type === 'import') {
    // New rows and tags exist now; whatever the library showed is out of date.
    reloadLibrary();
    void loadTags();
  } else {
    reloadLibrary();
  }
}

/** "Review the files" after an import: the files the app is unsure about, or all when there are none. */
export function reviewImported(): void {
  const unsure = getState().library.counts?.['needs-review'];
  navigate('library');
  narrow({ filter: unsure === 0 ? 'all' : 'needs-review', tag: null, folder: null, search: '' });
}

// ---------- library ----------

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
function listQuery(lib: LibraryState) {
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

async function loadPage(page: number, limit = PAGE_SIZE): Promise<void> {
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

// ---------- file details ----------

export async function openDetails(id: number, index: number | null = null): Promise<void> {
  setSlice('library', (l) => ({
    ...l,
    details: {
      id,
      index: index ?? (l.details.id === id ? l.details.index : null),
      data: l.details.id === id ? l.details.data : null,
      loading: true,
      error: null,
    },
  }));
  const result = await call(() => api().getFile({ id }));
  setSlice('library', (l) => {
    if (l.details.id !== id) return l;
    return {
      ...l,
      details: result.ok
        ? { ...l.details, data: result.value, loading: false, error: null }
        : { ...l.details, data: null, loading: false, error: result.error },
    };
  });
}

export function closeDetails(): void {
  setSlice('library', (l) => ({ ...l, details: { id: null, index: null, data: null, loading: false, error: null } }));
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

async function editOne(run: () => Promise<{ ok: true; value: FileSummary } | { ok: false; error: AppError }>): Promise<AppError | null> {
  const result = await run();
  if (!result.ok) return result.error;
  const id = result.value.id;
  setSlice('library', (l) => {
    const shown = findLoaded(l, id);
    const before = shown?.item ?? (l.details.data?.id === id ? l.details.data : null);
    const reviewed = before ? recordReviewed(l, { id, index: shown?.index ?? null, before: { finalTimestamp: before.finalTimestamp, discarded: before.discarded } }) : l;
    return replaceItem(reviewed, result.value);
  });
  const openId = getState().library.details.id;
  if (openId === result.value.id) void openDetails(openId);
  return null;
}

export const setFileDate = (id: number, timestamp: string | null): Promise<AppError | null> =>
  editOne(() => call(() => api().setFileDate({ id, timestamp })));
export const discardFile = (id: number): Promise<AppError | null> => editOne(() => call(() => api().discardFile({ id })));
export const restoreFile = (id: number): Promise<AppError | null> => editOne(() => call(() => api().restoreFile({ id })));

export async function keepDuplicate(group: number, keepId: number): Promise<AppError | null> {
  const result = await call(() => api().resolveDuplicates({ group, keepId }));
  if (!result.ok) return result.error;
  reloadLibrary();
  const openId = getState().library.details.id;
  if (openId !== null) void openDetails(openId);
  return null;
}
