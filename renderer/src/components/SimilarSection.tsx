import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppError } from '../../../shared/errors.js';
import type { SimilarGroup } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { openDetails } from '../store/details-actions.js';
import { reloadLibrary } from '../store/library-actions.js';
import { thumbnailSrc } from '../store/settings-slice.js';
import { useAppStore } from '../store/store.js';
import { formatCount } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
import { Thumb } from './Thumb.js';

/**
 * Near-duplicates (issue 11): pictures that look the same with different bytes (a re-save, a
 * chat app's re-encode, a resized copy), each group with the copy the app suggests keeping, and
 * one button that keeps every suggestion and discards the rest. Hidden when there are none.
 */
const RECHECK_MS = 5000;

export function SimilarSection() {
  const app = useAppStore((s) => s.settings.app);
  const [groups, setGroups] = useState<SimilarGroup[] | null>(null);
  /** Pictures the app is still hashing in the background (after an import). */
  const [pending, setPending] = useState(0);
  const recheck = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await call(() => api().listSimilar({}));
    if (result.ok) {
      setGroups(result.value.groups);
      setPending(result.value.pending);
      setError(null);
      // While pictures are still being compared, look again in a little while.
      if (recheck.current) clearTimeout(recheck.current);
      recheck.current = result.value.pending > 0 ? setTimeout(() => void load(), RECHECK_MS) : null;
    } else setError(result.error);
  }, []);

  // Grouping reads the whole library's hashes: done on opening and after each finished job, not on
  // every filter switch.
  useEffect(() => {
    void load();
    const unsubscribe = api().onJobFinished(() => void load());
    return () => {
      unsubscribe();
      if (recheck.current) clearTimeout(recheck.current);
    };
  }, [load]);

  async function resolveAll(): Promise<void> {
    setBusy(true);
    const result = await call(() => api().resolveAllSimilar({}));
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setDone(`Kept ${formatCount(result.value.groups)} pictures, discarded ${formatCount(result.value.discarded)} copies.`);
    reloadLibrary();
    await load();
  }

  if (error) return <ErrorMessage error={error} />;
  if (done && groups !== null && groups.length === 0) {
    return (
      <p className="muted" role="status" data-testid="similar-done">
        {done}
      </p>
    );
  }
  const comparing =
    pending > 0 ? (
      <p className="muted" role="status" data-testid="similar-pending">
        Looking for similar pictures… {formatCount(pending)} left to compare
      </p>
    ) : null;
  if (!groups || groups.length === 0) return comparing;
  const copies = groups.reduce((n, g) => n + g.memberCount - 1, 0);
  return (
    <details className="similar-section" data-testid="similar-section">
      <summary>
        Similar pictures: {formatCount(groups.length)} {groups.length === 1 ? 'group' : 'groups'}, {formatCount(copies)}{' '}
        {copies === 1 ? 'copy' : 'copies'} to discard
      </summary>
      <p className="muted">
        Re-saved, re-sent or resized copies of the same picture. The app keeps the largest one with the camera&apos;s date
        (the earliest when they are equal); identical copies stay under Duplicates.
      </p>
      {comparing}
      <button type="button" data-testid="similar-resolve-all" disabled={busy} onClick={() => void resolveAll()}>
        Resolve all: keep the suggested copy of each
      </button>
      <ul className="similar-groups">
        {groups.map((g) => (
          <li key={g.id} data-testid="similar-group">
            <ul className="similar-members">
              {g.members.map((m) => (
                <li key={m.id} className={m.id === g.keepId ? 'similar-keep' : undefined}>
                  <button type="button" className="similar-member" onClick={() => void openDetails(m.id)}>
                    <Thumb src={thumbnailSrc(app, m.id, 'small')} alt="" className="similar-thumb" />
                    <span>
                      {m.originalName}
                      {m.width && m.height ? ` · ${m.width}×${m.height}` : ''}
                    </span>
                    <strong>{m.id === g.keepId ? `Keep: ${g.reason}` : 'Discard'}</strong>
                  </button>
                </li>
              ))}
              {g.memberCount > g.members.length ? (
                <li className="muted">and {formatCount(g.memberCount - g.members.length)} more copies</li>
              ) : null}
            </ul>
          </li>
        ))}
      </ul>
    </details>
  );
}
