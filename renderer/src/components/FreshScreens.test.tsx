// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSubscriptions } from '../api/subscriptions.js';
import { corpusAvailable } from '../../../test-support/corpus.js';
import { createRealApi, type RealApi } from '../../../test-support/real-api.js';
import { installApi, stubLayout } from '../dev/test-helpers.js';
import { loadJobs } from '../store/job-actions.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { App } from './App.js';

let real: RealApi;
let unstub: () => void;
let stop: () => void;

beforeEach(async () => {
  unstub = stubLayout();
  real = await createRealApi();
  installApi(real.api);
  stop = startSubscriptions(real.api);
  await Promise.all([loadAppInfo(), loadSettings(), loadJobs()]);
});

afterEach(async () => {
  stop();
  cleanup();
  unstub();
  await real.close();
});

/** What the core is unsure about among them: a date from the name only, or none. */
const UNSURE = 3;

describe.skipIf(!corpusAvailable())('screens never stale', () => {
  it('a Library opened before an import shows the imported files when it ends; the summary counts; Review opens Needs review', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-library'));
    await screen.findByText('No files here.');

    // Five pictures: three dated only by their name or not at all, which the app is unsure about.
    const folder = await real.copyPictures(['exiftool/Canon.jpg', 'tags/Holiday 2019/Beach {beach,family}.jpg', 'names/IMG_0001.JPG', 'names/IMG_20190514_103000.jpg', 'names/DSC_0042.JPG']);
    fireEvent.click(screen.getByTestId('nav-import'));
    fireEvent.change(screen.getByTestId('source-folder-input'), { target: { value: folder } });
    fireEvent.click(screen.getByTestId('add-source-folder'));
    fireEvent.click(screen.getByTestId('start-import'));
    await screen.findByTestId('job-progress');
    expect(real.callsOf('startImport')).toEqual([{ folders: [folder] }]);

    // The real import runs in its worker; its events reach the screen.
    const summary = await screen.findByTestId('import-summary', {}, { timeout: 30_000 });
    expect(summary).toHaveTextContent('5 new');
    expect(summary).toHaveTextContent('0 already known');
    expect(summary).toHaveTextContent('0 could not be read');
    expect(summary).toHaveTextContent('0 skipped');

    // The library reloaded in the background: no filter click needed.
    await waitFor(() => expect(getState().library.total).toBe(5));

    fireEvent.click(screen.getByTestId('go-to-library'));
    await screen.findByText(`${UNSURE} files`);
    expect(screen.getByTestId('filter-needs-review')).toHaveAttribute('aria-pressed', 'true');
    expect(within(screen.getByTestId('review-progress')).getByText(new RegExp(`0 of ${UNSURE} reviewed`))).toBeInTheDocument();
  });
});
