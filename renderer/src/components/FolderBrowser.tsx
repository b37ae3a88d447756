import { useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../shared/errors.js';
import { api, call } from '../api/api.js';
import { ErrorMessage } from './ErrorMessage.js';
import { InlineTextForm } from './InlineTextForm.js';
import { Modal } from './Modal.js';

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
    <Modal className="folder-browser" titleId="folder-browser-title" testId="folder-browser" onClose={onClose}>
      <h2 id="folder-browser-title" tabIndex={-1} ref={headingRef}>
        {title}
      </h2>
      <p className="path" data-testid="folder-browser-path">
        {listing?.path ?? '…'}
      </p>
      <InlineTextForm
        id="folder-browser-go"
        label="Go to"
        value={typed}
        onChange={setTyped}
        onSubmit={(path) => void open(path)}
        placeholder="/mnt/photos"
        inputTestId="folder-browser-go-input"
        buttonTestId="folder-browser-go"
        button="Go"
        disabled={!typed.trim()}
      />
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
      <InlineTextForm
        id="folder-browser-new"
        label="New folder here"
        value={newName}
        onChange={setNewName}
        onSubmit={() => void makeFolder()}
        placeholder="Photos-organised"
        inputTestId="folder-browser-new-name"
        buttonTestId="folder-browser-create"
        button="Create"
        disabled={!listing || !newName.trim()}
      />
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
    </Modal>
  );
}
