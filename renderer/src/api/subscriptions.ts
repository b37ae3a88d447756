import type { Api } from '../../../shared/contract.js';
import { applyProgress, applyStatus } from '../store/jobs-slice.js';
import { setSlice } from '../store/store.js';
import { connectionChanged } from '../store/connection-actions.js';
import { jobFinished, refreshJob } from '../store/job-actions.js';
import { CONNECTION_EVENT } from './connection-event.js';
import { verifyFinished, verifyProgress } from '../store/verify-actions.js';

/**
 * The only place that listens to main's events. Each event writes into the jobs slice; views
 * that render a number select just that number, so a progress tick repaints only what moved.
 * Returns a function that unsubscribes everything.
 */
export function startSubscriptions(source: Api): () => void {
  // Per-file errors are not in progress events; fetch them when the count grows, one request at a
  // time, so a burst of failures costs one round trip rather than one per tick.
  const errorsFetched = new Map<number, number>();
  const inFlight = new Set<number>();
  function fetchErrors(jobId: number, errorCount: number): void {
    errorsFetched.set(jobId, errorCount);
    if (inFlight.has(jobId)) return;
    inFlight.add(jobId);
    void refreshJob(jobId).finally(() => inFlight.delete(jobId));
  }

  const offs = [
    source.onJobProgress((p) => {
      setSlice('jobs', (j) => applyProgress(j, p));
      if (p.errorCount > (errorsFetched.get(p.jobId) ?? 0)) fetchErrors(p.jobId, p.errorCount);
    }),
    source.onJobStatus((e) => {
      setSlice('jobs', (j) => applyStatus(j, e));
      // A pause or halt is when the details of what went wrong matter most.
      if (e.status !== 'running') void refreshJob(e.jobId);
    }),
    source.onJobFinished((e) => jobFinished(e)),
    source.onVerifyProgress((p) => verifyProgress(p)),
    source.onVerifyFinished((e) => verifyFinished(e)),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** Follows serve mode's connection (the browser client's window event) into the store. */
export function watchConnection(win: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): () => void {
  const onChange = (e: Event): void => {
    const online = (e as CustomEvent<{ online: boolean }>).detail?.online;
    if (typeof online === 'boolean') connectionChanged(online);
  };
  win.addEventListener(CONNECTION_EVENT, onChange);
  return () => win.removeEventListener(CONNECTION_EVENT, onChange);
}
