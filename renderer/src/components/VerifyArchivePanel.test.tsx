// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../shared/verify-report.js';
import { startSubscriptions } from '../api/subscriptions.js';
import type { FakeApi } from '../dev/fake-api.js';
import { installFakeApi } from '../dev/test-helpers.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { ExportScreen } from './ExportScreen.js';
import { VerifyArchivePanel } from './VerifyArchivePanel.js';

let fake: FakeApi;
let stop: () => void;

const SHA = 'a'.repeat(64);

function report(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return {
    root: '/out',
    manifestRecords: 5,
    manifestSkippedLines: 0,
    ok: 5,
    bytesChecked: 5_000_000,
    missing: [],
    changed: [],
    notInManifest: [],
    movedAside: [],
    unreadable: [],
    ignored: [],
    ...overrides,
  };
}

beforeEach(() => {
  fake = installFakeApi({ settings: { outputDirectory: '/out' } });
  stop = startSubscriptions(fake.api);
});

afterEach(() => {
  stop();
  cleanup();
});

describe('Verify archive', () => {
  it('verifies the folder with a progress bar, can cancel, and lists the problem files', async () => {
    render(<VerifyArchivePanel root="/out" />);
    fireEvent.click(screen.getByTestId('verify-start'));
    expect(fake.callsOf('startVerify')).toEqual([{ root: '/out' }]);
    expect(await screen.findByTestId('verify-cancel')).toBeInTheDocument();
    expect(screen.getByTestId('verify-start')).toBeDisabled();

    act(() =>
      fake.emitVerifyProgress({
        verifyId: 1,
        root: '/out',
        filesDone: 1,
        filesTotal: 4,
        bytesDone: 1_000_000,
        bytesTotal: 4_000_000,
        currentFile: '2003/20031204_064652.jpg',
      }),
    );
    expect(screen.getByTestId('verify-progress-text')).toHaveTextContent('1 of 4 files · 1.0 MB of 4.0 MB checked (25%)');
    expect(screen.getByTestId('verify-current')).toHaveTextContent('2003/20031204_064652.jpg');
    expect(screen.getByRole('progressbar', { name: 'Verified' })).toHaveAttribute('value', '1000000');

    fireEvent.click(screen.getByTestId('verify-cancel'));
    expect(fake.callsOf('cancelVerify')).toEqual([{ verifyId: 1 }]);

    // The run ends on its own (the cancel came too late): the report is shown.
    act(() =>
      fake.emitVerifyFinished({
        verifyId: 1,
        root: '/out',
        status: 'completed',
        error: null,
        report: report({
          ok: 2,
          changed: [{ path: '2003/20031204_064652.jpg', reason: 'content', expectedSize: 10, expectedSha256: SHA, actualSize: 10, actualSha256: SHA }],
          missing: [{ path: '2011/20111111_111111.jpg', size: 10, sha256: SHA }],
          notInManifest: [{ path: '2019/holiday.jpg', size: 3 }],
          movedAside: [{ path: '2004/x.changed.jpg', from: '2004/x.jpg', present: true }],
        }),
      }),
    );
    expect(screen.queryByTestId('verify-progress')).not.toBeInTheDocument();
    expect(screen.getByTestId('verify-summary')).toHaveTextContent('3 files need your attention');
    expect(screen.getByTestId('verify-count-ok')).toHaveTextContent('2 ok');
    expect(screen.getByTestId('verify-count-changed')).toHaveTextContent('1 changed');
    expect(screen.getByTestId('verify-count-missing')).toHaveTextContent('1 missing');
    expect(screen.getByTestId('verify-count-extra')).toHaveTextContent('1 not in the manifest');
    expect(within(screen.getByTestId('verify-changed')).getByText('2003/20031204_064652.jpg')).toBeInTheDocument();
    expect(screen.getByTestId('verify-changed')).toHaveTextContent('same size, different content');
    expect(within(screen.getByTestId('verify-missing')).getByText('2011/20111111_111111.jpg')).toBeInTheDocument();
    expect(within(screen.getByTestId('verify-extra')).getByText('2019/holiday.jpg')).toBeInTheDocument();
    expect(screen.getByTestId('verify-aside')).toHaveTextContent('was 2004/x.jpg');
    expect(screen.getByTestId('verify-start')).toHaveTextContent('Verify again');
  });

  it('says so when everything is intact', async () => {
    render(<VerifyArchivePanel root="/out" />);
    fireEvent.click(screen.getByTestId('verify-start'));
    await screen.findByTestId('verify-cancel');
    act(() => fake.emitVerifyFinished({ verifyId: 1, root: '/out', status: 'completed', error: null, report: report() }));
    expect(screen.getByTestId('verify-summary')).toHaveTextContent('Everything is intact: 5 files (5.0 MB)');
    expect(screen.queryByTestId('verify-missing')).not.toBeInTheDocument();
  });

  it('takes a finished event that arrives before the start answer', async () => {
    render(<VerifyArchivePanel root="/out" />);
    const hold = fake.holdNext('startVerify');
    fireEvent.click(screen.getByTestId('verify-start'));
    act(() => fake.emitVerifyFinished({ verifyId: 1, root: '/out', status: 'completed', error: null, report: report({ ok: 1 }) }));
    hold.release();
    expect(await screen.findByTestId('verify-summary')).toHaveTextContent('Everything is intact: 1 files');
    expect(screen.queryByTestId('verify-cancel')).not.toBeInTheDocument();
  });

  it('shows why a folder cannot be verified, and a cancelled run', async () => {
    render(<VerifyArchivePanel root="/out" />);
    fake.failNext('startVerify', { code: 'not-found', message: 'There is no MediaParser manifest (mediaparser-manifest.jsonl) in /out.' });
    fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByTestId('verify-error')).toHaveTextContent('There is no MediaParser manifest');
    expect(screen.getByTestId('verify-start')).toBeEnabled();

    fireEvent.click(screen.getByTestId('verify-start'));
    await screen.findByTestId('verify-cancel');
    expect(screen.queryByTestId('verify-error')).not.toBeInTheDocument();
    act(() => fake.emitVerifyFinished({ verifyId: 1, root: '/out', status: 'cancelled', error: null, report: null }));
    expect(screen.getByTestId('verify-cancelled')).toHaveTextContent('Verification cancelled.');
  });

  it('is on the Export screen for the chosen output folder', async () => {
    await loadAppInfo();
    await loadSettings();
    render(<ExportScreen />);
    expect(screen.getByTestId('verify-archive')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('verify-start'));
    expect(fake.callsOf('startVerify')).toEqual([{ root: '/out' }]);
  });
});
