// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealApi, type RealApi } from '../../../test-support/real-api.js';
import { installApi, stubLayout } from '../dev/test-helpers.js';
import { clickCard, selectAll } from '../store/selection-actions.js';
import { loadAppInfo } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { LibraryScreen } from './LibraryScreen.js';

let real: RealApi;
let unstub: () => void;

const name = (id: number) => `IMG_${String(id).padStart(4, '0')}.jpg`;

/**
 * 1000 rows on a real core, listed in id order (same time, names in id order): every tenth unsure,
 * the last 50 undated, every other one tagged; 4 and 5 the same bytes (5 smaller).
 */
function rows() {
  return Array.from({ length: 1000 }, (_, i) => ({
    path: `/photos/${name(i + 1)}`,
    detected: i >= 950 ? null : '2021-07-14T15:30:00',
    confidence: i >= 950 ? ('none' as const) : i % 10 === 0 ? ('low' as const) : ('high' as const),
    tags: i % 2 === 0 ? ['holiday'] : [],
    ...(i === 3 || i === 4 ? { sha256: 'same-bytes' } : {}),
    ...(i === 4 ? { width: 800, height: 600 } : {}),
    ...(i === 2
      ? {
          candidates: [
            { local: '2019-05-01T10:00:00.000', offset: '+02:00', source: 'exif-datetime-original' as const, raw: '2019:05:01 10:00:00', plausible: true },
            { local: '2002-01-01T00:00:00.000', offset: null, source: 'exif-create-date' as const, raw: '2002:01:01 00:00:00', plausible: false, note: 'camera-default' as const },
            {
              local: '2019-05-01T17:00:00.000',
              offset: '+09:00',
              source: 'quicktime-create-date' as const,
              raw: '2019:05:01 08:00:00',
              plausible: true,
              zone: 'Asia/Tokyo',
              zoneReason: 'GPS position 35.6895, 139.6917',
            },
          ],
        }
      : {}),
  }));
}

beforeEach(async () => {
  unstub = stubLayout(1000, 800);
  real = await createRealApi();
  real.addRows(rows());
  installApi(real.api);
  await loadAppInfo();
});

afterEach(async () => {
  cleanup();
  unstub();
  await real.close();
});

async function renderLibrary() {
  render(<LibraryScreen />);
  await screen.findByTestId('file-card-1');
}

describe('Library', () => {
  it('renders only the visible cards and fetches only the pages under them', async () => {
    await renderLibrary();
    expect(screen.getByTestId('library-count')).toHaveTextContent('1,000 files');
    const cards = screen.getAllByRole('option');
    expect(cards.length).toBeGreaterThan(5);
    expect(cards.length).toBeLessThan(100);
    expect(screen.queryByTestId('file-card-900')).not.toBeInTheDocument();
    const offsets = real.callsOf('listFiles').map((r) => (r as { offset: number }).offset);
    expect(offsets).toEqual([0]);
    const img = screen.getByTestId('file-card-2').querySelector('img');
    expect(img).toHaveAttribute('src', '/thumbs/2/small');
    expect(img).toHaveAttribute('loading', 'lazy');
  });

  it('filter buttons ask for the right filter and reset the rows', async () => {
    await renderLibrary();
    fireEvent.click(screen.getByTestId('filter-needs-review'));
    await screen.findByText('145 files');
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ filter: 'needs-review', offset: 0 });
    expect(screen.getByTestId('filter-needs-review')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('file-card-2')).not.toBeInTheDocument();
    expect(screen.getByTestId('file-card-11')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('filter-undated'));
    await screen.findByText('50 files');
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ filter: 'undated' });

    fireEvent.click(screen.getByTestId('filter-all'));
    await screen.findByText('1,000 files');
    fireEvent.change(screen.getByTestId('filter-tag'), { target: { value: 'holiday' } });
    await screen.findByText('500 files');
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ filter: 'all', tag: 'holiday' });
  });

  it('click, shift-click and ctrl-click select like a file manager', async () => {
    await renderLibrary();
    fireEvent.click(screen.getByTestId('file-card-2'));
    await screen.findByTestId('file-details');
    fireEvent.click(screen.getByTestId('file-card-6'), { shiftKey: true });
    await screen.findByText('5 selected');
    for (const id of [2, 3, 4, 5, 6]) expect(screen.getByTestId(`file-card-${id}`)).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('file-card-1')).toHaveAttribute('aria-selected', 'false');
    expect(screen.getByTestId('file-card-7')).toHaveAttribute('aria-selected', 'false');

    fireEvent.click(screen.getByTestId('file-card-4'), { ctrlKey: true });
    await screen.findByText('4 selected');
    expect(screen.getByTestId('file-card-4')).toHaveAttribute('aria-selected', 'false');

    fireEvent.click(screen.getByTestId('file-card-9'), { metaKey: true });
    await screen.findByText('5 selected');

    fireEvent.click(screen.getByTestId('bulk-discard'));
    await screen.findByText('Nothing selected');
    const [request] = real.callsOf('discardFiles') as { ids: number[] }[];
    expect(request?.ids.sort((a, b) => a - b)).toEqual([2, 3, 5, 6, 9]);
    expect((await real.file(9)).discarded).toBe(true);
    expect((await real.file(4)).discarded).toBe(false);
  });

  it('a shift range across pages that were never loaded fetches them first', async () => {
    await renderLibrary();
    fireEvent.click(screen.getByTestId('file-card-1'));
    await screen.findByText('1 selected');
    await act(() => clickCard(449, 450, { shift: true, toggle: false }));
    expect(getState().selection.ids.size).toBe(450);
    const offsets = real.callsOf('listFiles').map((r) => (r as { offset: number }).offset);
    expect(offsets).toEqual(expect.arrayContaining([0, 200, 400]));
  });

  it('select all loads every page and bulk set date validates first', async () => {
    await renderLibrary();
    const before = real.callsOf('listFiles').length;
    await act(() => selectAll());
    expect(screen.getByTestId('selection-count')).toHaveTextContent('1,000 selected');
    // One large request instead of a page at a time.
    expect(real.callsOf('listFiles').slice(before)).toEqual([{ filter: 'all', offset: 0, limit: 1000 }]);
    fireEvent.change(screen.getByTestId('bulk-date-input'), { target: { value: '2021-02-30T10:00:00' } });
    fireEvent.click(screen.getByTestId('bulk-set-date'));
    expect(await screen.findByRole('alert')).toHaveTextContent(/does not exist/);
    expect(real.callsOf('setFilesDate')).toEqual([]);
    fireEvent.change(screen.getByTestId('bulk-date-input'), { target: { value: '2021-02-28T10:00:00' } });
    fireEvent.click(screen.getByTestId('bulk-set-date'));
    await screen.findByText('Nothing selected');
    const [request] = real.callsOf('setFilesDate') as { ids: number[]; timestamp: string }[];
    expect(request?.ids).toHaveLength(1000);
    expect(request?.timestamp).toBe('2021-02-28T10:00:00');
    // The core keeps their order: a second apart, in name order.
    expect((await real.file(1)).finalTimestamp).toBe('2021-02-28T10:00:00');
    expect((await real.file(1000)).finalTimestamp).toBe('2021-02-28T10:16:39');
  });

  it('arrow keys move focus and Space selects', async () => {
    await renderLibrary();
    const grid = screen.getByTestId('file-grid');
    grid.focus();
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    // 1000px / 180px cards = 5 columns: right then down lands on index 6 (file 7).
    expect(screen.getByTestId('file-card-7')).toHaveFocus();
    fireEvent.keyDown(grid, { key: ' ' });
    await screen.findByText('1 selected');
    expect(screen.getByTestId('file-card-7')).toHaveAttribute('aria-selected', 'true');
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(await within(await screen.findByTestId('file-details')).findByText('IMG_0007.jpg')).toBeInTheDocument();
  });
});

describe('File details', () => {
  async function openFile(id: number) {
    await renderLibrary();
    fireEvent.click(screen.getByTestId(`file-card-${id}`));
    const panel = await screen.findByTestId('file-details');
    await within(panel).findByText(`IMG_${String(id).padStart(4, '0')}.jpg`);
    return panel;
  }

  it('rejects an impossible typed date and saves a real one', async () => {
    const panel = await openFile(3);
    const input = within(panel).getByTestId('date-input');
    expect(input).toHaveValue('2021-07-14T15:30:00');
    fireEvent.change(input, { target: { value: '2021-02-30T10:00:00' } });
    fireEvent.click(within(panel).getByTestId('save-date'));
    expect(within(panel).getByTestId('date-input-error')).toHaveTextContent(/does not exist/);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(real.callsOf('setFileDate')).toEqual([]);

    fireEvent.change(input, { target: { value: '2021-02-28T10:00:00' } });
    fireEvent.click(within(panel).getByTestId('save-date'));
    await within(panel).findByText('2021-02-28 10:00:00');
    expect(real.callsOf('setFileDate')).toEqual([{ id: 3, timestamp: '2021-02-28T10:00:00' }]);
    expect((await real.file(3)).finalTimestamp).toBe('2021-02-28T10:00:00');
    expect(within(panel).queryByTestId('date-input-error')).not.toBeInTheDocument();
  });

  it('lists every date candidate and picks one', async () => {
    const panel = await openFile(3);
    const list = within(panel).getByTestId('date-candidates');
    expect(list).toHaveTextContent('Camera (when taken)');
    expect(list).toHaveTextContent('looks wrong (camera-default)');
    // A UTC-only date says which zone it is shown in, and why.
    expect(within(panel).getByTestId('candidate-zone-2')).toHaveTextContent('Stored in UTC, shown in Asia/Tokyo: GPS position 35.6895, 139.6917');
    expect(within(panel).queryByTestId('candidate-zone-0')).not.toBeInTheDocument();
    fireEvent.click(within(panel).getByTestId('use-candidate-0'));
    await within(panel).findByText('2019-05-01 10:00:00 (UTC+02:00)');
    expect(real.callsOf('setFileDate')).toEqual([{ id: 3, timestamp: '2019-05-01T10:00:00+02:00' }]);
  });

  it('discards and restores one file', async () => {
    const panel = await openFile(5);
    fireEvent.click(within(panel).getByTestId('discard-file'));
    await within(panel).findByTestId('restore-file');
    expect(real.callsOf('discardFile')).toEqual([{ id: 5 }]);
    expect(screen.getByTestId('file-card-5')).toHaveClass('discarded');
    fireEvent.click(within(panel).getByTestId('restore-file'));
    await within(panel).findByTestId('discard-file');
    expect(real.callsOf('restoreFile')).toEqual([{ id: 5 }]);
    expect((await real.file(5)).discarded).toBe(false);
  });

  it('shows a duplicate group side by side and keeps the chosen one', async () => {
    const panel = await openFile(4);
    const group = within(panel).getByTestId('duplicates');
    expect(group).toHaveTextContent('800 × 600');
    expect(group).toHaveTextContent('4000 × 3000');
    fireEvent.click(within(group).getByTestId('keep-duplicate-5'));
    await within(panel).findByTestId('restore-file');
    const group4 = (await real.file(4)).duplicateGroup;
    expect(real.callsOf('resolveDuplicates')).toEqual([{ group: group4, keepId: 5 }]);
    expect((await real.file(4)).discarded).toBe(true);
    expect((await real.file(5)).discarded).toBe(false);
  });
});
