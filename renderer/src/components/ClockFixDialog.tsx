import { useEffect, useRef, useState } from 'react';
import { folderOf, parseShiftOffset, type ShiftApplied, type ShiftChange, type ShiftPreview, type ShiftTarget, type ShiftUndone } from '../../../shared/date-shift.js';
import type { AppError } from '../../../shared/errors.js';
import type { FileSummary } from '../../../shared/types.js';
import { formatCount, formatTimestamp, toInputValue, validateDateInput } from '../lib/format.js';
import { applyShift, previewShift, undoShift, type ShiftRequest } from '../store/clock-actions.js';
import { Modal } from './Modal.js';
import { ErrorMessage } from './ErrorMessage.js';

type Scope = 'selected' | 'session' | 'camera' | 'folder' | 'import';
type Mode = 'offset' | 'actual';

export interface ClockFixContext {
  /** The files chosen in the library (may be just the one in the details panel). */
  fileIds: number[];
  /** The photo the user is looking at: offers its session, camera, folder and "really taken at". */
  file: FileSummary | null;
}

/** "Fix camera clock…": opens the dialog for the library selection or the file in the details panel. */
export function ClockFixButton({ context, disabled = false }: { context: ClockFixContext; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        data-testid="open-clock-fix"
        disabled={disabled || (context.fileIds.length === 0 && context.file === null)}
        onClick={() => setOpen(true)}
      >
        Fix camera clock…
      </button>
      {open ? <ClockFixDialog context={context} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function scopeTarget(scope: Scope, context: ClockFixContext): ShiftTarget | null {
  const file = context.file;
  switch (scope) {
    case 'selected':
      return context.fileIds.length > 0 ? { kind: 'files', ids: context.fileIds } : null;
    case 'session':
      return file ? { kind: 'session', fileId: file.id } : null;
    case 'camera':
      return file?.cameraModel ? { kind: 'camera', model: file.cameraModel } : null;
    case 'folder':
      return file ? { kind: 'folder', folder: folderOf(file.originalPath) } : null;
    case 'import':
      return file ? { kind: 'import-of', fileId: file.id } : null;
    default: {
      const never: never = scope;
      return never;
    }
  }
}

/**
 * Camera clock correction: which files, by how much (an offset, or "this photo was really taken
 * at"), a preview of every file's new time and archive name, Apply, then Undo.
 */
export function ClockFixDialog({ context, onClose }: { context: ClockFixContext; onClose: () => void }) {
  const file = context.file;
  const dated = file !== null && (file.finalTimestamp ?? file.detectedTimestamp) !== null;
  const [scope, setScope] = useState<Scope>(context.fileIds.length > 1 || !dated ? 'selected' : 'session');
  const [mode, setMode] = useState<Mode>('offset');
  const [offset, setOffset] = useState('');
  const [actual, setActual] = useState(toInputValue(file?.finalTimestamp ?? file?.detectedTimestamp ?? null));
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [preview, setPreview] = useState<{ request: ShiftRequest; value: ShiftPreview } | null>(null);
  const [applied, setApplied] = useState<ShiftApplied | null>(null);
  const [undone, setUndone] = useState<ShiftUndone | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  // Any change to the inputs makes the shown preview stale: Apply needs a new one.
  useEffect(() => {
    setPreview(null);
    setError(null);
  }, [scope, mode, offset, actual]);

  function buildRequest(): ShiftRequest | null {
    const target = scopeTarget(scope, context);
    if (target === null) {
      setProblem('Choose which files to correct.');
      return null;
    }
    let change: ShiftChange;
    if (mode === 'offset') {
      const parsed = parseShiftOffset(offset);
      if (!parsed.ok) {
        setProblem(parsed.message);
        return null;
      }
      change = { kind: 'offset', offset };
    } else {
      const checked = validateDateInput(actual);
      if (!checked.ok || file === null) {
        setProblem(checked.ok ? 'Open one photo to say when it was really taken.' : checked.message);
        return null;
      }
      change = { kind: 'actual', fileId: file.id, timestamp: checked.value };
    }
    setProblem(null);
    return { target, change };
  }

  async function runPreview(): Promise<void> {
    const request = buildRequest();
    if (request === null) return;
    setBusy(true);
    const result = await previewShift(request);
    setBusy(false);
    if (result.ok) {
      setPreview({ request, value: result.value });
      setError(null);
    } else setError(result.error);
  }

  async function runApply(): Promise<void> {
    if (preview === null) return;
    setBusy(true);
    const result = await applyShift(preview.request);
    setBusy(false);
    if (result.ok) {
      setApplied(result.value);
      setUndone(null);
      setError(null);
    } else setError(result.error);
  }

  async function runUndo(): Promise<void> {
    if (applied === null) return;
    setBusy(true);
    const result = await undoShift(applied.shiftId);
    setBusy(false);
    if (result.ok) {
      setUndone(result.value);
      setApplied(null);
      setPreview(null);
      setError(null);
    } else setError(result.error);
  }

  const scopes: { value: Scope; label: string }[] = [];
  if (context.fileIds.length > 0) scopes.push({ value: 'selected', label: context.fileIds.length === 1 ? 'Only this file' : `The ${formatCount(context.fileIds.length)} selected files` });
  if (file && dated) scopes.push({ value: 'session', label: `This photo's session: ${file.cameraModel ?? 'the same unknown camera'}, same folder, no pause longer than a day` });
  if (file?.cameraModel) scopes.push({ value: 'camera', label: `Every file from ${file.cameraModel}` });
  if (file) scopes.push({ value: 'folder', label: `Every file in ${folderOf(file.originalPath)}` });
  if (file) scopes.push({ value: 'import', label: 'Every file of the import this photo came in with' });

  return (
    <Modal className="clock-fix" titleId="clock-fix-title" testId="clock-fix" onClose={onClose}>
      <h2 id="clock-fix-title" tabIndex={-1} ref={headingRef}>
        Fix camera clock
      </h2>
      <p className="muted">
        A camera set to the wrong time puts every photo it took at the wrong time. Move them all by the same amount; the originals are not touched.
      </p>
      <fieldset>
        <legend>Which files</legend>
        {scopes.map((s) => (
          <label key={s.value} className="radio">
            <input type="radio" name="clock-scope" value={s.value} data-testid={`clock-scope-${s.value}`} checked={scope === s.value} onChange={() => setScope(s.value)} />
            {s.label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>By how much</legend>
        <label className="radio">
          <input type="radio" name="clock-mode" data-testid="clock-mode-offset" checked={mode === 'offset'} onChange={() => setMode('offset')} />
          Move by
          <input
            type="text"
            data-testid="clock-offset"
            aria-label="Offset, for example +1h, -8h or +1d 2h 3m"
            placeholder="+1h, -8h, +1d 2h 3m"
            value={offset}
            onFocus={() => setMode('offset')}
            onChange={(e) => setOffset(e.target.value)}
          />
        </label>
        {file && dated ? (
          <label className="radio">
            <input type="radio" name="clock-mode" data-testid="clock-mode-actual" checked={mode === 'actual'} onChange={() => setMode('actual')} />
            {file.originalName} was really taken at
            <input
              type="text"
              data-testid="clock-actual"
              aria-label="The real date and time of this photo"
              placeholder="YYYY-MM-DDTHH:MM:SS"
              value={actual}
              onFocus={() => setMode('actual')}
              onChange={(e) => setActual(e.target.value)}
            />
          </label>
        ) : null}
      </fieldset>
      {problem ? (
        <p className="error" role="alert" data-testid="clock-problem">
          {problem}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      {applied ? (
        <p role="status" data-testid="clock-applied">
          Corrected {formatCount(applied.updated)} files by {applied.delta}.
        </p>
      ) : null}
      {undone ? (
        <p role="status" data-testid="clock-undone">
          Undone: {formatCount(undone.restored)} files are back at their earlier time
          {undone.changedSince > 0 ? `; ${formatCount(undone.changedSince)} changed since keep their newer time` : ''}.
        </p>
      ) : null}
      {preview && !applied ? <PreviewTable preview={preview.value} /> : null}
      <div className="button-row">
        {applied ? (
          <button type="button" data-testid="clock-undo" disabled={busy} onClick={() => void runUndo()}>
            Undo
          </button>
        ) : (
          <>
            <button type="button" data-testid="clock-preview" disabled={busy} onClick={() => void runPreview()}>
              Preview
            </button>
            <button
              type="button"
              className="primary"
              data-testid="clock-apply"
              disabled={busy || preview === null || preview.value.total === 0}
              onClick={() => void runApply()}
            >
              {preview ? `Apply to ${formatCount(preview.value.total)} files` : 'Apply'}
            </button>
          </>
        )}
        <button type="button" data-testid="clock-close" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

function PreviewTable({ preview }: { preview: ShiftPreview }) {
  return (
    <div className="clock-preview" data-testid="clock-preview-table">
      <p>
        {preview.delta} for {preview.description}: {formatCount(preview.total)} files
        {preview.undated > 0 ? `; ${formatCount(preview.undated)} without a date stay as they are` : ''}
        {preview.outOfRange > 0 ? `; ${formatCount(preview.outOfRange)} would leave the calendar and stay as they are` : ''}.
      </p>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Now</th>
              <th scope="col">After</th>
              <th scope="col">Archive name after</th>
            </tr>
          </thead>
          <tbody>
            {preview.items.map((i) => (
              <tr key={i.id} data-testid="clock-preview-row" data-file-id={i.id}>
                <td title={i.originalPath}>{i.originalName}</td>
                <td>{formatTimestamp(i.before)}</td>
                <td>{formatTimestamp(i.after)}</td>
                <td title={`was ${i.beforeName}`}>{i.afterName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.total > preview.items.length ? <p className="muted">… and {formatCount(preview.total - preview.items.length)} more.</p> : null}
    </div>
  );
}
