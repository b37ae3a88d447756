// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSubscriptions } from '../api/subscriptions.js';
import { loadAppInfo } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { installFakeApi } from '../dev/test-helpers.js';
import type { FakeApi } from '../dev/fake-api.js';
import type { JobProgress } from '../../../shared/types.js';
import { ImportScreen } from './ImportScreen.js';

let fake: FakeApi;
let stop: () => void;

beforeEach(() => {
  fake = installFakeApi();
  stop = startSubscriptions(fake.api);
});

afterEach(() => {
  stop();
  cleanup();
});

const tick = (over: Partial<JobProgress>): JobProgress => ({
  jobId: 1,
  type: 'import',
  status: 'running',
  filesDone: 0,
  filesTotal: 100,
  bytesDone: 0,
  bytesTotal: 0,
  currentFile: null,
  errorCount: 0,
  bytesPerSecond: 0,
  etaSeconds: null,
  ...over,
});

async function startImportOf(folder: string): Promise<number> {
  fireEvent.change(screen.getByTestId('source-folder-input'), { target: { value: folder } });
  fireEvent.click(screen.getByTestId('add-source-folder'));
  expect(within(screen.getByTestId('source-folder-list')).getByText(folder)).toBeInTheDocument();
  fireEvent.click(screen.getByTestId('start-import'));
  await screen.findByTestId('job-progress');
  const id = getState().jobs.current.import;
  expect(id).not.toBeNull();
  return id as number;
}

describe('Import screen', () => {
  it('starts an import of the typed folders', async () => {
    render(<ImportScreen />);
    expect(screen.getByTestId('start-import')).toBeDisabled();
    await startImportOf('/home/me/Pictures');
    expect(fake.callsOf('startImport')).toEqual([{ folders: ['/home/me/Pictures'] }]);
    expect(screen.getByTestId('job-status')).toHaveTextContent('Waiting to start');
  });

  it('shows live progress from events', async () => {
    render(<ImportScreen />);
    const id = await startImportOf('/p');
    act(() => fake.emitProgress(tick({ jobId: id, filesDone: 12, currentFile: '/p/IMG_1.jpg', bytesPerSecond: 2048, etaSeconds: 300 })));
    expect(screen.getByTestId('job-progress')).toHaveTextContent('12 of 100');
    expect(screen.getByTestId('job-current-file')).toHaveTextContent('/p/IMG_1.jpg');
    // The first tick's guess at the time left is not shown: it means nothing yet.
    expect(screen.getByTestId('job-speed')).toHaveTextContent(/^2\.0 KB\/s$/);
    expect(screen.getByTestId('job-status')).toHaveTextContent('Running');
    act(() => fake.emitProgress(tick({ jobId: id, filesDone: 57 })));
    expect(screen.getByTestId('job-progress')).toHaveTextContent('57 of 100');
    act(() =>
      fake.emitFinished({ jobId: id, type: 'import', status: 'completed', filesDone: 100, filesTotal: 100, errorCount: 0, error: null, outputDir: null, stats: null }),
    );
    expect(screen.getByTestId('job-status')).toHaveTextContent('Finished');
    expect(screen.queryByTestId('pause-job')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('go-to-library'));
    expect(getState().ui.screen).toBe('library');
  });

  it('pause, resume and cancel call the api with the job id and answer at once', async () => {
    render(<ImportScreen />);
    const id = await startImportOf('/p');
    act(() => fake.emitProgress(tick({ jobId: id, filesDone: 3 })));

    const held = fake.holdNext('pauseJob');
    fireEvent.click(screen.getByTestId('pause-job'));
    // Optimistic: the screen says Paused before main has answered.
    expect(screen.getByTestId('job-status')).toHaveTextContent('Paused');
    expect(screen.getByTestId('resume-job')).toBeInTheDocument();
    expect(fake.callsOf('pauseJob')).toEqual([{ id }]);
    await act(async () => held.release());

    fireEvent.click(screen.getByTestId('resume-job'));
    expect(screen.getByTestId('job-status')).toHaveTextContent('Running');
    expect(fake.callsOf('resumeJob')).toEqual([{ id }]);
    await screen.findByTestId('pause-job');

    fireEvent.click(screen.getByTestId('cancel-job'));
    expect(screen.getByTestId('job-status')).toHaveTextContent('Cancelled');
    expect(fake.callsOf('cancelJob')).toEqual([{ id }]);
  });

  it('puts the status back and shows why when main refuses a pause', async () => {
    render(<ImportScreen />);
    const id = await startImportOf('/p');
    act(() => fake.emitProgress(tick({ jobId: id })));
    fake.failNext('pauseJob', { code: 'conflict', message: 'This job has already finished.' });
    fireEvent.click(screen.getByTestId('pause-job'));
    expect(await screen.findByText('This job has already finished.')).toBeInTheDocument();
    expect(screen.getByTestId('job-status')).toHaveTextContent('Running');
  });

  it('shows the error when the import cannot start', async () => {
    render(<ImportScreen />);
    fake.failNext('startImport', { code: 'not-found', message: 'That folder does not exist.' });
    fireEvent.change(screen.getByTestId('source-folder-input'), { target: { value: '/nope' } });
    fireEvent.click(screen.getByTestId('add-source-folder'));
    fireEvent.click(screen.getByTestId('start-import'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent('That folder does not exist.');
    expect(getState().jobs.current.import).toBeNull();
  });

  it('uses the in-page folder browser when there is no native dialog', async () => {
    await loadAppInfo();
    render(<ImportScreen />);
    fireEvent.click(screen.getByTestId('pick-source-folder'));
    const browser = await screen.findByTestId('folder-browser');
    const entry = await within(browser).findByRole('button', { name: /Pictures/ });
    fireEvent.click(entry);
    expect(await within(browser).findByTestId('folder-browser-path')).toHaveTextContent('/home/me/Pictures');
    expect(fake.callsOf('listDirs')).toEqual([{}, { path: '/home/me/Pictures' }]);
    fireEvent.click(within(browser).getByTestId('folder-browser-choose'));
    expect(screen.queryByTestId('folder-browser')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('source-folder-list')).getByText('/home/me/Pictures')).toBeInTheDocument();
    expect(fake.callsOf('pickFolder')).toEqual([]);
  });

  it('the folder browser can jump to a typed folder and explains a missing one', async () => {
    await loadAppInfo();
    render(<ImportScreen />);
    fireEvent.click(screen.getByTestId('pick-source-folder'));
    const browser = await screen.findByTestId('folder-browser');
    await within(browser).findByRole('button', { name: /Pictures/ });
    fireEvent.change(within(browser).getByTestId('folder-browser-go-input'), { target: { value: '/nowhere' } });
    fireEvent.click(within(browser).getByTestId('folder-browser-go'));
    expect(await within(browser).findByRole('alert')).toHaveTextContent('Folder not found.');
    fireEvent.change(within(browser).getByTestId('folder-browser-go-input'), { target: { value: '/home/me/Videos' } });
    fireEvent.click(within(browser).getByTestId('folder-browser-go'));
    expect(await within(browser).findByText('No folders inside this one.')).toBeInTheDocument();
    expect(within(browser).getByTestId('folder-browser-path')).toHaveTextContent('/home/me/Videos');
    expect(within(browser).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('uses the native picker on the desktop', async () => {
    fake = installFakeApi({ nativeDialogs: true, pickedFolders: ['/a', '/b'] });
    await loadAppInfo();
    render(<ImportScreen />);
    fireEvent.click(screen.getByTestId('pick-source-folder'));
    expect(await within(await screen.findByTestId('source-folder-list')).findByText('/b')).toBeInTheDocument();
    expect(fake.callsOf('pickFolder')).toEqual([{ purpose: 'source', multiple: true }]);
    expect(screen.queryByTestId('folder-browser')).not.toBeInTheDocument();
  });
});
