/** The file details panel: the open file, and the edits made on one file (date, discard, duplicates). */
import type { AppError } from '../../../shared/errors.js';
import type { FileSummary } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { findLoaded, reloadLibrary } from './library-actions.js';
import { recordReviewed, replaceItem } from './library-slice.js';
import { getState, setSlice } from './store.js';

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
