/**
 * Keyboard triage: accept, pick a candidate, type a date, discard, undo, next/previous. Each
 * step edits one file through the same actions as the details panel, then moves to the next
 * file so a family can work through "Needs review" without the mouse.
 */
import { formatCaptureTime } from '../../../shared/capture-time.js';
import type { AppError } from '../../../shared/errors.js';
import type { FileSummary, TimestampSource } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { discardFile, openDetails, restoreFile, setFileDate } from './details-actions.js';
import { ensureRange, findLoaded } from './library-actions.js';
import { forgetReviewed, isTriageFilter, itemAt, replaceItem } from './library-slice.js';
import { getState, setSlice } from './store.js';

/** Sources written by a camera or phone when the picture or clip was taken. */
const CAMERA_SOURCES: ReadonlySet<TimestampSource> = new Set([
  'exif-datetime-original',
  'exif-create-date',
  'quicktime-creation-date',
  'quicktime-create-date',
  'quicktime-media-create-date',
  'quicktime-track-create-date',
]);

function setReviewMessage(message: string | null): void {
  setSlice('library', (l) => ({ ...l, actionError: message ? { code: 'invalid-argument', message } : null }));
}

/** Opens the file at list `index` (loading its page first); false when there is none. */
export async function openAt(index: number): Promise<boolean> {
  const total = getState().library.total ?? 0;
  if (index < 0 || index >= total) return false;
  await ensureRange(index, index);
  const item = itemAt(getState().library, index);
  if (!item) return false;
  setSlice('selection', () => ({ ids: new Set([item.id]), anchor: index }));
  await openDetails(item.id, index);
  return true;
}

function currentIndex(): number | null {
  const lib = getState().library;
  if (lib.details.id === null) return null;
  if (lib.details.index !== null) return lib.details.index;
  return findLoaded(lib, lib.details.id)?.index ?? null;
}

/** Next (+1) or previous (-1) file; opens the first one when none is open. */
export async function step(delta: 1 | -1): Promise<void> {
  const at = currentIndex();
  await openAt(at === null ? 0 : at + delta);
}

/** After a triage edit in "Needs review" / "No date", the next file comes up. */
async function afterEdit(error: AppError | null): Promise<AppError | null> {
  if (error) return error;
  if (isTriageFilter(getState().library.filter)) await step(1);
  return null;
}

function openFile(): FileSummary | null {
  const lib = getState().library;
  if (lib.details.id === null) return null;
  return lib.details.data ?? findLoaded(lib, lib.details.id)?.item ?? null;
}

/** Accepts the date the app suggested (confirms a "Please check" without retyping it). */
export async function acceptSuggested(): Promise<AppError | null> {
  const file = openFile();
  if (!file) return null;
  const date = file.finalTimestamp ?? file.detectedTimestamp;
  if (!date) {
    setReviewMessage('This file has no date to accept: type one (T) or pick one found in it (1-9).');
    return null;
  }
  return afterEdit(await setFileDate(file.id, date));
}

/** Uses date candidate `n` (1-based) of the open file. */
export async function pickCandidate(n: number): Promise<AppError | null> {
  const data = getState().library.details.data;
  const candidate = data?.candidates[n - 1];
  if (!data || !candidate) return null;
  return afterEdit(await setFileDate(data.id, formatCaptureTime(candidate)));
}

/** Saves a typed date for the open file, then moves on. */
export async function saveTypedDate(id: number, timestamp: string): Promise<AppError | null> {
  return afterEdit(await setFileDate(id, timestamp));
}

/** Discards the open file (or restores it when it is discarded already). */
export async function toggleDiscard(): Promise<AppError | null> {
  const file = openFile();
  if (!file) return null;
  return afterEdit(await (file.discarded ? restoreFile(file.id) : discardFile(file.id)));
}

/** Puts back what the last triage step changed and opens that file again. */
export async function undoLast(): Promise<AppError | null> {
  const entry = getState().library.review.undo.at(-1);
  if (!entry) {
    setReviewMessage('Nothing to undo.');
    return null;
  }
  const now = findLoaded(getState().library, entry.id)?.item ?? null;
  let result: { ok: true; value: FileSummary } | { ok: false; error: AppError } | null = null;
  if (!now || now.discarded !== entry.before.discarded) {
    result = await call(() => (entry.before.discarded ? api().discardFile({ id: entry.id }) : api().restoreFile({ id: entry.id })));
  }
  if ((!result || result.ok) && (!now || now.finalTimestamp !== entry.before.finalTimestamp)) {
    result = await call(() => api().setFileDate({ id: entry.id, timestamp: entry.before.finalTimestamp }));
  }
  if (result && !result.ok) return result.error;
  const value = result?.value;
  setSlice('library', (l) => {
    const forgotten = forgetReviewed(l, entry.id);
    return value ? replaceItem(forgotten, value) : forgotten;
  });
  setReviewMessage(null);
  if (entry.index !== null) await openAt(entry.index);
  else await openDetails(entry.id);
  return null;
}

/**
 * "Accept all camera dates": every selected file whose suggested date came from the camera gets it
 * as its checked date; the others are left for a person. Answers how many were accepted.
 */
export async function acceptCameraDates(): Promise<{ accepted: number; skipped: number; error: AppError | null }> {
  const lib = getState().library;
  const ids = [...getState().selection.ids];
  let accepted = 0;
  let skipped = 0;
  for (const id of ids) {
    const item = findLoaded(lib, id)?.item;
    if (!item || item.finalTimestamp !== null || !item.detectedTimestamp || !item.timestampSource || !CAMERA_SOURCES.has(item.timestampSource)) {
      skipped++;
      continue;
    }
    const error = await setFileDate(id, item.detectedTimestamp);
    if (error) return { accepted, skipped, error };
    accepted++;
  }
  return { accepted, skipped, error: null };
}
