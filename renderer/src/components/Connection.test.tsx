// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTION_EVENT } from '../api/connection-event.js';
import { watchConnection } from '../api/subscriptions.js';
import { makeJob, type FakeApi } from '../dev/fake-api.js';
import { installFakeApi, stubLayout } from '../dev/test-helpers.js';
import { loadJobs } from '../store/job-actions.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { getState } from '../store/store.js';
import { App } from './App.js';

let fake: FakeApi;
let unstub: () => void;
let unwatch: () => void;

beforeEach(async () => {
  unstub = stubLayout();
  fake = installFakeApi({ settings: { outputDirectory: '/out' } });
  unwatch = watchConnection(window);
  await Promise.all([loadAppInfo(), loadSettings(), loadJobs()]);
});

afterEach(() => {
  unwatch();
  cleanup();
  unstub();
});

const connection = (online: boolean) => act(() => void window.dispatchEvent(new CustomEvent(CONNECTION_EVENT, { detail: { online } })));

describe('connection state (serve mode)', () => {
  it('a lost server shows a banner and turns the controls off; back online everything is asked again and a paused job is offered', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-export'));
    expect(screen.queryByTestId('connection-lost')).not.toBeInTheDocument();
    connection(false);
    expect(screen.getByTestId('connection-lost')).toHaveTextContent('not answering');
    expect(screen.getByTestId('pick-output-folder')).toBeDisabled();

    // Meanwhile the server restarted with an export paused.
    fake.jobs.set(9, makeJob(9, { type: 'export', status: 'paused', filesDone: 4, filesTotal: 10, options: { outputDir: '/out' } }));
    const before = fake.callsOf('listJobs').length;
    connection(true);
    expect(screen.queryByTestId('connection-lost')).not.toBeInTheDocument();
    expect(screen.getByTestId('pick-output-folder')).toBeEnabled();
    await waitFor(() => expect(fake.callsOf('listJobs').length).toBeGreaterThan(before));
    await waitFor(() => expect(getState().jobs.current.export).toBe(9));
    expect(await screen.findByTestId('resume-job')).toBeInTheDocument();
  });
});
