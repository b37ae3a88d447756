import { useEffect, useState } from 'react';
import type { FileFilter } from '../../../shared/types.js';
import {
  clearSelection,
  discardSelected,
  loadTags,
  restoreSelected,
  selectAll,
  setFilter,
  setSelectedDate,
} from '../store/actions.js';
import { useAppStore } from '../store/store.js';
import { formatCount, validateDateInput } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
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

export function LibraryScreen() {
  const detailsOpen = useAppStore((s) => s.library.details.id !== null);
  useEffect(() => {
    void loadTags();
  }, []);
  return (
    <div className={detailsOpen ? 'screen library with-details' : 'screen library'}>
      <div className="library-main">
        <h1>Library</h1>
        <FilterBar />
        <SelectionBar />
        <SimilarSection />
        <LibraryStatus />
        <LibraryGrid />
      </div>
      {detailsOpen ? <FileDetailsPanel /> : null}
    </div>
  );
}

function FilterBar() {
  const filter = useAppStore((s) => s.library.filter);
  const tag = useAppStore((s) => s.library.tag);
  const tags = useAppStore((s) => s.library.tags);
  return (
    <div className="filter-bar" role="toolbar" aria-label="Show">
      {FILTERS.map((f) => (
        <button
          key={f.name}
          type="button"
          className={filter === f.name && tag === null ? 'filter active' : 'filter'}
          aria-pressed={filter === f.name && tag === null}
          title={f.hint}
          data-testid={`filter-${f.name}`}
          onClick={() => setFilter(f.name)}
        >
          {f.label}
        </button>
      ))}
      {tags.length > 0 ? (
        <label className="tag-filter">
          Tag
          <select
            data-testid="filter-tag"
            value={tag ?? ''}
            onChange={(e) => setFilter(filter, e.target.value || null)}
          >
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
  const [dateError, setDateError] = useState<string | null>(null);

  function applyDate(): void {
    const checked = validateDateInput(date);
    if (!checked.ok) {
      setDateError(checked.message);
      return;
    }
    setDateError(null);
    void setSelectedDate(checked.value).then((ok) => {
      if (ok) setDate('');
    });
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
          placeholder="YYYY-MM-DDTHH:MM:SS"
          value={date}
          aria-invalid={dateError !== null}
          aria-describedby={dateError ? 'bulk-date-error' : undefined}
          onChange={(e) => setDate(e.target.value)}
        />
        <button type="submit" data-testid="bulk-set-date" disabled={count === 0 || busy}>
          Set date
        </button>
      </form>
      {dateError ? (
        <span id="bulk-date-error" className="error" role="alert">
          {dateError}
        </span>
      ) : null}
    </div>
  );
}
