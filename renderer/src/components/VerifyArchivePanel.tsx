import { verifyProblemCount, type VerifyChanged, type VerifyReport } from '../../../shared/verify-report.js';
import { formatBytes, formatCount } from '../lib/format.js';
import { cancelVerify, startVerify } from '../store/verify-actions.js';
import { useAppStore } from '../store/store.js';
import { ErrorMessage } from './ErrorMessage.js';

/** Problem lists longer than this are cut (the CLI's `mediaparser verify` prints them all). */
const LIST_LIMIT = 200;

/**
 * "Verify archive": re-hashes every copy in `root` against the archive's manifest and shows what
 * is ok, changed, missing or not in the manifest.
 */
export function VerifyArchivePanel({ root }: { root: string }) {
  const status = useAppStore((s) => (s.verify.root === root ? s.verify.status : 'idle'));
  const busy = status === 'starting' || status === 'running';
  return (
    <section className="verify-archive" aria-labelledby="verify-title" data-testid="verify-archive">
      <h2 id="verify-title">Verify archive</h2>
      <p className="muted">Reads every file MediaParser copied into this folder again and checks it against the archive&apos;s manifest.</p>
      <div className="button-row">
        <button type="button" data-testid="verify-start" disabled={busy} onClick={() => void startVerify(root)}>
          {busy ? 'Verifying…' : status === 'idle' ? 'Verify archive' : 'Verify again'}
        </button>
        {status === 'running' ? (
          <button type="button" data-testid="verify-cancel" onClick={() => void cancelVerify()}>
            Cancel
          </button>
        ) : null}
      </div>
      {busy ? <VerifyProgressView /> : null}
      {status === 'cancelled' ? (
        <p data-testid="verify-cancelled" role="status">
          Verification cancelled.
        </p>
      ) : null}
      <VerifyError root={root} />
      {status === 'completed' ? <VerifyResult /> : null}
    </section>
  );
}

function VerifyProgressView() {
  const filesDone = useAppStore((s) => s.verify.progress?.filesDone ?? 0);
  const filesTotal = useAppStore((s) => s.verify.progress?.filesTotal ?? 0);
  const bytesDone = useAppStore((s) => s.verify.progress?.bytesDone ?? 0);
  const bytesTotal = useAppStore((s) => s.verify.progress?.bytesTotal ?? 0);
  const current = useAppStore((s) => s.verify.progress?.currentFile ?? null);
  const percent = bytesTotal > 0 ? Math.floor((bytesDone / bytesTotal) * 100) : 0;
  return (
    <div className="job-progress" data-testid="verify-progress">
      <progress max={bytesTotal || 1} value={bytesTotal ? bytesDone : 0} aria-label="Verified" />
      <p data-testid="verify-progress-text">
        {formatCount(filesDone)} of {formatCount(filesTotal)} files · {formatBytes(bytesDone)} of {formatBytes(bytesTotal)} checked
        {bytesTotal > 0 ? ` (${percent}%)` : ''}
      </p>
      {current ? (
        <p className="muted path" data-testid="verify-current">
          {current}
        </p>
      ) : null}
    </div>
  );
}

function VerifyError({ root }: { root: string }) {
  const error = useAppStore((s) => (s.verify.root === root ? s.verify.error : null));
  return <ErrorMessage error={error} testId="verify-error" />;
}

function describeChange(c: VerifyChanged): string {
  switch (c.reason) {
    case 'size':
      return `now ${formatBytes(c.actualSize ?? 0)}, was ${formatBytes(c.expectedSize)}`;
    case 'content':
      return 'same size, different content';
    case 'not-a-file':
      return 'no longer a file';
    default: {
      const never: never = c.reason;
      return String(never);
    }
  }
}

function VerifyResult() {
  const report = useAppStore((s) => s.verify.report);
  if (!report) return null;
  const problems = verifyProblemCount(report);
  return (
    <div className="verify-result" data-testid="verify-result">
      {problems === 0 ? (
        <p data-testid="verify-summary" role="status">
          Everything is intact: {formatCount(report.ok)} files ({formatBytes(report.bytesChecked)}) hold exactly the bytes MediaParser copied.
        </p>
      ) : (
        <p className="error" data-testid="verify-summary" role="alert">
          {formatCount(problems)} {problems === 1 ? 'file needs' : 'files need'} your attention.
        </p>
      )}
      <ul className="preview-facts" data-testid="verify-counts">
        <li data-testid="verify-count-ok">{formatCount(report.ok)} ok</li>
        <li data-testid="verify-count-changed">{formatCount(report.changed.length)} changed</li>
        <li data-testid="verify-count-missing">{formatCount(report.missing.length)} missing</li>
        <li data-testid="verify-count-extra">{formatCount(report.notInManifest.length)} not in the manifest</li>
        {report.unreadable.length > 0 ? <li>{formatCount(report.unreadable.length)} could not be read</li> : null}
        {report.movedAside.length > 0 ? <li>{formatCount(report.movedAside.length)} moved aside by MediaParser (kept)</li> : null}
      </ul>
      <ProblemList
        testId="verify-changed"
        title="Changed: not the bytes MediaParser copied"
        items={report.changed.map((c) => ({ path: c.path, note: describeChange(c) }))}
      />
      <ProblemList testId="verify-missing" title="Missing from the archive" items={report.missing.map((m) => ({ path: m.path }))} />
      <ProblemList
        testId="verify-extra"
        title="Not in the manifest (MediaParser did not put these here)"
        items={report.notInManifest.map((m) => ({ path: m.path }))}
      />
      <ProblemList testId="verify-unreadable" title="Could not be read" items={report.unreadable.map((u) => ({ path: u.path, note: u.error.message }))} />
      <ProblemList
        testId="verify-aside"
        title="Moved aside by MediaParser (kept, not a problem)"
        items={report.movedAside.map((a) => ({ path: a.path, ...(a.from ? { note: `was ${a.from}` } : {}) }))}
      />
      <ManifestNote report={report} />
    </div>
  );
}

function ProblemList({ testId, title, items }: { testId: string; title: string; items: { path: string; note?: string }[] }) {
  if (items.length === 0) return null;
  const shown = items.slice(0, LIST_LIMIT);
  return (
    <section data-testid={testId}>
      <h3>
        {title} ({formatCount(items.length)})
      </h3>
      <ul className="file-errors">
        {shown.map((item) => (
          <li key={item.path}>
            <span className="path">{item.path}</span>
            {item.note ? `: ${item.note}` : null}
          </li>
        ))}
      </ul>
      {items.length > shown.length ? (
        <p className="muted">
          … and {formatCount(items.length - shown.length)} more (<code>mediaparser verify</code> lists them all).
        </p>
      ) : null}
    </section>
  );
}

function ManifestNote({ report }: { report: VerifyReport }) {
  if (report.manifestSkippedLines === 0) return null;
  return (
    <p className="muted">
      {formatCount(report.manifestSkippedLines)} line(s) of the manifest could not be read and were skipped (a line cut short by a crash is
      harmless).
    </p>
  );
}
