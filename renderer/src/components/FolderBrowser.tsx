import { useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../shared/errors.js';
import { api, call } from '../api/api.js';
import { ErrorMessage } from './ErrorMessage.js';
import { useFocusTrap } from '../lib/use-focus-trap.js';

interface Listing {
  path: string;
  parent: string | null;
  dirs: { name: string; path: string }[];
}

/**
 * Browses folders on the machine running MediaParser (serve mode has no native dialog).
 * Click a folder to open it, then "Choose this folder".
 */
export function FolderBrowser({
  title,
  onChoose,
  onClose,
}: {
  title: string;
  onChoose: (path: string) => void;
  onClose: () => void;
}) {
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [loading, setLoading] = useState(true);
  const [typed, setTyped] = useState('');
  const [newName, setNewName] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  // Tab stays inside, Esc closes from anywhere in it, focus goes back to the opener.
  useFocusTrap(dialogRef, onClose);

  async function makeFolder(): Promise<void> {
    if (!listing || !newName.trim()) return;
    const result = await call(() => api().makeDir({ parent: listing.path, name: newName.trim() }));
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setNewName('');
    await open(result.value.path);
  }

  async function open(path?: string): Promise<void> {
    setLoading(true);
    const result = await call(() => api().listDirs(path === undefined ? {} : { path }));
    setLoading(false);
    if (result.ok) {
      setListing(result.value);
      setError(null);
    } else {
      setError(result.error);
    }
  }

  useEffect(() => {
    void open();
    headingRef.current?.focus();
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        ref={dialogRef}
        className="modal folder-browser"
        role="dialog"
        aria-modal="true"
        aria-labelledby="folder-browser-title"
        data-testid="folder-browser"
        tabIndex={-1}
      >
        <h2 id="folder-browser-title" tabIndex={-1} ref={headingRef}>
          {title}
        </h2>
        <p className="path" data-testid="folder-browser-path">
          {listing?.path ?? '…'}
        </p>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) void open(typed.trim());
          }}
        >
          <label htmlFor="folder-browser-go">Go to</label>
          <input
            id="folder-browser-go"
            data-testid="folder-browser-go-input"
            type="text"
            spellCheck={false}
            value={typed}
            placeholder="/mnt/photos"
            onChange={(e) => setTyped(e.target.value)}
          />
          <button type="submit" data-testid="folder-browser-go" disabled={!typed.trim()}>
            Go
          </button>
        </form>
        <ErrorMessage error={error} />
        <ul className="folder-list" aria-label="Folders" aria-busy={loading}>
          {listing?.parent ? (
            <li>
              <button type="button" className="folder-entry up" onClick={() => void open(listing.parent ?? undefined)}>
                ↑ Up one level
              </button>
            </li>
          ) : null}
          {listing?.dirs.map((d) => (
            <li key={d.path}>
              <button type="button" className="folder-entry" data-testid="folder-entry" data-path={d.path} onClick={() => void open(d.path)}>
                {d.name}
              </button>
            </li>
          ))}
          {listing && listing.dirs.length === 0 ? <li className="muted">No folders inside this one.</li> : null}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void makeFolder();
          }}
        >
          <label htmlFor="folder-browser-new">New folder here</label>
          <input
            id="folder-browser-new"
            data-testid="folder-browser-new-name"
            type="text"
            spellCheck={false}
            value={newName}
            placeholder="Photos-organised"
            onChange={(e) => setNewName(e.target.value)}
          />
          <button type="submit" data-testid="folder-browser-create" disabled={!listing || !newName.trim()}>
            Create
          </button>
        </form>
        <div className="button-row">
          <button
            type="button"
            className="primary"
            data-testid="folder-browser-choose"
            disabled={!listing}
            onClick={() => listing && onChoose(listing.path)}
          >
            Choose this folder
          </button>
          <button type="button" onClick={onClose} data-testid="folder-browser-cancel">
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
