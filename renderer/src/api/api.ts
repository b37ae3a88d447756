import type { Api } from '../../../shared/contract.js';
import type { Result } from '../../../shared/errors.js';

/**
 * The one way the renderer reaches main. Looked up on every call (not captured once) so tests
 * can swap `window.api` between cases.
 */
export function api(): Api {
  return window.api;
}

/** Waits for the transport to install `window.api`; null when none ever appears. */
export async function waitForApi(): Promise<Api | null> {
  if (typeof window.api === 'object' && window.api !== null) return window.api;
  if (window.__apiReady) {
    try {
      await window.__apiReady;
    } catch {
      return null;
    }
  }
  return typeof window.api === 'object' && window.api !== null ? window.api : null;
}

/**
 * Calls one api method and turns a transport that throws (a dropped socket, a bug in main that
 * escaped) into an `internal` AppError, so callers only ever branch on `.ok`.
 */
export async function call<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const result = await run();
    if (result && typeof result === 'object' && 'ok' in result) return result;
    return { ok: false, error: { code: 'internal', message: 'The app sent an answer this window does not understand.' } };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: { code: 'internal', message: 'Could not reach the MediaParser engine.', detail } };
  }
}
