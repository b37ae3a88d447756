// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSubscriptions } from '../api/subscriptions.js';
import { makeFile, type FakeApi } from '../dev/fake-api.js';
import { installFakeApi, stubLayout } from '../dev/test-helpers.js';
import { loadAppInfo, loadJobs, loadSettings } from '../store/actions.js';
import { getState } from '../store/store.js';
import { App } from './App.js';

let fake: FakeApi;
let unstub: () => void;
let stop: () => void;

beforeEach(async () => {
  unstub = stubLayout();
  fake = installFakeApi();
  stop = startSubscriptions(fake.api);
  await Promise.all([loadAppInfo(), loadSettings(), loadJobs()]);
});

afterEach(() => {
  stop();
  cleanup();
  unstub();
});

describe('screens never stale', () => {
  it('a Library opened before an import shows the imported files when it ends; the summary counts; Review opens Needs review', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-library'));
    await screen.findByText('No files here.');

    fireEvent.click(screen.getByTestId('nav-import'));
    fireEvent.change(screen.getByTestId('source-folder-input'), { target: { value: '/photos' } });
    fireEvent.click(screen.getByTestId('add-source-folder'));
    fireEvent.click(screen.getByTestId('start-import'));
    await screen.findByTestId('job-progress');
    const id = getState().jobs.current.import!;
    for (let i = 1; i <= 12; i++) fake.files.push(makeFile(i, { confidence: i <= 4 ? 'low' : 'high' }));
    act(() => fake.emitFinished({ jobId: id, type: 'import', status: 'completed', filesDone: 12, filesTotal: 12, errorCount: 0, error: null, outputDir: null, stats: null }));

    const summary = await screen.findByTestId('import-summary');
    expect(summary).toHaveTextContent('12 new');
    expect(summary).toHaveTextContent('0 already known');
    expect(summary).toHaveTextContent('0 could not be read');
    expect(summary).toHaveTextContent('0 skipped');

    // The library reloaded in the background: no filter click needed.
    await waitFor(() => expect(getState().library.total).toBe(12));

    fireEvent.click(screen.getByTestId('go-to-library'));
    await screen.findByText('4 files');
    expect(screen.getByTestId('filter-needs-review')).toHaveAttribute('aria-pressed', 'true');
    expect(within(screen.getByTestId('review-progress')).getByText(/0 of 4 reviewed/)).toBeInTheDocument();
  });
});
