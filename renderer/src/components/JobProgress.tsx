import { RESUMABLE_STATUSES } from '../../../shared/types.js';
import { cancelJob, pauseJob, resumeJob } from '../store/job-actions.js';
import { doneFraction } from '../store/jobs-slice.js';
import { useAppStore } from '../store/store.js';
import { formatBytes, formatCount, formatEta, formatSpeed, formatStatus } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';

/**
 * Live progress of one job. Every line selects only the field it shows, so a tick that changes
 * the byte count repaints that line and nothing else on the screen.
 */
export function JobProgress({ jobId, showBytes, label }: { jobId: number; showBytes: boolean; label: string }) {
  const exists = useAppStore((s) => s.jobs.byId[jobId] !== undefined);
  if (!exists) return null;
  return (
    <section className="job-progress" aria-label={label} data-testid="job-progress">
      <StatusLine jobId={jobId} />
      <FilesLine jobId={jobId} />
      {showBytes ? <BytesLine jobId={jobId} /> : null}
      <SpeedLine jobId={jobId} />
      <CurrentFile jobId={jobId} />
      <JobButtons jobId={jobId} />
      <JobErrors jobId={jobId} />
    </section>
  );
}

function StatusLine({ jobId }: { jobId: number }) {
  const status = useAppStore((s) => s.jobs.byId[jobId]?.status);
  const pending = useAppStore((s) => s.jobs.byId[jobId]?.pending);
  const cancelRequested = useAppStore((s) => s.jobs.byId[jobId]?.cancelRequested ?? false);
  if (!status) return null;
  return (
    <p className="job-status-line">
      Status:{' '}
      <strong data-testid="job-status" data-status={status} role="status">
        {formatStatus(status)}
      </strong>
      {pending ? <span className="muted"> (asking the app…)</span> : null}
      {status === 'completed' && cancelRequested ? (
        <span className="muted" data-testid="finished-before-cancel">
          {' '}
          — everything was done before the cancel arrived
        </span>
      ) : null}
    </p>
  );
}

/** The bar follows bytes (a big video is most of the work), with the files beside it. */
function FilesLine({ jobId }: { jobId: number }) {
  const done = useAppStore((s) => s.jobs.byId[jobId]?.filesDone ?? 0);
  const total = useAppStore((s) => s.jobs.byId[jobId]?.filesTotal ?? 0);
  const bytesDone = useAppStore((s) => s.jobs.byId[jobId]?.bytesDone ?? 0);
  const bytesTotal = useAppStore((s) => s.jobs.byId[jobId]?.bytesTotal ?? 0);
  const fraction = doneFraction({ filesDone: done, filesTotal: total, bytesDone, bytesTotal });
  const percent = Math.floor(fraction * 100);
  const known = bytesTotal > 0 || total > 0;
  return (
    <div className="files-line">
      <progress max={100} value={known ? percent : 0} aria-label={bytesTotal > 0 ? 'Share of the bytes done' : 'Files done'} data-testid="job-bar" />
      <p data-testid="job-files">
        {known ? `${percent}% · ` : ''}
        {formatCount(done)} of {formatCount(total)} files
        {bytesTotal > 0 ? ` · ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}` : ''}
      </p>
    </div>
  );
}

function BytesLine({ jobId }: { jobId: number }) {
  const done = useAppStore((s) => s.jobs.byId[jobId]?.bytesDone ?? 0);
  const total = useAppStore((s) => s.jobs.byId[jobId]?.bytesTotal ?? 0);
  return (
    <p data-testid="job-bytes">
      {formatBytes(done)} of {formatBytes(total)} copied
    </p>
  );
}

function SpeedLine({ jobId }: { jobId: number }) {
  const speed = useAppStore((s) => s.jobs.byId[jobId]?.bytesPerSecond ?? 0);
  const eta = useAppStore((s) => s.jobs.byId[jobId]?.etaSeconds ?? null);
  const running = useAppStore((s) => s.jobs.byId[jobId]?.status === 'running');
  if (!running) return null;
  return (
    <p className="muted" data-testid="job-speed">
      {formatSpeed(speed)}
      {eta !== null ? ` · ${formatEta(eta)}` : ''}
    </p>
  );
}

function CurrentFile({ jobId }: { jobId: number }) {
  const file = useAppStore((s) => s.jobs.byId[jobId]?.currentFile ?? null);
  if (!file) return null;
  return (
    <p className="current-file" title={file} data-testid="job-current-file">
      Now: {file}
    </p>
  );
}

function JobButtons({ jobId }: { jobId: number }) {
  const status = useAppStore((s) => s.jobs.byId[jobId]?.status);
  if (!status) return null;
  const canPause = status === 'running' || status === 'queued';
  const canResume = RESUMABLE_STATUSES.includes(status);
  const canCancel = status === 'running' || status === 'queued' || status === 'paused';
  if (!canPause && !canResume && !canCancel) return null;
  return (
    <div className="button-row">
      {canPause ? (
        <button type="button" data-testid="pause-job" onClick={() => void pauseJob(jobId)}>
          Pause
        </button>
      ) : null}
      {canResume ? (
        <button type="button" className="primary" data-testid="resume-job" onClick={() => void resumeJob(jobId)}>
          Resume
        </button>
      ) : null}
      {canCancel ? (
        <button type="button" className="danger" data-testid="cancel-job" onClick={() => void cancelJob(jobId)}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}

function JobErrors({ jobId }: { jobId: number }) {
  const actionError = useAppStore((s) => s.jobs.byId[jobId]?.actionError ?? null);
  const jobError = useAppStore((s) => s.jobs.byId[jobId]?.error ?? null);
  return (
    <>
      <ErrorMessage error={actionError} />
      <ErrorMessage error={jobError} testId="job-error" />
    </>
  );
}
