import { useState, type DragEvent } from 'react';
import { reviewImported, startImport } from '../store/job-actions.js';
import { addSourceFolders, removeSourceFolder } from '../store/ui-actions.js';
import { useAppStore } from '../store/store.js';
import { ErrorMessage } from './ErrorMessage.js';
import { InlineTextForm } from './InlineTextForm.js';
import { FolderPickerButton } from './FolderPickerButton.js';
import { JobProgress } from './JobProgress.js';
import { formatCount } from '../lib/format.js';

/** Paths of dropped folders, where the runtime exposes them (older Electron put `path` on File). */
/** Paths of dropped folders: the desktop preload can tell them (webUtils); a browser cannot. */
function droppedPaths(e: DragEvent): string[] {
  const paths: string[] = [];
  for (const file of Array.from(e.dataTransfer.files)) {
    const path = window.desktopFiles?.pathForFile(file) ?? (file as File & { path?: unknown }).path;
    if (typeof path === 'string' && path) paths.push(path);
  }
  return paths;
}

export function ImportScreen() {
  const folders = useAppStore((s) => s.ui.sourceFolders);
  const error = useAppStore((s) => s.ui.importError);
  const starting = useAppStore((s) => s.ui.importStarting);
  const jobId = useAppStore((s) => s.jobs.current.import);
  const [typed, setTyped] = useState('');
  const [dropHint, setDropHint] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  function addTyped(): void {
    if (!typed.trim()) return;
    addSourceFolders([typed]);
    setTyped('');
  }

  return (
    <div className="screen">
      <h1>Import photos and videos</h1>
      <p className="lead">
        Choose the folders that hold your photos and videos. MediaParser only reads them; your originals are never changed,
        moved or deleted.
      </p>

      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const paths = droppedPaths(e);
          if (paths.length > 0) {
            addSourceFolders(paths);
            setDropHint(null);
          } else {
            setDropHint('This window cannot read the location of dropped folders. Please use "Choose folders…" or type the folder path.');
          }
        }}
      >
        <div className="button-row">
          <FolderPickerButton
            purpose="source"
            multiple
            label="Choose folders…"
            testId="pick-source-folder"
            onPicked={(paths) => addSourceFolders(paths)}
          />
        </div>
        <InlineTextForm
          id="source-folder-input"
          label="Or type a folder path"
          value={typed}
          onChange={setTyped}
          onSubmit={addTyped}
          placeholder="/home/me/Pictures"
          inputTestId="source-folder-input"
          buttonTestId="add-source-folder"
          button="Add folder"
          disabled={!typed.trim()}
        />
        <p className="muted">You can also drop folders here.</p>
        {dropHint ? (
          <p className="hint" role="status">
            {dropHint}
          </p>
        ) : null}
      </div>

      <h2>Folders to import</h2>
      {folders.length === 0 ? (
        <p className="muted">No folders chosen yet.</p>
      ) : (
        <ul className="folder-chosen-list" aria-label="Folders to import" data-testid="source-folder-list">
          {folders.map((f) => (
            <li key={f}>
              <span className="path">{f}</span>
              <button type="button" className="link" aria-label={`Remove ${f}`} onClick={() => removeSourceFolder(f)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          data-testid="start-import"
          disabled={folders.length === 0 || starting}
          onClick={() => void startImport()}
        >
          {starting ? 'Starting…' : 'Start import'}
        </button>
      </div>
      <ErrorMessage error={error} testId="import-error" />

      {jobId !== null ? (
        <>
          <h2>Import progress</h2>
          <JobProgress jobId={jobId} showBytes={false} label="Import progress" />
          <ImportDone jobId={jobId} />
        </>
      ) : null}
    </div>
  );
}

function ImportDone({ jobId }: { jobId: number }) {
  const done = useAppStore((s) => s.jobs.byId[jobId]?.status === 'completed');
  const stats = useAppStore((s) => s.jobs.importStats[jobId] ?? null);
  if (!done) return null;
  return (
    <div className="import-done">
      <p className="success" role="status">
        Import finished. Next, check the dates the app is unsure about.
      </p>
      {stats ? (
        <ul className="import-summary" data-testid="import-summary">
          <li>
            <strong>{formatCount(stats.new)}</strong> new
          </li>
          <li>
            <strong>{formatCount(stats.known)}</strong> already known
          </li>
          <li>
            <strong>{formatCount(stats.failed)}</strong> could not be read
          </li>
          <li>
            <strong>{formatCount(stats.skipped)}</strong> skipped (hidden and system files)
          </li>
        </ul>
      ) : null}
      {stats && stats.skipped > 0 && stats.skippedExamples && stats.skippedExamples.length > 0 ? (
        <details className="skipped-list" data-testid="import-skipped">
          <summary>Which files were skipped</summary>
          <ul>
            {stats.skippedExamples.map((p) => (
              <li key={p} className="path">
                {p}
              </li>
            ))}
            {stats.skipped > stats.skippedExamples.length ? <li>… and {formatCount(stats.skipped - stats.skippedExamples.length)} more</li> : null}
          </ul>
        </details>
      ) : null}
      <div className="button-row">
        <button type="button" className="primary" data-testid="go-to-library" onClick={reviewImported}>
          Review the files
        </button>
      </div>
    </div>
  );
}
