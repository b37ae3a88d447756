import { useEffect, useRef, useState } from 'react';
import { formatCaptureTime } from '../../../shared/capture-time.js';
import type { AppError } from '../../../shared/errors.js';
import type { FileDetails, FileSummary } from '../../../shared/types.js';
import { closeDetails, keepDuplicate, setFileDate } from '../store/details-actions.js';
import { saveTypedDate, toggleDiscard } from '../store/review-actions.js';
import { thumbnailSrc } from '../store/settings-slice.js';
import { useAppStore } from '../store/store.js';
import { CONFIDENCE_LABEL, SOURCE_LABEL, formatBytes, formatTimestamp, precisionLabel, toInputValue, validateDateInput } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
import { ClockFixButton } from './ClockFixDialog.js';
import { MediaPreview } from './MediaPreview.js';
import { Thumb } from './Thumb.js';

export function FileDetailsPanel() {
  const details = useAppStore((s) => s.library.details);
  const app = useAppStore((s) => s.settings.app);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setActionError(null);
  }, [details.id]);

  const file = details.data;
  if (details.id === null) {
    return (
      <aside className="details-panel empty" aria-labelledby="details-title" data-testid="file-details-empty">
        <h2 id="details-title" tabIndex={-1}>
          File details
        </h2>
        <p className="muted">Click a file, or press J, to see its dates here. Press ? for the keys that review without the mouse.</p>
      </aside>
    );
  }
  const date = file ? (file.finalTimestamp ?? file.detectedTimestamp) : null;
  const precision = precisionLabel(date);
  return (
    <aside className="details-panel" aria-labelledby="details-title" data-testid="file-details">
      <div className="details-header">
        <h2 id="details-title" data-testid="details-title" tabIndex={-1} ref={headingRef}>
          {file ? file.originalName : 'File details'}
        </h2>
        <button
          type="button"
          aria-label="Close details"
          data-testid="close-details"
          onClick={() => {
            const id = details.id;
            closeDetails();
            document.querySelector<HTMLElement>(`[data-testid="file-card-${id}"]`)?.focus();
          }}
        >
          ✕
        </button>
      </div>
      {details.loading && !file ? <p className="muted">Loading…</p> : null}
      <ErrorMessage error={details.error} />
      {file ? (
        <>
          <MediaPreview app={app} file={file} />
          <dl className="facts">
            <dt>Date</dt>
            <dd data-testid="details-date">{formatTimestamp(date)}</dd>
            {precision ? (
              <>
                <dt>Precision</dt>
                <dd data-testid="details-precision">{precision}</dd>
              </>
            ) : null}
            <dt>How sure</dt>
            <dd>
              {file.finalTimestamp && file.reviewedAt ? 'Set by you' : (CONFIDENCE_LABEL[file.confidence] ?? file.confidence)}
              {file.timestampSource ? ` — ${SOURCE_LABEL[file.timestampSource] ?? file.timestampSource}` : ''}
            </dd>
            <dt>Where</dt>
            <dd className="path">{file.originalPath}</dd>
            <dt>Size</dt>
            <dd>
              {formatBytes(file.size)}
              {file.width && file.height ? ` · ${file.width} × ${file.height}` : ''}
            </dd>
            {file.outputPath ? (
              <>
                <dt>Exported to</dt>
                <dd className="path">{file.outputPath}</dd>
              </>
            ) : null}
            {file.error ? (
              <>
                <dt>Problem</dt>
                <dd>{file.error}</dd>
              </>
            ) : null}
          </dl>
          <Candidates file={file} onError={setActionError} />
          <DateEditor key={file.id} file={file} onError={setActionError} />
          <div className="button-row">
            {/* Camera clock correction (ClockFixDialog) */}
            <ClockFixButton context={{ fileIds: [file.id], file }} />
            {file.discarded ? (
              <button type="button" data-testid="restore-file" aria-keyshortcuts="X" onClick={() => void toggleDiscard().then(setActionError)}>
                Restore (export it after all)
              </button>
            ) : (
              <button
                type="button"
                className="danger"
                data-testid="discard-file"
                aria-keyshortcuts="X"
                onClick={() => void toggleDiscard().then(setActionError)}
              >
                Discard (do not export)
              </button>
            )}
          </div>
          {file.discarded ? <p className="muted">This file is discarded and will not be exported. The original stays where it is.</p> : null}
          <ErrorMessage error={actionError} />
          <Duplicates file={file} onError={setActionError} />
        </>
      ) : null}
    </aside>
  );
}

function Candidates({ file, onError }: { file: FileDetails; onError: (e: AppError | null) => void }) {
  if (file.candidates.length === 0) return <p className="muted">No dates were found inside this file or its name.</p>;
  return (
    <section aria-labelledby="candidates-title">
      <h3 id="candidates-title">Dates found</h3>
      <ul className="candidates" data-testid="date-candidates">
        {file.candidates.map((c, i) => {
          const value = formatCaptureTime(c);
          const current = (file.finalTimestamp ?? file.detectedTimestamp) === value;
          return (
            <li key={`${c.source}-${i}`} className={c.plausible ? '' : 'implausible'}>
              <div>
                {i < 9 ? <kbd className="candidate-key" aria-hidden="true">{i + 1}</kbd> : null}
                <strong>{formatTimestamp(value)}</strong>
                <div className="muted">
                  {SOURCE_LABEL[c.source] ?? c.source}
                  {c.plausible ? '' : ` — looks wrong${c.note ? ` (${c.note})` : ''}`}
                </div>
                {c.zone ? (
                  <div className="muted" data-testid={`candidate-zone-${i}`}>
                    Stored in UTC, shown in {c.zone.replaceAll('_', ' ')}: {c.zoneReason}
                  </div>
                ) : null}
              </div>
              <button
                type="button"
                data-testid={`use-candidate-${i}`}
                disabled={current}
                aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
                onClick={() => void saveTypedDate(file.id, value).then(onError)}
              >
                {current ? 'In use' : 'Use this date'}
                <span className="visually-hidden">: {formatTimestamp(value)} from {SOURCE_LABEL[c.source] ?? c.source}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function DateEditor({ file, onError }: { file: FileDetails; onError: (e: AppError | null) => void }) {
  const [text, setText] = useState(toInputValue(file.finalTimestamp ?? file.detectedTimestamp));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(): Promise<void> {
    const checked = validateDateInput(text);
    if (!checked.ok) {
      setProblem(checked.message);
      return;
    }
    setProblem(null);
    setSaving(true);
    const error = await saveTypedDate(file.id, checked.value);
    setSaving(false);
    onError(error);
    // The form may now show the next file; keep the keys working from the panel.
    if (!error) document.getElementById('details-title')?.focus();
  }

  return (
    <form
      className="date-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor="date-input">Type the right date and time (T)</label>
      <input
        id="date-input"
        data-testid="date-input"
        type="text"
        inputMode="numeric"
        placeholder="YYYY-MM-DDTHH:MM:SS"
        aria-keyshortcuts="T"
        value={text}
        aria-invalid={problem !== null}
        aria-describedby={problem ? 'date-input-error' : 'date-input-help'}
        onChange={(e) => setText(e.target.value)}
      />
      <span id="date-input-help" className="muted">
        For example 2021-07-14T15:30:00; for a scan 1987-12-25, 1987-12 or 1987
      </span>
      {problem ? (
        <span id="date-input-error" className="error" role="alert" data-testid="date-input-error">
          {problem}
        </span>
      ) : null}
      <div className="button-row">
        <button type="submit" className="primary" data-testid="save-date" disabled={saving}>
          {saving ? 'Saving…' : 'Save date'}
        </button>
        {file.finalTimestamp ? (
          <button type="button" data-testid="clear-date" onClick={() => void setFileDate(file.id, null).then(onError)}>
            Forget my date
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Duplicates({ file, onError }: { file: FileDetails; onError: (e: AppError | null) => void }) {
  const app = useAppStore((s) => s.settings.app);
  const group = file.duplicateGroup;
  if (group === null || file.duplicates.length === 0) return null;
  const members: FileSummary[] = [file, ...file.duplicates.filter((d) => d.id !== file.id)];
  return (
    <section aria-labelledby="duplicates-title" data-testid="duplicates">
      <h3 id="duplicates-title">Identical copies</h3>
      <p className="muted">These files have exactly the same content. Keep one; the others are discarded (never deleted).</p>
      <ul className="duplicate-group">
        {members.map((m) => (
          <li key={m.id} className={m.discarded ? 'discarded' : ''}>
            <Thumb src={thumbnailSrc(app, m.id, 'small')} alt="" />
            <div className="path" title={m.originalPath}>
              {m.originalPath}
            </div>
            <div className="muted">
              {formatBytes(m.size)}
              {m.width && m.height ? ` · ${m.width} × ${m.height}` : ''}
              {m.discarded ? ' · discarded' : ''}
            </div>
            <button
              type="button"
              data-testid={`keep-duplicate-${m.id}`}
              onClick={() => void keepDuplicate(group, m.id).then(onError)}
            >
              Keep this one
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
