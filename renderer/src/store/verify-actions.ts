/** "Verify archive": start, cancel, and the two events that report on it. */
import type { VerifyFinishedEvent, VerifyProgress } from '../../../shared/verify-report.js';
import { api, call } from '../api/api.js';
import { getState, setSlice } from './store.js';
import { applyVerifyFinished, applyVerifyProgress, beginVerify, verifyStartFailed, verifyStarted } from './verify-slice.js';

export async function startVerify(root: string): Promise<void> {
  setSlice('verify', (v) => beginVerify(v, root));
  const result = await call(() => api().startVerify({ root }));
  if (result.ok) setSlice('verify', (v) => verifyStarted(v, root, result.value.verifyId));
  else setSlice('verify', (v) => verifyStartFailed(v, root, result.error));
}

export async function cancelVerify(): Promise<void> {
  const { verifyId, status } = getState().verify;
  if (verifyId === null || status !== 'running') return;
  const result = await call(() => api().cancelVerify({ verifyId }));
  if (!result.ok) setSlice('verify', (v) => (v.verifyId === verifyId ? { ...v, error: result.error } : v));
}

export function verifyProgress(p: VerifyProgress): void {
  setSlice('verify', (v) => applyVerifyProgress(v, p));
}

export function verifyFinished(e: VerifyFinishedEvent): void {
  setSlice('verify', (v) => applyVerifyFinished(v, e));
}
