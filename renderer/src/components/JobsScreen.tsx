import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RESUMABLE_STATUSES } from '../../../shared/types.js';
import { loadJobs, resumeJob } from '../store/job-actions.js';
import { navigate } from '../store/ui-actions.js';
import { useAppStore } from '../store/store.js';
import { formatCount, formatStatus } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';

export function JobsScreen() {
  const order = useAppStore((s) => s.jobs.order);
  const error = useAppStore((s) => s.jobs.listError);
  const loading = useAppStore((s) => s.jobs.listLoading);
  useEffect(() => {
    void loadJobs();
  }, []);
  return (
    <div className="screen">
      <h1>Jobs</h1>
      <div className="button-row">
        <button type="button" data-testid="refresh-jobs" disabled={loading} onClick={() => void loadJobs()}>
          Refresh
        </button>
      </div>
      <ErrorMessage error={error} />
      {order.length === 0 ? (
        <p className="muted">{loading ? 'Loading…' : 'No imports or exports yet.'}</p>
      ) : (
        <table className="jobs-table" data-testid="jobs-table">
          <caption className="visually-hidden">Imports and exports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Files</th>
              <th scope="col">Problems</th>
              <th scope="col">Started</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {order.map((id) => (
              <JobRow key={id} id={id} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function JobRow({ id }: { id: number }) {
  // Only what the row shows: byte counts and speed tick many times a second and are not shown here.
  const job = useAppStore(
    useShallow((s) => {
      const j = s.jobs.byId[id];
      if (!j) return null;
      return {
        type: j.type,
        status: j.status,
        filesDone: j.filesDone,
        filesTotal: j.filesTotal,
        errorCount: j.errorCount,
        startedAt: j.startedAt,
        createdAt: j.createdAt,
        actionError: j.actionError,
      };
    }),
  );
  if (!job) return null;
  const resumable = RESUMABLE_STATUSES.includes(job.status);
  return (
    <tr data-testid={`job-row-${id}`}>
      <td>{id}</td>
      <td>{job.type === 'import' ? 'Import' : 'Export'}</td>
      <td data-testid={`job-row-status-${id}`}>{formatStatus(job.status)}</td>
      <td>
        {formatCount(job.filesDone)} of {formatCount(job.filesTotal)}
      </td>
      <td>{job.errorCount > 0 ? formatCount(job.errorCount) : ''}</td>
      <td>{job.startedAt ? new Date(job.startedAt).toLocaleString() : job.createdAt ? new Date(job.createdAt).toLocaleString() : ''}</td>
      <td>
        {resumable ? (
          <button
            type="button"
            data-testid={`resume-job-${id}`}
            onClick={() => {
              void resumeJob(id);
              navigate(job.type === 'import' ? 'import' : 'export');
            }}
          >
            Resume
          </button>
        ) : null}
        {job.actionError ? <ErrorMessage error={job.actionError} /> : null}
      </td>
    </tr>
  );
}
