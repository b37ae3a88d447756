import { useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../shared/errors.js';
import { DEFAULT_NAME_TEMPLATE, NAME_TOKENS, validateNameTemplate } from '../../../shared/name-template.js';
import type { WriteReason } from '../../../shared/types.js';
import { loadExportPreview, startExport } from '../store/export-actions.js';
import { clearCurrentJob } from '../store/job-actions.js';
import { saveSettings, showPath } from '../store/settings-actions.js';
import { isFinishedStatus } from '../store/jobs-slice.js';
import { useAppStore } from '../store/store.js';
import { formatBytes, formatCount } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
import { JobProgress } from './JobProgress.js';
import { OutputFolderField } from './OutputFolderField.js';
import { VerifyArchivePanel } from './VerifyArchivePanel.js';

/** How the preview says why a copy gets metadata written in (the original never changes). */
const WRITE_REASONS: Record<WriteReason, string> = {
  'date-set-by-user': 'get the date you set written in',
  'date-from-name': 'get the date from their file name written in',
  'date-from-file-time': 'get the date from their file time written in',
  'date-not-embedded': 'get their date written in',
  'folder-tags': 'get their folder tags as keywords',
};

export function ExportScreen() {
  const outputDir = useAppStore((s) => s.settings.value?.outputDirectory ?? null);
  const jobId = useAppStore((s) => s.jobs.current.export);
  // The preview and Start step aside while an export runs and while its summary is shown; after a
  // cancel or failure they come back next to Resume, so the user can choose either.
  const showStart = useAppStore((s) => {
    const id = s.jobs.current.export;
    const job = id === null ? undefined : s.jobs.byId[id];
    return job === undefined || (isFinishedStatus(job.status) && job.status !== 'completed');
  });

  useEffect(() => {
    if (outputDir && showStart) void loadExportPreview(outputDir);
  }, [outputDir, showStart]);

  return (
    <div className="screen">
      <h1>Export</h1>
      <p className="lead">
        MediaParser copies every kept file of your library that this output folder does not hold yet into it, named as you
        choose below (by default <code>year/YYYYMMDD_HHMMSS</code>). Your originals are not touched, and nothing already in the
        folder is overwritten or deleted.
      </p>
      <OutputFolderField />
      {showStart ? <PreviewAndStart /> : null}
      {jobId !== null ? (
        <>
          <h2>Export progress</h2>
          <JobProgress jobId={jobId} showBytes label="Export progress" />
          <FileErrors jobId={jobId} />
          <ExportSummary jobId={jobId} />
        </>
      ) : null}
      {outputDir ? <VerifyArchivePanel root={outputDir} /> : null}
    </div>
  );
}

/** How long typing may pause before the preview is asked for the names (ms). */
const NAME_PREVIEW_DELAY_MS = 300;

/**
 * The naming template, edited in place: refused as typed (the same rule the core applies), and
 * each valid template previewed by the core, which names the first files as the export will.
 */
function NamingTemplateField({ draft, onChange }: { draft: string; onChange: (value: string) => void }) {
  const saved = useAppStore((s) => s.settings.value?.nameTemplate ?? DEFAULT_NAME_TEMPLATE);
  const outputDir = useAppStore((s) => s.settings.value?.outputDirectory ?? null);
  const preview = useAppStore((s) => s.ui.exportPreview);
  const saving = useAppStore((s) => s.settings.saving);
  const problem = validateNameTemplate(draft);

  const previewed = preview.data?.nameTemplate;
  // The template last asked for here: a preview that failed is not asked for again and again.
  const requested = useRef<string | null>(null);
  useEffect(() => {
    // Asked for once typing pauses, whenever the preview shows another template than the one typed.
    if (!outputDir || problem !== null || preview.loading || previewed === draft || requested.current === draft) return;
    const timer = setTimeout(() => {
      requested.current = draft;
      void loadExportPreview(outputDir, draft === saved ? undefined : draft);
    }, NAME_PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, saved, outputDir, problem, preview.loading, previewed]);

  const names = preview.data?.nameTemplate === draft ? preview.data.names : null;
  return (
    <section aria-labelledby="naming-title" className="naming-template">
      <h3 id="naming-title">File names</h3>
      <div className="field">
        <label htmlFor="name-template">Naming template</label>
        <input
          id="name-template"
          data-testid="name-template"
          value={draft}
          spellCheck={false}
          aria-invalid={problem !== null}
          aria-describedby="name-template-help"
          onChange={(e) => onChange(e.target.value)}
        />
        <p className="muted" id="name-template-help">
          Folders are separated by <code>/</code>; the extension and a number for files with the same name (<code>_001</code>)
          are added. Tokens:{' '}
          {Object.entries(NAME_TOKENS).map(([token, what], i) => (
            <span key={token}>
              {i > 0 ? ', ' : ''}
              <code>{`{${token}}`}</code> {what}
            </span>
          ))}
          . Files without a date go to <code>unknown/</code> under their own name.
        </p>
      </div>
      {problem !== null ? (
        <p className="error" role="alert" data-testid="name-template-problem">
          {problem}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          data-testid="save-name-template"
          disabled={problem !== null || draft === saved || saving}
          onClick={() => void saveSettings({ nameTemplate: draft })}
        >
          Save naming
        </button>
        <button type="button" data-testid="default-name-template" disabled={draft === DEFAULT_NAME_TEMPLATE} onClick={() => onChange(DEFAULT_NAME_TEMPLATE)}>
          Use the default
        </button>
      </div>
      {problem === null && names !== null && names.length > 0 ? (
        <ul className="preview-facts" data-testid="name-examples" aria-label="Example names">
          {names.map((n) => (
            <li key={`${n.original}\u0000${n.name}`}>
              {n.original} → <code>{n.name}</code>
              {n.companions.length ? <> with {n.companions.map((c) => c).join(', ')}</> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {problem === null && draft !== saved ? (
        <p className="muted" data-testid="name-template-unsaved">
          Not saved yet: Start export saves it.
        </p>
      ) : null}
    </section>
  );
}

function PreviewAndStart() {
  const preview = useAppStore((s) => s.ui.exportPreview);
  const outputDir = useAppStore((s) => s.settings.value?.outputDirectory ?? null);
  const starting = useAppStore((s) => s.ui.exportStarting);
  const error = useAppStore((s) => s.ui.exportError);
  const savedTemplate = useAppStore((s) => s.settings.value?.nameTemplate ?? DEFAULT_NAME_TEMPLATE);
  const [draft, setDraft] = useState(savedTemplate);
  // A template saved elsewhere (Settings, the CLI through serve) replaces an untouched draft.
  useEffect(() => setDraft(savedTemplate), [savedTemplate]);
  const templateOk = validateNameTemplate(draft) === null;
  const data = preview.data;
  const tooBig = data !== null && data.freeBytes !== null && data.newBytes > data.freeBytes;

  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">What will happen</h2>
      <NamingTemplateField draft={draft} onChange={setDraft} />
      {!outputDir ? <p className="muted">Choose an output folder to see what the export will do.</p> : null}
      {preview.loading ? <p className="muted">Checking…</p> : null}
      <ErrorMessage error={preview.error} />
      {data?.outputProblem ? (
        <p className="error" role="alert" data-testid="preview-output-problem">
          {data.outputProblem}
        </p>
      ) : null}
      {data ? (
        <div className="export-preview" data-testid="export-preview">
          <p>
            <strong data-testid="preview-file-count">{formatCount(data.newCount)}</strong>{' '}
            {data.newCount === 1 ? 'file' : 'files'} will be copied ({formatBytes(data.newBytes)}).
            {data.freeBytes !== null ? ` Free space in the output folder: ${formatBytes(data.freeBytes)}.` : ''}
          </p>
          <ul className="preview-facts" data-testid="preview-archive">
            <li data-testid="preview-already">{formatCount(data.alreadyThere)} already in this folder (checked, not copied again)</li>
            {data.toRename > 0 ? (
              <li data-testid="preview-rename">{formatCount(data.toRename)} whose date or naming changed will be renamed in the folder (not copied again)</li>
            ) : null}
            {data.problems > 0 ? (
              <li data-testid="preview-problems">{formatCount(data.problems)} cannot be exported because their import failed</li>
            ) : null}
            {data.discardedInArchive > 0 ? (
              <li>{formatCount(data.discardedInArchive)} you discarded are already in this folder and stay there (MediaParser never deletes from it)</li>
            ) : null}
          </ul>
          {tooBig ? (
            <p className="error" role="alert">
              There is not enough free space in the output folder for all the files.
            </p>
          ) : null}
          {data.perYear.length > 0 ? (
            <table className="per-year">
              <caption>Files per year</caption>
              <thead>
                <tr>
                  <th scope="col">Year folder</th>
                  <th scope="col">Files</th>
                </tr>
              </thead>
              <tbody>
                {data.perYear.map((y) => (
                  <tr key={y.year}>
                    <td>{y.year}</td>
                    <td>{formatCount(y.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <ul className="preview-facts">
            <li data-testid="preview-undated">
              {formatCount(data.undatedCount)} without a date (they go to the <code>unknown</code> folder)
            </li>
            <li data-testid="preview-collisions">
              {formatCount(data.collisionCount)} share a date and time with another file and get a number added (_001, _002…)
            </li>
            {data.fidelity.livePhotos + data.fidelity.rawPairs > 0 ? (
              <li data-testid="preview-groups">
                {formatCount(data.fidelity.livePhotos)} Live Photo{data.fidelity.livePhotos === 1 ? '' : 's'} and {formatCount(data.fidelity.rawPairs)} RAW+JPEG pair
                {data.fidelity.rawPairs === 1 ? '' : 's'} keep one name for their parts
              </li>
            ) : null}
            {data.fidelity.sidecars > 0 ? (
              <li data-testid="preview-sidecars">{formatCount(data.fidelity.sidecars)} sidecar files (.xmp, .aae, .thm, Takeout .json) go along with their photos</li>
            ) : null}
          </ul>
          {data.fidelity.writes.length > 0 ? (
            <ul className="preview-facts" data-testid="preview-writes" aria-label="Copies that get metadata written in">
              {data.fidelity.writes.map((w) => (
                <li key={w.reason}>
                  {formatCount(w.count)} {WRITE_REASONS[w.reason]}
                </li>
              ))}
            </ul>
          ) : null}
          {data.fidelity.xmpSidecars > 0 ? (
            <p data-testid="preview-xmp-sidecars">
              {formatCount(data.fidelity.xmpSidecars)} file{data.fidelity.xmpSidecars === 1 ? ' gets' : 's get'} an XMP sidecar with the corrected date and tags: formats
              MediaParser does not write into (RAW, AVI, MTS, GIF…) are copied as they are.
            </p>
          ) : null}
          {data.fidelity.examples.length > 0 ? (
            <ul className="preview-facts" data-testid="preview-group-examples" aria-label="Files that travel together">
              {data.fidelity.examples.map((g) => (
                <li key={g.main}>
                  <code>{g.main}</code> with {g.companions.map((c) => c).join(', ')}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          data-testid="refresh-preview"
          disabled={!outputDir || preview.loading || !templateOk}
          onClick={() => void loadExportPreview(undefined, draft === savedTemplate ? undefined : draft)}
        >
          Check again
        </button>
        <button
          type="button"
          className="primary"
          data-testid="start-export"
          disabled={!outputDir || starting || Boolean(data?.outputProblem) || !templateOk}
          onClick={() => void startExport(draft === savedTemplate ? undefined : draft)}
        >
          {starting ? 'Starting…' : 'Start export'}
        </button>
      </div>
      <ErrorMessage error={error} testId="export-error" />
    </section>
  );
}

function FileErrors({ jobId }: { jobId: number }) {
  const errors = useAppStore((s) => s.jobs.fileErrors[jobId]);
  if (!errors || errors.length === 0) return null;
  return (
    <section aria-labelledby="file-errors-title" data-testid="file-errors">
      <h3 id="file-errors-title">Files that could not be copied ({formatCount(errors.length)})</h3>
      <ul className="file-errors">
        {errors.map((e) => (
          <li key={e.fileId}>
            <span className="path">{e.path}</span>: {e.error}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ExportSummary({ jobId }: { jobId: number }) {
  const status = useAppStore((s) => s.jobs.byId[jobId]?.status);
  const stats = useAppStore((s) => s.jobs.byId[jobId]?.stats ?? null);
  const errorCount = useAppStore((s) => s.jobs.byId[jobId]?.errorCount ?? 0);
  const dir = useAppStore((s) => s.jobs.byId[jobId]?.outputDir ?? s.settings.value?.outputDirectory ?? null);
  const [showError, setShowError] = useState<AppError | null>(null);
  const [copied, setCopied] = useState(false);
  // A browser cannot open the server's file manager: it offers the path to copy instead.
  const canShow = useAppStore((s) => s.settings.app?.nativeDialogs ?? false);
  if (status !== 'completed') return null;
  const nothingNew = stats !== null && stats.copied === 0 && stats.renamed === 0;
  return (
    <section className="export-summary" data-testid="export-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">Export finished</h2>
      <p>
        {nothingNew ? 'Nothing new to copy: ' : ''}
        {stats ? (
          <>
            <span data-testid="summary-copied">{formatCount(stats.copied)} copied</span>,{' '}
            <span data-testid="summary-already">{formatCount(stats.alreadyThere)} already there</span>,{' '}
            <span data-testid="summary-renamed">{formatCount(stats.renamed)} renamed</span>,{' '}
            <span data-testid="summary-failed">{formatCount(errorCount)} failed</span> in{' '}
          </>
        ) : (
          'Files are in '
        )}
        <span className="path">{dir ?? 'the output folder'}</span>.
        {stats && stats.movedAside > 0
          ? ` ${formatCount(stats.movedAside)} copies had been changed by another program: they were kept under a "_changed_" name and copied again.`
          : ''}
        {errorCount > 0 ? ' See the list above for the files that could not be copied.' : ''}
      </p>
      <div className="button-row">
        {dir && canShow ? (
          <button type="button" className="primary" data-testid="show-in-folder" onClick={() => void showPath(dir).then(setShowError)}>
            Show in folder
          </button>
        ) : null}
        {dir && !canShow ? (
          <>
            <label className="visually-hidden" htmlFor="archive-path">
              Archive folder path
            </label>
            <input id="archive-path" className="path-copy" data-testid="archive-path" readOnly value={dir} onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="primary"
              data-testid="copy-path"
              onClick={() => {
                void navigator.clipboard?.writeText(dir).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy path'}
            </button>
          </>
        ) : null}
        <button type="button" data-testid="new-export" onClick={() => clearCurrentJob('export')}>
          Done
        </button>
      </div>
      <ErrorMessage error={showError} />
    </section>
  );
}
