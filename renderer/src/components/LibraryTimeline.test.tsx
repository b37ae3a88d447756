// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealApi, type RealApi } from '../../../test-support/real-api.js';
import { installApi, stubLayout } from '../dev/test-helpers.js';
import { loadCounts } from '../store/library-actions.js';
import { loadAppInfo } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { SETTLE_MS } from '../lib/scroll-speed.js';
import { LibraryScreen, folderTree } from './LibraryScreen.js';

let real: RealApi;
let unstub: () => void;

beforeEach(async () => {
  unstub = stubLayout(1000, 800);
  real = await createRealApi();
  real.addRows([
    ...Array.from({ length: 6 }, (_, i) => ({ path: `/photos/2019/summer/IMG_${i + 1}.jpg`, detected: `2019-07-14T1${i}:00:00` })),
    { path: '/photos/2020/scan_a.tif', detected: '2020-01-01T00:00:00', confidence: 'low' as const },
    { path: '/photos/2020/scan_b.tif', detected: '2020-01-01T00:00:00', source: 'file-mtime' as const, confidence: 'low' as const },
    { path: '/photos/misc/beach.jpg', detected: null },
  ]);
  installApi(real.api);
  await loadAppInfo();
});

afterEach(async () => {
  cleanup();
  unstub();
  await real.close();
});

describe('Library timeline', () => {
  it('groups by day under month headers with a year scrubber, and marks suspicious days', async () => {
    render(<LibraryScreen />);
    await screen.findByText('July 2019');
    expect(screen.getByText('January 2020')).toBeInTheDocument();
    expect(screen.getByTestId('day-2019-07-14')).toHaveTextContent('6');
    expect(screen.getByTestId('day-2020-01-01')).toHaveClass('suspicious');
    expect(screen.getByTestId('day-2020-01-01')).toHaveTextContent(/1 dated only by file time.*2 at a placeholder time/);
    expect(screen.getByTestId('day-2019-07-14')).not.toHaveClass('suspicious');
    const years = within(screen.getByTestId('year-scrubber')).getAllByRole('button').map((b) => b.textContent);
    expect(years).toEqual(['2019', '2020', 'No date']);
  });

  it('shows counts on every filter and narrows by name and by folder', async () => {
    render(<LibraryScreen />);
    await screen.findByText('9 files');
    await waitFor(() => expect(screen.getByTestId('filter-needs-review')).toHaveTextContent('Needs review 3'));
    expect(screen.getByTestId('filter-all')).toHaveTextContent('All 9');
    expect(screen.getByTestId('filter-undated')).toHaveTextContent('No date 1');

    fireEvent.change(screen.getByTestId('search'), { target: { value: 'scan' } });
    await screen.findByText('2 files');
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ search: 'scan', offset: 0 });
    await waitFor(() => expect(screen.getByTestId('filter-all')).toHaveTextContent('All 2'));
    fireEvent.change(screen.getByTestId('search'), { target: { value: '' } });
    await screen.findByText('9 files');

    const folder = screen.getByTestId('filter-folder');
    const options = within(folder).getAllByRole('option').map((o) => o.textContent?.replace(/\u00a0/g, '·'));
    expect(options).toEqual(['Every folder', 'photos (9)', '··2019 (6)', '····summer (6)', '··2020 (2)', '··misc (1)']);
    fireEvent.change(folder, { target: { value: '/photos/2019' } });
    await screen.findByText('6 files');
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ folder: '/photos/2019' });
  });

  it('opening a file neither reflows the grid nor moves the scroll position', async () => {
    render(<LibraryScreen />);
    await screen.findByTestId('file-card-3');
    const grid = screen.getByTestId('file-grid');
    const rowStyle = () => (grid.querySelector('.cards-row') as HTMLElement).style.gridTemplateColumns;
    const before = rowStyle();
    grid.scrollTop = 40;
    fireEvent.click(screen.getByTestId('file-card-3'));
    await within(await screen.findByTestId('file-details')).findByText('IMG_3.jpg');
    expect(rowStyle()).toBe(before);
    expect(grid.scrollTop).toBe(40);
  });

  it('keeps the counts and the folder tree it has when a new answer says the same, and takes a changed one', async () => {
    render(<LibraryScreen />);
    await waitFor(() => expect(screen.getByTestId('filter-all')).toHaveTextContent('All 9'));
    const { counts, folders } = getState().library;
    const asked = real.callsOf('countFiles').length;
    fireEvent.click(screen.getByTestId('filter-needs-review'));
    await screen.findByText('3 files');
    await waitFor(() => expect(real.callsOf('countFiles').length).toBeGreaterThan(asked));
    await act(() => loadCounts());
    expect(getState().library.counts).toBe(counts);
    expect(getState().library.folders).toBe(folders);

    // A file discarded elsewhere: the next answer differs, and the bar shows it.
    expect((await real.core.handlers['files:discard']({ id: 7 })).ok).toBe(true);
    await act(() => loadCounts());
    expect(getState().library.counts).not.toBe(counts);
    expect(getState().library.counts).toMatchObject({ 'needs-review': 2, discarded: 1 });
    expect(getState().library.folders).toBe(folders);
    expect(screen.getByTestId('filter-needs-review')).toHaveTextContent('Needs review 2');
  });

  it('cards that appear during a fling ask for their thumbnails once it slows; the others have theirs at once', async () => {
    real.addRows(Array.from({ length: 300 }, (_, i) => ({ path: `/photos/Z_${i}.jpg`, detected: '2021-05-01T10:00:00' })));
    render(<LibraryScreen />);
    const first = await screen.findByTestId('file-card-1');
    expect(first.querySelector('img')).not.toBeNull();
    expect(screen.queryByTestId('thumb-pending')).toBeNull();

    const grid = screen.getByTestId('file-grid');
    const cardIds = () => [...grid.querySelectorAll<HTMLElement>('[data-testid^="file-card-"]')].map((c) => c.dataset.testid!);
    // The clock stands still unless the test moves it (jsdom renders slowly); the rows shown are all loaded.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const scrollTo = (top: number) => {
        grid.scrollTop = top;
        act(() => void fireEvent.scroll(grid));
      };
      // Three quick screens and a half: a fling. The cards its next step brings in wait.
      for (const top of [1300, 2600, 3900]) scrollTo(top);
      const before = new Set(cardIds());
      scrollTo(7000);
      const flung = cardIds().filter((id) => !before.has(id));
      expect(flung.length).toBeGreaterThan(3);
      for (const id of flung) {
        expect(within(screen.getByTestId(id)).getByTestId('thumb-pending')).toBeInTheDocument();
        expect(screen.getByTestId(id).querySelector('img')).toBeNull();
      }
      act(() => void vi.advanceTimersByTime(SETTLE_MS + 1));
      for (const id of flung) {
        expect(screen.getByTestId(id).querySelector('img')).not.toBeNull();
        expect(within(screen.getByTestId(id)).queryByTestId('thumb-pending')).toBeNull();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('builds the folder tree from the folders that hold files', () => {
    expect(folderTree([{ path: '/home/me/a', count: 2 }, { path: '/home/me/a/b', count: 1 }, { path: '/home/me/c', count: 4 }])).toEqual([
      { path: '/home/me', name: 'me', depth: 0, count: 7 },
      { path: '/home/me/a', name: 'a', depth: 1, count: 3 },
      { path: '/home/me/a/b', name: 'b', depth: 2, count: 1 },
      { path: '/home/me/c', name: 'c', depth: 1, count: 4 },
    ]);
  });
});
