import type { Api } from '../../../shared/contract.js';
import { applyProgress, applyStatus } from '../store/jobs-slice.js';
import { setSlice } from '../store/store.js';
import { jobFinished, refreshJob } from '../store/actions.js';

/**
 * The only place that listens to main's events. Each event writes into the jobs slice; views
 * that render a number select just that number, so a progress tick repaints only what moved.
 * Returns a function that unsubscribes everything.
 */
export function startSubscriptions(source: Api): () => void {
  const offs = [
    source.onJobProgress((p) => setSlice('jobs', (j) => applyProgress(j, p))),
    source.onJobStatus((e) => {
      setSlice('jobs', (j) => applyStatus(j, e));
      // A pause or halt is when per-file errors are worth showing; fetch them then.
      if (e.status !== 'running') void refreshJob(e.jobId);
    }),
    source.onJobFinished((e) => jobFinished(e)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
