// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealApi, type RealApi } from '../../../test-support/real-api.js';
import { installApi, stubLayout } from '../dev/test-helpers.js';
import { setFilter } from '../store/library-actions.js';
import { loadAppInfo } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { LibraryScreen } from './LibraryScreen.js';

let real: RealApi;
let unstub: () => void;

/**
 * 300 files needing review (more than one page), listed in id order: 1 dated by its camera, 2 by
 * its name, the rest undated (4 with date candidates); then 20 sure ones.
 */
function rows() {
  return Array.from({ length: 320 }, (_, i) => {
    const path = `/photos/IMG_${String(i + 1).padStart(4, '0')}.jpg`;
    if (i === 0) return { path, detected: '2019-05-01T10:00:00', confidence: 'low' as const };
    if (i === 1) return { path, detected: '2019-05-02T10:00:00', source: 'filename-date' as const, confidence: 'low' as const };
    if (i >= 300) return { path, detected: '2020-05-01T10:00:00' };
    return {
      path,
      detected: null,
      ...(i === 3
        ? {
            candidates: [
              { local: '2019-05-01T10:00:00.000', offset: '+02:00', source: 'exif-datetime-original' as const, raw: '2019:05:01 10:00:00', plausible: true },
              { local: '2002-01-01T00:00:00.000', offset: null, source: 'exif-create-date' as const, raw: '2002:01:01 00:00:00', plausible: false },
            ],
          }
        : {}),
    };
  });
}

beforeEach(async () => {
  unstub = stubLayout(1000, 800);
  real = await createRealApi();
  real.addRows(rows());
  installApi(real.api);
  await loadAppInfo();
  render(<LibraryScreen />);
  await screen.findByTestId('file-card-1');
  setFilter('needs-review');
  await screen.findByText('300 files');
});

afterEach(async () => {
  cleanup();
  unstub();
  await real.close();
});

const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(document.body, { key, ...init });
const openName = () => getState().library.details.data?.originalName;
async function opened(id: number) {
  await waitFor(() => expect(openName()).toBe(`IMG_${String(id).padStart(4, '0')}.jpg`));
}

describe('keyboard triage', () => {
  it('accepts, picks a candidate, types a partial date, discards, undoes and moves, all by key, counting progress', async () => {
    expect(screen.getByTestId('review-progress')).toHaveTextContent('0 of 300 reviewed');
    press('j');
    await opened(1);
    press('a');
    await opened(2);
    expect(real.callsOf('setFileDate')).toEqual([{ id: 1, timestamp: '2019-05-01T10:00:00' }]);
    expect(screen.getByTestId('review-progress')).toHaveTextContent('1 of 300 reviewed');
    // The reviewed file stays where it was: the list does not shift under the user.
    expect(screen.getByTestId('file-card-1')).toBeInTheDocument();
    expect(screen.getByTestId('file-card-1')).toHaveTextContent('Checked');

    press('x');
    await opened(3);
    expect(real.callsOf('discardFile')).toEqual([{ id: 2 }]);
    expect(screen.getByTestId('review-progress')).toHaveTextContent('2 of 300 reviewed');

    // File 3 has no date: A explains instead of doing nothing silently.
    press('a');
    expect(await screen.findByText(/no date to accept/)).toBeInTheDocument();
    press('t');
    const input = screen.getByTestId('date-input');
    expect(input).toHaveFocus();
    fireEvent.change(input, { target: { value: '1987-12-25' } });
    fireEvent.submit(input.closest('form')!);
    await opened(4);
    expect(real.callsOf('setFileDate').at(-1)).toEqual({ id: 3, timestamp: '1987-12-25' });
    expect(screen.getByTestId('details-title')).toHaveFocus();

    await within(screen.getByTestId('file-details')).findByTestId('date-candidates');
    press('1');
    await opened(5);
    expect(real.callsOf('setFileDate').at(-1)).toEqual({ id: 4, timestamp: '2019-05-01T10:00:00+02:00' });
    expect(screen.getByTestId('review-progress')).toHaveTextContent('4 of 300 reviewed');

    press('k');
    await opened(4);
    press('k');
    await opened(3);
    expect(screen.getByTestId('details-precision')).toHaveTextContent(/to the day/);
    press('j');
    await opened(4);

    // Undo the last step (the candidate): the date goes back and file 4 is open again.
    press('z');
    await waitFor(() => expect(real.callsOf('setFileDate').at(-1)).toEqual({ id: 4, timestamp: null }));
    await opened(4);
    expect(screen.getByTestId('review-progress')).toHaveTextContent('3 of 300 reviewed');
    press('z');
    await waitFor(() => expect(real.callsOf('setFileDate').at(-1)).toEqual({ id: 3, timestamp: null }));
    press('z');
    await waitFor(() => expect(real.callsOf('restoreFile')).toEqual([{ id: 2 }]));
    await opened(2);
    // Undone in the library too.
    expect((await real.file(2)).discarded).toBe(false);
    expect((await real.file(3)).finalTimestamp).toBeNull();
    expect((await real.file(4)).finalTimestamp).toBeNull();
    expect((await real.file(1)).finalTimestamp).toBe('2019-05-01T10:00:00');
    expect(screen.getByTestId('review-progress')).toHaveTextContent('1 of 300 reviewed');

    press('Escape');
    await waitFor(() => expect(getState().library.details.id).toBeNull());
    expect(screen.getByTestId('file-card-2')).toHaveFocus();
  });

  it('rows loaded after a review are not skipped: the next page asks the server for the right place', async () => {
    press('j');
    await opened(1);
    press('a');
    await opened(2);
    press('a');
    await opened(3);
    // Page 1 starts at list index 200; two rows above it have left the server's list.
    await act(async () => {
      const { ensureRange } = await import('../store/library-actions.js');
      await ensureRange(200, 200);
    });
    expect(real.callsOf('listFiles').at(-1)).toMatchObject({ filter: 'needs-review', offset: 198 });
    expect(getState().library.pages[1]?.[0]?.id).toBe(201);
    expect(getState().library.total).toBe(300);
  });

  it('? shows the keys in a modal that keeps focus inside and gives it back on Esc', async () => {
    const opener = screen.getByTestId('show-shortcuts');
    opener.focus();
    press('?');
    const sheet = await screen.findByTestId('shortcuts-sheet');
    expect(sheet).toHaveTextContent('Accept the suggested date');
    const close = within(sheet).getByTestId('close-shortcuts');
    expect(close).toHaveFocus();
    // One focusable control: Tab and Shift+Tab stay on it.
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(close).toHaveFocus();
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(close).toHaveFocus();
    // Triage keys do nothing while the sheet is open.
    press('j');
    expect(getState().library.details.id).toBeNull();
    fireEvent.keyDown(close, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('shortcuts-sheet')).not.toBeInTheDocument());
    expect(opener).toHaveFocus();
  });

  it('accepts camera dates for a selection and leaves the others for a person', async () => {
    fireEvent.click(screen.getByTestId('file-card-1'));
    fireEvent.click(screen.getByTestId('file-card-4'), { shiftKey: true });
    await screen.findByText('4 selected');
    fireEvent.click(screen.getByTestId('accept-camera-dates'));
    expect(await screen.findByTestId('bulk-note')).toHaveTextContent('Accepted 1 camera date; 3 without one left for you.');
    expect(real.callsOf('setFileDate')).toEqual([{ id: 1, timestamp: '2019-05-01T10:00:00' }]);
    expect((await real.file(2)).finalTimestamp).toBeNull();
  });

  it('bulk dating keeps the order one second apart unless one identical time is asked for', async () => {
    fireEvent.click(screen.getByTestId('file-card-1'));
    fireEvent.click(screen.getByTestId('file-card-3'), { shiftKey: true });
    await screen.findByText('3 selected');
    fireEvent.change(screen.getByTestId('bulk-date-input'), { target: { value: '1990-06' } });
    fireEvent.click(screen.getByTestId('bulk-set-date'));
    await waitFor(() => expect(real.callsOf('setFilesDate')).toHaveLength(1));
    expect(real.callsOf('setFilesDate')[0]).toMatchObject({ ids: [1, 2, 3], timestamp: '1990-06', spacing: 'sequence' });
    await screen.findByText('Nothing selected');
    expect(screen.getByTestId('review-progress')).toHaveTextContent('3 of 300 reviewed');

    fireEvent.click(screen.getByTestId('file-card-5'));
    fireEvent.click(screen.getByTestId('file-card-6'), { shiftKey: true });
    await screen.findByText('2 selected');
    fireEvent.click(screen.getByTestId('bulk-same-time'));
    fireEvent.change(screen.getByTestId('bulk-date-input'), { target: { value: '2001-02-03T04:05:06' } });
    fireEvent.click(screen.getByTestId('bulk-set-date'));
    await waitFor(() => expect(real.callsOf('setFilesDate')).toHaveLength(2));
    expect(real.callsOf('setFilesDate')[1]).toMatchObject({ spacing: 'same' });
    await screen.findByText('Nothing selected');
    expect((await real.file(5)).finalTimestamp).toBe('2001-02-03T04:05:06');
    expect((await real.file(6)).finalTimestamp).toBe('2001-02-03T04:05:06');
  });
});
