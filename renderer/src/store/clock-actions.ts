/**
 * Camera clock correction from the UI: preview, apply, undo through `window.api`. After a change
 * the loaded library rows and the open details are refreshed, since every shifted file moves.
 */
import type { ShiftApplied, ShiftChange, ShiftPreview, ShiftTarget, ShiftUndone } from '../../../shared/date-shift.js';
import type { Result } from '../../../shared/errors.js';
import { api, call } from '../api/api.js';
import { openDetails } from './details-actions.js';
import { reloadLibrary } from './library-actions.js';
import { getState } from './store.js';

export interface ShiftRequest {
  target: ShiftTarget;
  change: ShiftChange;
}

function refreshAfterChange(): void {
  reloadLibrary();
  const openId = getState().library.details.id;
  if (openId !== null) void openDetails(openId);
}

export const previewShift = (request: ShiftRequest): Promise<Result<ShiftPreview>> => call(() => api().previewDateShift(request));

export async function applyShift(request: ShiftRequest): Promise<Result<ShiftApplied>> {
  const result = await call(() => api().applyDateShift(request));
  if (result.ok) refreshAfterChange();
  return result;
}

export async function undoShift(shiftId: number): Promise<Result<ShiftUndone>> {
  const result = await call(() => api().undoDateShift({ shiftId }));
  if (result.ok) refreshAfterChange();
  return result;
}
