// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob, type FakeApi } from '../dev/fake-api.js';
import { installFakeApi } from '../dev/test-helpers.js';
import { startSubscriptions } from '../api/subscriptions.js';
import { loadJobs } from '../store/job-actions.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { ExportScreen } from './ExportScreen.js';

let fake: FakeApi;

function preview(outputProblem: string | null) {
  return {
    fileCount: 3, newCount: 3, newBytes: 3_000, alreadyThere: 0, toRename: 0, problems: 0, discardedInArchive: 0,
    perYear: [], undatedCount: 0, collisionCount: 0, nameTemplate: '{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}', names: [], outputDir: '/home/me/out', freeBytes: 1e12, outputProblem,
    fidelity: { livePhotos: 0, rawPairs: 0, sidecars: 0, writes: [], xmpSidecars: 0, examples: [] },
  };
}

let stop: () => void = () => {};

async function setUp(options: Parameters<typeof installFakeApi>[0]) {
  fake = installFakeApi(options);
  stop = startSubscriptions(fake.api);
  await Promise.all([loadAppInfo(), loadSettings(), loadJobs()]);
}

afterEach(() => {
  stop();
  cleanup();
});

describe('output picker', () => {
  beforeEach(async () => setUp({ settings: { outputDirectory: '/home/me/out' }, preview: preview(null) }));

  it('creates a folder in the in-page browser, keeps focus inside it, Esc closes it and focus goes back', async () => {
    render(<ExportScreen />);
    const opener = screen.getByTestId('pick-output-folder');
    opener.focus();
    fireEvent.click(opener);
    const dialog = await screen.findByTestId('folder-browser');
    await within(dialog).findByText('Pictures');
    fireEvent.change(within(dialog).getByTestId('folder-browser-new-name'), { target: { value: 'Archive' } });
    fireEvent.click(within(dialog).getByTestId('folder-browser-create'));
    await waitFor(() => expect(within(dialog).getByTestId('folder-browser-path')).toHaveTextContent('/home/me/Archive'));
    expect(fake.callsOf('makeDir')).toEqual([{ parent: '/home/me', name: 'Archive' }]);

    // Tab from the last control wraps to the first; focus never leaves the dialog.
    const focusables = [...dialog.querySelectorAll<HTMLElement>('button:not([disabled]), input')];
    focusables.at(-1)!.focus();
    fireEvent.keyDown(focusables.at(-1)!, { key: 'Tab' });
    expect(focusables[0]).toHaveFocus();
    fireEvent.keyDown(focusables[0]!, { key: 'Tab', shiftKey: true });
    expect(focusables.at(-1)).toHaveFocus();
    // Focus that escapes (a click behind the modal) is brought back in.
    act(() => opener.focus());
    expect(dialog.contains(document.activeElement)).toBe(true);

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('folder-browser')).not.toBeInTheDocument());
    expect(opener).toHaveFocus();
  });
});

describe('export preview', () => {
  it('a missing parent folder is caught in the preview: Start stays off', async () => {
    await setUp({ settings: { outputDirectory: '/nowhere/out' }, preview: preview('Neither "/nowhere/out" nor the folder it would go in exists.') });
    render(<ExportScreen />);
    expect(await screen.findByTestId('preview-output-problem')).toHaveTextContent('Neither');
    expect(screen.getByTestId('start-export')).toBeDisabled();
  });

  it('a failed export panel goes away when another folder is chosen', async () => {
    await setUp({
      settings: { outputDirectory: '/old' },
      preview: preview(null),
      jobs: [makeJob(5, { type: 'export', status: 'interrupted', options: { outputDir: '/old' }, filesDone: 3, filesTotal: 3 })],
    });
    render(<ExportScreen />);
    expect(await screen.findByTestId('job-progress')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('output-folder-input'), { target: { value: '/new' } });
    fireEvent.click(screen.getByTestId('set-output-folder'));
    await waitFor(() => expect(screen.queryByTestId('job-progress')).not.toBeInTheDocument());
    expect(getState().jobs.current.export).toBeNull();
  });

  it('in the browser the finished export offers its path to copy instead of Show in folder', async () => {
    await setUp({
      settings: { outputDirectory: '/home/me/out' },
      preview: preview(null),
      jobs: [makeJob(6, { type: 'export', status: 'running', options: { outputDir: '/home/me/out' }, filesTotal: 3 })],
    });
    render(<ExportScreen />);
    await screen.findByTestId('job-progress');
    act(() => fake.emitFinished({ jobId: 6, type: 'export', status: 'completed', filesDone: 3, filesTotal: 3, errorCount: 0, error: null, outputDir: '/home/me/out', stats: null }));
    expect(await screen.findByTestId('archive-path')).toHaveValue('/home/me/out');
    expect(screen.queryByTestId('show-in-folder')).not.toBeInTheDocument();
    expect(screen.getByTestId('copy-path')).toBeInTheDocument();
  });
});
