import { memo, useEffect, useState } from 'react';
import type { FileFilter } from '../../../shared/types.js';
import { closeDetails } from '../store/details-actions.js';
import { loadCounts, loadTags, loadTimeline, narrow, setFilter } from '../store/library-actions.js';
import { clearSelection, discardSelected, restoreSelected, selectAll, setSelectedDate } from '../store/selection-actions.js';
import { reviewProgress } from '../store/library-slice.js';
import { acceptCameraDates, acceptSuggested, pickCandidate, step, toggleDiscard, undoLast } from '../store/review-actions.js';
import { getState, useAppStore } from '../store/store.js';
import { useShallow } from 'zustand/react/shallow';
import { formatCount, validateDateInput } from '../lib/format.js';
import { memoLast } from '../lib/memo-last.js';
import { Modal } from './Modal.js';
import { ErrorMessage } from './ErrorMessage.js';
import { SelectionClockFix } from './SelectionClockFix.js';
import { FileDetailsPanel } from './FileDetailsPanel.js';
import { LibraryGrid } from './LibraryGrid.js';
import { SimilarSection } from './SimilarSection.js';

export const FILTERS: { name: FileFilter; label: string; hint: string }[] = [
  { name: 'all', label: 'All', hint: 'Every file' },
  { name: 'needs-review', label: 'Needs review', hint: 'Files whose date the app is unsure about' },
  { name: 'undated', label: 'No date', hint: 'Files with no date at all' },
  { name: 'duplicates', label: 'Duplicates', hint: 'Identical copies of the same file' },
  { name: 'discarded', label: 'Discarded', hint: 'Files that will not be exported' },
  { name: 'exported', label: 'Exported', hint: 'Files already copied to the output folder' },
  { name: 'errors', label: 'Problems', hint: 'Files that could not be read or copied' },
];

/** The triage keys, shown by `?`. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'A', what: 'Accept the suggested date' },
  { keys: '1 – 9', what: 'Use date number 1 – 9 found in the file' },
  { keys: 'T', what: 'Type a date (Enter saves; 1987-12-25, 1987-12 or 1987 for a scan)' },
  { keys: 'X', what: 'Discard (or restore) the file' },
  { keys: 'Z', what: 'Undo the last step' },
  { keys: 'J or N', what: 'Next file' },
  { keys: 'K or P', what: 'Previous file' },
  { keys: 'Esc', what: 'Close the details' },
  { keys: '?', what: 'Show these keys' },
];

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Focus after a step: the details heading, so the keys keep working and a screen reader hears the file. */
function focusDetails(): void {
  document.getElementById('details-title')?.focus();
}

export function LibraryScreen() {
  const [sheet, setSheet] = useState(false);
  useEffect(() => {
    void loadTags();
    void loadCounts();
    if (getState().library.days === null) void loadTimeline();
  }, []);
  useEffect(() => {
    function onKey(e: KeyboardEvent): void {
      if (e.defaultPrevented || e.altKey || e.metaKey || (e.ctrlKey && e.key.toLowerCase() !== 'z') || typingIn(e.target)) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      const key = e.key;
      const open = getState().library.details.id !== null;
      const run = (action: () => Promise<unknown>): void => {
        e.preventDefault();
        void action().then(focusDetails);
      };
      if (key === '?') {
        e.preventDefault();
        setSheet(true);
      } else if (key === 'Escape' && open) {
        e.preventDefault();
        const id = getState().library.details.id;
        closeDetails();
        // Back to the card the details belonged to.
        document.querySelector<HTMLElement>(`[data-testid="file-card-${id}"]`)?.focus();
      } else if (key === 'j' || key === 'n' || key === 'J' || key === 'N') run(() => step(1));
      else if (key === 'k' || key === 'p' || key === 'K' || key === 'P') run(() => step(-1));
      else if (key.toLowerCase() === 'z') run(undoLast);
      else if (!open) return;
      else if (key === 'a' || key === 'A') run(acceptSuggested);
      else if (key === 'x' || key === 'X') run(toggleDiscard);
      else if (/^[1-9]$/.test(key)) run(() => pickCandidate(Number(key)));
      else if (key === 't' || key === 'T') {
        e.preventDefault();
        const input = document.getElementById('date-input') as HTMLInputElement | null;
        input?.focus();
        input?.select();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="screen library">
      <div className="library-main">
        <div className="library-title">
          <h1>Library</h1>
          <ReviewProgress />
          <button type="button" className="link" data-testid="show-shortcuts" onClick={() => setSheet(true)}>
            Keys (?)
          </button>
        </div>
        <FilterBar />
        <SelectionBar />
        <SimilarSection />
        <LibraryStatus />
        <LibraryGrid />
      </div>
      {/* Always there, so opening a file never changes the grid's width (no reflow, no jump). */}
      <FileDetailsPanel />
      {sheet ? <ShortcutsSheet onClose={() => setSheet(false)} /> : null}
    </div>
  );
}

function ReviewProgress() {
  const progress = useAppStore(useShallow((s) => reviewProgress(s.library)));
  if (!progress) return null;
  return (
    <p className="review-progress" role="status" data-testid="review-progress">
      {formatCount(progress.reviewed)} of {formatCount(progress.of)} reviewed
    </p>
  );
}

function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  return (
    <Modal className="shortcuts" titleId="shortcuts-title" testId="shortcuts-sheet" onClose={onClose} closeOnBackdrop>
      <h2 id="shortcuts-title">Keys for reviewing</h2>
      <p className="muted">Open &quot;Needs review&quot; or &quot;No date&quot;, then work through the files without the mouse. Each step moves to the next file.</p>
      <dl className="shortcut-list">
        {SHORTCUTS.map((k) => (
          <div key={k.keys}>
            <dt>
              <kbd>{k.keys}</kbd>
            </dt>
            <dd>{k.what}</dd>
          </div>
        ))}
      </dl>
      <div className="button-row">
        <button type="button" className="primary" data-autofocus onClick={onClose} data-testid="close-shortcuts">
          Close
        </button>
      </div>
    </Modal>
  );
}

/** Folder paths as a tree (indented), each with the files anywhere under it. */
export function folderTree(folders: { path: string; count: number }[]): { path: string; name: string; depth: number; count: number }[] {
  const totals = new Map<string, number>();
  for (const f of folders) {
    // Credit the folder and every ancestor, so a parent shows everything under it.
    let p = f.path;
    for (;;) {
      totals.set(p, (totals.get(p) ?? 0) + f.count);
      const cut = p.lastIndexOf('/');
      if (cut <= 0) break;
      p = p.slice(0, cut);
    }
  }
  // Drop the chain of single-child ancestors above the first folder that branches or holds files.
  const paths = [...totals.keys()].sort();
  const direct = new Set(folders.map((f) => f.path));
  const childCount = new Map<string, number>();
  for (const p of paths) {
    const parent = p.slice(0, p.lastIndexOf('/'));
    if (totals.has(parent)) childCount.set(parent, (childCount.get(parent) ?? 0) + 1);
  }
  const trunk = (p: string): boolean => !direct.has(p) && (childCount.get(p) ?? 0) === 1 && totals.get(p) === totals.get(paths[0] ?? '');
  const shown = paths.filter((p) => !trunk(p));
  const base = Math.min(...shown.map((p) => p.split('/').length));
  return shown.map((p) => ({ path: p, name: p.slice(p.lastIndexOf('/') + 1) || p, depth: p.split('/').length - base, count: totals.get(p) ?? 0 }));
}

function FilterBar() {
  const filter = useAppStore((s) => s.library.filter);
  const tag = useAppStore((s) => s.library.tag);
  const tags = useAppStore((s) => s.library.tags);
  const counts = useAppStore((s) => s.library.counts);
  const folder = useAppStore((s) => s.library.folder);
  const folders = useAppStore((s) => s.library.folders);
  return (
    <div className="filter-bar" role="toolbar" aria-label="Show">
      {FILTERS.map((f) => (
        <button
          key={f.name}
          type="button"
          className={filter === f.name ? 'filter active' : 'filter'}
          aria-pressed={filter === f.name}
          title={f.hint}
          data-testid={`filter-${f.name}`}
          onClick={() => setFilter(f.name)}
        >
          {f.label}
          {counts ? <span className="filter-count"> {formatCount(counts[f.name])}</span> : null}
        </button>
      ))}
      <SearchBox />
      <FolderFilter folders={folders} folder={folder} />
      {tags.length > 0 ? (
        <label className="tag-filter">
          Tag
          <select data-testid="filter-tag" value={tag ?? ''} onChange={(e) => narrow({ tag: e.target.value || null })}>
            <option value="">Any tag</option>
            {tags.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({formatCount(t.count)})
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

/** The last tree, kept across visits to the library. */
const lastFolderTree = memoLast(folderTree);

/**
 * The folder tree as a select (thousands of options in a large library): rendered again only when
 * the folders or the choice change, not with every count or filter of the bar around it.
 */
const FolderFilter = memo(function FolderFilter({ folders, folder }: { folders: { path: string; count: number }[]; folder: string | null }) {
  const tree = lastFolderTree(folders);
  if (tree.length === 0) return null;
  return (
    <label className="folder-filter">
      Folder
      <select data-testid="filter-folder" value={folder ?? ''} onChange={(e) => narrow({ folder: e.target.value || null })}>
        <option value="">Every folder</option>
        {tree.map((t) => (
          <option key={t.path} value={t.path} title={t.path}>
            {`${'\u00a0\u00a0'.repeat(t.depth)}${t.name} (${formatCount(t.count)})`}
          </option>
        ))}
      </select>
    </label>
  );
});

/** Search by name; the list follows after a short pause in typing. */
function SearchBox() {
  const search = useAppStore((s) => s.library.search);
  const [text, setText] = useState(search);
  useEffect(() => {
    if (text === getState().library.search) return;
    const timer = setTimeout(() => narrow({ search: text }), 250);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <label className="search-box">
      <span className="visually-hidden">Search by name</span>
      <input type="search" data-testid="search" placeholder="Search by name" value={text} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}

function LibraryStatus() {
  const total = useAppStore((s) => s.library.total);
  const error = useAppStore((s) => s.library.error);
  const actionError = useAppStore((s) => s.library.actionError);
  return (
    <>
      <p className="muted" role="status" data-testid="library-count">
        {total === null ? 'Loading…' : total === 0 ? 'No files here.' : `${formatCount(total)} files`}
      </p>
      <ErrorMessage error={error} />
      <ErrorMessage error={actionError} />
    </>
  );
}

function SelectionBar() {
  const count = useAppStore((s) => s.selection.ids.size);
  const busy = useAppStore((s) => s.library.busy);
  const [date, setDate] = useState('');
  const [sameTime, setSameTime] = useState(false);
  const [dateError, setDateError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  function applyDate(): void {
    const checked = validateDateInput(date);
    if (!checked.ok) {
      setDateError(checked.message);
      return;
    }
    setDateError(null);
    void setSelectedDate(checked.value, sameTime ? 'same' : 'sequence').then((ok) => {
      if (ok) setDate('');
    });
  }

  async function acceptCamera(): Promise<void> {
    const r = await acceptCameraDates();
    setNote(
      r.error
        ? r.error.message
        : `Accepted ${formatCount(r.accepted)} camera date${r.accepted === 1 ? '' : 's'}${r.skipped ? `; ${formatCount(r.skipped)} without one left for you` : ''}.`,
    );
  }

  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected files">
      <span data-testid="selection-count">{count === 0 ? 'Nothing selected' : `${formatCount(count)} selected`}</span>
      <button type="button" data-testid="select-all" onClick={() => void selectAll()}>
        Select all
      </button>
      <button type="button" data-testid="clear-selection" disabled={count === 0} onClick={clearSelection}>
        Clear selection
      </button>
      <button type="button" data-testid="bulk-discard" disabled={count === 0 || busy} onClick={() => void discardSelected()}>
        Discard
      </button>
      <button type="button" data-testid="bulk-restore" disabled={count === 0 || busy} onClick={() => void restoreSelected()}>
        Restore
      </button>
      {/* Camera clock correction (ClockFixDialog) */}
      <SelectionClockFix />
      <button
        type="button"
        data-testid="accept-camera-dates"
        disabled={count === 0 || busy}
        title="Each selected file whose date came from the camera keeps that date as checked"
        onClick={() => void acceptCamera()}
      >
        Accept camera dates
      </button>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          applyDate();
        }}
      >
        <label htmlFor="bulk-date-input">Set date</label>
        <input
          id="bulk-date-input"
          data-testid="bulk-date-input"
          type="text"
          placeholder="YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD"
          value={date}
          aria-invalid={dateError !== null}
          aria-describedby={dateError ? 'bulk-date-error' : undefined}
          onChange={(e) => setDate(e.target.value)}
        />
        <button type="submit" data-testid="bulk-set-date" disabled={count === 0 || busy}>
          Set date
        </button>
        <label className="check" title="Otherwise the files get this time one second apart, in name order, so the archive keeps their order">
          <input type="checkbox" data-testid="bulk-same-time" checked={sameTime} onChange={(e) => setSameTime(e.target.checked)} />
          One identical time
        </label>
      </form>
      {note ? (
        <span className="muted" role="status" data-testid="bulk-note">
          {note}
        </span>
      ) : null}
      {dateError ? (
        <span id="bulk-date-error" className="error" role="alert">
          {dateError}
        </span>
      ) : null}
    </div>
  );
}
