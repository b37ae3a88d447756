// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSubscriptions } from '../api/subscriptions.js';
import { makeJob, type FakeApi } from '../dev/fake-api.js';
import { installFakeApi, stubLayout } from '../dev/test-helpers.js';
import { loadJobs } from '../store/job-actions.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { App } from './App.js';

let fake: FakeApi;
let unstub: () => void;

beforeEach(async () => {
  unstub = stubLayout();
  fake = installFakeApi({
    jobs: [
      makeJob(1, { type: 'import', status: 'completed', filesDone: 10, filesTotal: 10 }),
      makeJob(2, { type: 'export', status: 'interrupted', filesDone: 4, filesTotal: 10 }),
    ],
  });
  await Promise.all([loadAppInfo(), loadSettings(), loadJobs()]);
});

afterEach(() => {
  cleanup();
  unstub();
});

describe('App', () => {
  it('switches screens from the navigation', async () => {
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Import');
    fireEvent.click(screen.getByTestId('nav-library'));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Library');
    expect(screen.getByTestId('nav-library')).toHaveAttribute('aria-current', 'page');
    fireEvent.click(screen.getByTestId('nav-settings'));
    expect(await screen.findByTestId('time-zone')).toHaveValue('Europe/Berlin');
    fireEvent.click(screen.getByTestId('nav-export'));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Export');
    fireEvent.click(screen.getByTestId('nav-import'));
    expect(screen.getByTestId('start-import')).toBeInTheDocument();
  });

  it('job history offers Resume for an interrupted job and follows it', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-jobs'));
    expect(await screen.findByTestId('job-row-status-2')).toHaveTextContent('Interrupted');
    expect(screen.queryByTestId('resume-job-1')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('resume-job-2'));
    expect(fake.callsOf('resumeJob')).toEqual([{ id: 2 }]);
    // Resuming an export takes the user to the export screen showing that job.
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Export');
    expect(await screen.findByTestId('job-status')).toHaveTextContent('Running');
  });

  it('settings changes are saved through the api', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-settings'));
    fireEvent.change(await screen.findByTestId('time-zone'), { target: { value: 'America/New_York' } });
    await screen.findByTestId('settings-saved');
    fireEvent.click(screen.getByTestId('file-dates-last-resort'));
    expect(await screen.findByTestId('file-dates-last-resort')).toBeChecked();
    // Time zone from GPS: on by default, turned off here.
    expect(screen.getByTestId('gps-time-zone')).toBeChecked();
    fireEvent.click(screen.getByTestId('gps-time-zone'));
    await waitFor(() => expect(screen.getByTestId('gps-time-zone')).not.toBeChecked());
    expect(fake.callsOf('setSettings')).toEqual([{ timeZone: 'America/New_York' }, { useFileDatesAsLastResort: true }, { useGpsTimeZone: false }]);
    expect(screen.getByTestId('write-dates-into-copies')).toBeChecked();
    fireEvent.click(screen.getByTestId('write-folder-tags'));
    await waitFor(() => expect(screen.getByTestId('write-folder-tags')).not.toBeChecked());
    expect(fake.callsOf('setSettings').at(-1)).toEqual({ writeFolderTagsAsKeywords: false });
  });

  it('a progress tick repaints the progress line, not the screen around it', async () => {
    const stop = startSubscriptions(fake.api);
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-export'));
    const heading = screen.getByRole('heading', { level: 1 });
    const job = screen.getByTestId('job-progress');
    act(() =>
      fake.emitProgress({ jobId: 2, type: 'export', status: 'running', filesDone: 5, filesTotal: 10, bytesDone: 0, bytesTotal: 0, currentFile: null, errorCount: 0, bytesPerSecond: 0, etaSeconds: null }),
    );
    expect(job).toHaveTextContent('5 of 10 files');
    // Same DOM nodes: React updated text in place instead of rebuilding the view.
    expect(screen.getByRole('heading', { level: 1 })).toBe(heading);
    expect(screen.getByTestId('job-progress')).toBe(job);
    expect(getState().jobs.current.export).toBe(2);
    stop();
    expect(fake.listenerCount()).toBe(0);
  });
});
