import type { AppError } from '../../../shared/errors.js';
import type { VerifyFinishedEvent, VerifyProgress, VerifyReport } from '../../../shared/verify-report.js';

/** "Verify archive": one verification at a time, of the folder the Export screen shows. */
export interface VerifyState {
  /** The archive being (or last) verified. */
  root: string | null;
  verifyId: number | null;
  status: 'idle' | 'starting' | 'running' | 'completed' | 'cancelled' | 'failed';
  progress: VerifyProgress | null;
  report: VerifyReport | null;
  error: AppError | null;
}

export const initialVerifyState: VerifyState = {
  root: null,
  verifyId: null,
  status: 'idle',
  progress: null,
  report: null,
  error: null,
};

export function beginVerify(_state: VerifyState, root: string): VerifyState {
  return { ...initialVerifyState, root, status: 'starting' };
}

/** The start request answered. A tiny archive may already have finished (its event came first). */
export function verifyStarted(state: VerifyState, root: string, verifyId: number): VerifyState {
  if (state.root !== root) return state;
  if (state.status !== 'starting') return state.verifyId === verifyId ? state : { ...state, verifyId };
  return { ...state, verifyId, status: 'running' };
}

export function verifyStartFailed(state: VerifyState, root: string, error: AppError): VerifyState {
  if (state.root !== root || state.status !== 'starting') return state;
  return { ...state, status: 'failed', error };
}

/** Events of this verification: matched by id, or by root while the start answer is still on its way. */
function isOurs(state: VerifyState, e: { verifyId: number; root: string }): boolean {
  if (state.verifyId !== null) return state.verifyId === e.verifyId;
  return state.status === 'starting' && state.root === e.root;
}

export function applyVerifyProgress(state: VerifyState, p: VerifyProgress): VerifyState {
  if (!isOurs(state, p) || (state.status !== 'running' && state.status !== 'starting')) return state;
  return { ...state, verifyId: p.verifyId, status: 'running', progress: p };
}

export function applyVerifyFinished(state: VerifyState, e: VerifyFinishedEvent): VerifyState {
  if (!isOurs(state, e)) return state;
  return { ...state, verifyId: e.verifyId, status: e.status, report: e.report, error: e.error };
}
