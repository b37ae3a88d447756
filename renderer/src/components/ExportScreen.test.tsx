// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSubscriptions } from '../api/subscriptions.js';
import { makeFile, type FakeApi } from '../dev/fake-api.js';
import { installApi, installFakeApi } from '../dev/test-helpers.js';
import { createRealApi, type FileRow, type RealApi } from '../../../test-support/real-api.js';
import { loadAppInfo, loadSettings } from '../store/settings-actions.js';
import { ExportScreen } from './ExportScreen.js';

let fake: FakeApi;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
let stop: () => void;

beforeEach(async () => {
  fake = installFakeApi({
    // The desktop shell: a native file manager to show the archive in.
    nativeDialogs: true,
    files: [
      makeFile(1, { detectedTimestamp: '2019-01-01T10:00:00' }),
      makeFile(2, { detectedTimestamp: '2021-01-01T10:00:00' }),
      makeFile(3, { detectedTimestamp: null, confidence: 'none' }),
      makeFile(4, { discarded: true }),
    ],
  });
  stop = startSubscriptions(fake.api);
  await loadAppInfo();
  await loadSettings();
});

afterEach(() => {
  stop();
  cleanup();
});

/** A real core with these rows instead of the fake: the store and its subscriptions over it. */
async function withRealCore(rows: FileRow[], prepare: (real: RealApi, ids: number[]) => Promise<unknown>): Promise<RealApi> {
  stop();
  const real = await createRealApi();
  await prepare(real, real.addRows(rows));
  installApi(real.api);
  stop = startSubscriptions(real.api);
  await loadAppInfo();
  await loadSettings();
  return real;
}

describe('Export screen: preview on a real library', () => {
  let real: RealApi;

  beforeEach(async () => {
    const rows = [
      { path: '/photos/IMG_0001.jpg', detected: '2019-01-01T10:00:00' },
      { path: '/photos/IMG_0002.jpg', detected: '2021-01-01T10:00:00' },
      { path: '/photos/IMG_0003.jpg', detected: null },
      { path: '/photos/IMG_0004.jpg', detected: '2019-06-01T10:00:00' },
    ];
    real = await withRealCore(rows, async (r, ids) => unwrap(await r.core.handlers['files:discard']({ id: ids[3]! })));
  });

  afterEach(async () => {
    stop();
    cleanup();
    await real.close();
  });

  it('saves the output folder and previews what the export will do: kept files only, per year, the undated ones', async () => {
    const out = `${real.dir}/out`;
    render(<ExportScreen />);
    expect(screen.getByTestId('start-export')).toBeDisabled();
    fireEvent.change(screen.getByTestId('output-folder-input'), { target: { value: out } });
    fireEvent.click(screen.getByTestId('set-output-folder'));
    expect(await screen.findByTestId('output-folder')).toHaveTextContent(out);
    expect(unwrap(await real.api.getSettings({})).outputDirectory).toBe(out);

    const preview = await screen.findByTestId('export-preview');
    expect(within(preview).getByTestId('preview-file-count')).toHaveTextContent('3');
    expect(within(preview).getByTestId('preview-undated')).toHaveTextContent('1 without a date');
    const table = within(preview).getByRole('table');
    expect(table).toHaveTextContent('2019');
    expect(table).toHaveTextContent('2021');
    expect(real.callsOf('previewExport').at(-1)).toEqual({ outputDir: out });
    expect(screen.getByTestId('start-export')).toBeEnabled();
  });
});

describe('Export screen', () => {
  it('saves the output folder, previews, exports with live progress and ends with a summary', async () => {
    render(<ExportScreen />);
    expect(screen.getByTestId('start-export')).toBeDisabled();
    fireEvent.change(screen.getByTestId('output-folder-input'), { target: { value: '/out' } });
    fireEvent.click(screen.getByTestId('set-output-folder'));
    expect(await screen.findByTestId('output-folder')).toHaveTextContent('/out');
    expect(fake.callsOf('setSettings')).toEqual([{ outputDirectory: '/out' }]);

    await screen.findByTestId('export-preview');
    expect(fake.callsOf('previewExport').at(-1)).toEqual({ outputDir: '/out' });

    fireEvent.click(screen.getByTestId('start-export'));
    await screen.findByTestId('job-progress');
    expect(fake.callsOf('startExport')).toEqual([{ outputDir: '/out' }]);
    const jobId = [...fake.jobs.values()].find((j) => j.type === 'export')!.id;

    act(() =>
      fake.emitProgress({
        jobId,
        type: 'export',
        status: 'running',
        filesDone: 1,
        filesTotal: 3,
        bytesDone: 1_000_000,
        bytesTotal: 3_000_000,
        currentFile: '/photos/IMG_0002.jpg',
        errorCount: 0,
        bytesPerSecond: 1_000_000,
        etaSeconds: 120,
      }),
    );
    expect(screen.getByTestId('job-progress')).toHaveTextContent('1 of 3 files');
    expect(screen.getByTestId('job-bytes')).toHaveTextContent('1.0 MB of 3.0 MB copied');
    expect(screen.getByTestId('job-speed')).toHaveTextContent(/^1\.0 MB\/s$/);
    // The preview and Start button step aside while the export runs.
    expect(screen.queryByTestId('start-export')).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId('pause-job'));
    expect(screen.getByTestId('job-status')).toHaveTextContent('Paused');
    expect(fake.callsOf('pauseJob')).toEqual([{ id: jobId }]);
    await screen.findByTestId('resume-job');
    fireEvent.click(screen.getByTestId('resume-job'));
    expect(fake.callsOf('resumeJob')).toEqual([{ id: jobId }]);

    fake.files[2]!.error = 'Could not read the file.';
    act(() =>
      fake.emitFinished({
        jobId,
        type: 'export',
        status: 'completed',
        filesDone: 3,
        filesTotal: 3,
        errorCount: 1,
        error: null,
        outputDir: '/out',
        stats: { copied: 1, alreadyThere: 1, renamed: 0, failed: 1, movedAside: 0, discardedInArchive: 0, bytesCopied: 10 },
      }),
    );
    const summary = await screen.findByTestId('export-summary');
    expect(summary).toHaveTextContent('1 copied, 1 already there, 0 renamed, 1 failed in /out');
    expect(summary).not.toHaveTextContent('Nothing new');
    expect(await screen.findByTestId('file-errors')).toHaveTextContent('/photos/IMG_0003.jpg: Could not read the file.');
    fireEvent.click(within(summary).getByTestId('show-in-folder'));
    expect(fake.callsOf('showPath')).toEqual([{ path: '/out' }]);
  });

  it('shows why an export could not start', async () => {
    fake.settings.outputDirectory = '/full';
    await loadSettings();
    render(<ExportScreen />);
    await screen.findByTestId('export-preview');
    fake.failNext('startExport', { code: 'disk-full', message: 'The output disk is full.', detail: 'ENOSPC' });
    fireEvent.click(screen.getByTestId('start-export'));
    expect(await screen.findByTestId('export-error')).toHaveTextContent('The output disk is full.');
    expect(screen.queryByTestId('job-progress')).not.toBeInTheDocument();
  });

  it('warns when the files do not fit on the target', async () => {
    fake = installFakeApi({
      settings: { outputDirectory: '/small' },
      preview: {
        fileCount: 12,
        newCount: 10,
        newBytes: 2_000,
        alreadyThere: 1,
        toRename: 1,
        problems: 0,
        discardedInArchive: 0,
        perYear: [],
        undatedCount: 0,
        collisionCount: 2,
        nameTemplate: '{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}',
        names: [],
        fidelity: {
          livePhotos: 1,
          rawPairs: 2,
          sidecars: 3,
          writes: [
            { reason: 'date-set-by-user', count: 4 },
            { reason: 'folder-tags', count: 5 },
          ],
          xmpSidecars: 1,
          examples: [{ main: '2021/20210410_114400.jpg', companions: ['2021/20210410_114400.mov', '2021/20210410_114400.xmp'] }],
        },
        outputDir: '/small',
        freeBytes: 1_000,
        outputProblem: null,
      },
    });
    await loadSettings();
    render(<ExportScreen />);
    const preview = await screen.findByTestId('export-preview');
    expect(within(preview).getByRole('alert')).toHaveTextContent('not enough free space');
    expect(within(preview).getByTestId('preview-collisions')).toHaveTextContent('2 share a date');
    expect(within(preview).getByTestId('preview-file-count')).toHaveTextContent('10');
    expect(within(preview).getByTestId('preview-already')).toHaveTextContent('1 already in this folder');
    expect(within(preview).getByTestId('preview-rename')).toHaveTextContent('1 whose date or naming changed will be renamed');
    expect(within(preview).getByTestId('preview-groups')).toHaveTextContent('1 Live Photo and 2 RAW+JPEG pairs');
    expect(within(preview).getByTestId('preview-sidecars')).toHaveTextContent('3 sidecar files');
    expect(within(preview).getByTestId('preview-writes')).toHaveTextContent('4 get the date you set written in');
    expect(within(preview).getByTestId('preview-writes')).toHaveTextContent('5 get their folder tags as keywords');
    expect(within(preview).getByTestId('preview-xmp-sidecars')).toHaveTextContent('1 file gets an XMP sidecar with the corrected date');
    expect(within(preview).getByTestId('preview-group-examples')).toHaveTextContent('2021/20210410_114400.jpg with 2021/20210410_114400.mov, 2021/20210410_114400.xmp');
  });
});

describe('Export screen: naming template', () => {
  let real: RealApi;
  let out: string;

  beforeEach(async () => {
    const rows = [
      { path: '/photos/IMG_0001.jpg', detected: '2019-01-01T10:00:00', cameraModel: 'Canon EOS 5D', tags: ['beach', 'alps'] },
      { path: '/photos/IMG_0002.jpg', detected: null },
    ];
    real = await withRealCore(rows, async (r) => {
      out = `${r.dir}/out`;
      unwrap(await r.api.setSettings({ outputDirectory: out }));
    });
  });

  afterEach(async () => {
    stop();
    cleanup();
    await real.close();
  });

  it('shows the names a template gives live, refuses a hostile one inline, and saves it when the export starts', async () => {
    render(<ExportScreen />);
    // The default: today's names.
    const examples = await screen.findByTestId('name-examples');
    expect(examples).toHaveTextContent('IMG_0001.jpg → 2019/20190101_100000.jpg');
    expect(examples).toHaveTextContent('IMG_0002.jpg → unknown/IMG_0002.jpg');

    const input = screen.getByTestId('name-template');
    fireEvent.change(input, { target: { value: '{camera}/{tag}/{YYYY}-{MM}-{DD}_{name}' } });
    expect(await screen.findByText('Canon EOS 5D/alps/2019-01-01_IMG_0001.jpg', {}, { timeout: 2000 })).toBeInTheDocument();
    expect(real.callsOf('previewExport').at(-1)).toEqual({ outputDir: out, nameTemplate: '{camera}/{tag}/{YYYY}-{MM}-{DD}_{name}' });
    expect(screen.getByTestId('name-template-unsaved')).toBeInTheDocument();
    expect(real.callsOf('setSettings')).toEqual([{ outputDirectory: out }]);

    // Refused as typed, with the reason, and never sent to the core.
    const previews = real.callsOf('previewExport').length;
    fireEvent.change(input, { target: { value: '../{YYYY}/{name}' } });
    expect(screen.getByTestId('name-template-problem')).toHaveTextContent('outside the archive');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('start-export')).toBeDisabled();
    expect(screen.getByTestId('save-name-template')).toBeDisabled();
    expect(screen.queryByTestId('name-examples')).not.toBeInTheDocument();
    fireEvent.change(input, { target: { value: '{YYYY}/{nom}' } });
    expect(screen.getByTestId('name-template-problem')).toHaveTextContent('{nom} is not a token');
    await new Promise((r) => setTimeout(r, 400));
    expect(real.callsOf('previewExport').length).toBe(previews);

    // A good template again: Start export saves it, then exports.
    fireEvent.change(input, { target: { value: '{YYYY}/{MM}/{name}' } });
    expect(screen.queryByTestId('name-template-problem')).not.toBeInTheDocument();
    expect(await screen.findByText('2019/01/IMG_0001.jpg', {}, { timeout: 2000 })).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('start-export'));
    await screen.findByTestId('job-progress');
    expect(real.callsOf('setSettings').slice(1)).toEqual([{ nameTemplate: '{YYYY}/{MM}/{name}' }]);
    expect(unwrap(await real.api.getSettings({})).nameTemplate).toBe('{YYYY}/{MM}/{name}');
    expect(real.callsOf('startExport')).toEqual([{ outputDir: out }]);
  });

  it('saves a template with Save naming and goes back to the default', async () => {
    render(<ExportScreen />);
    const input = await screen.findByTestId('name-template');
    fireEvent.change(input, { target: { value: '{YYYY}{MM}{DD}_{hh}{mm}{ss}' } });
    fireEvent.click(screen.getByTestId('save-name-template'));
    await screen.findByTestId('name-examples');
    expect(real.callsOf('setSettings').slice(1)).toEqual([{ nameTemplate: '{YYYY}{MM}{DD}_{hh}{mm}{ss}' }]);
    expect(await screen.findByText('20190101_100000.jpg')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('default-name-template'));
    expect(input).toHaveValue('{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}');
  });
});
