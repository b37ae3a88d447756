import { describe, expect, it } from 'vitest';
import type { JobFinishedEvent, JobProgress } from '../../shared/types.js';
import {
  jobViewFromSummary,
  notificationFor,
  pauseResumeAction,
  progressBarState,
  reduceJobView,
  shouldRebuildMenu,
  trayMenuModel,
  trayTooltip,
  type JobView,
} from './tray-model.js';
import { jobSummary } from '../../test-support/job-summary.js';

function view(over: Partial<JobView> = {}): JobView {
  return {
    jobId: 7,
    type: 'export',
    status: 'running',
    filesDone: 1234,
    filesTotal: 5000,
    bytesDone: 10,
    bytesTotal: 100,
    currentFile: '/photos/a.jpg',
    errorCount: 0,
    bytesPerSecond: 1e6,
    etaSeconds: 180,
    error: null,
    ...over,
  };
}

function finished(over: Partial<JobFinishedEvent> = {}): JobFinishedEvent {
  return {
    jobId: 7,
    type: 'export',
    status: 'completed',
    filesDone: 5000,
    filesTotal: 5000,
    errorCount: 0,
    error: null,
    outputDir: '/media/archive',
    stats: null,
    ...over,
  };
}

describe('trayTooltip', () => {
  it('shows counts with thousands separators, percent and time left while running', () => {
    expect(trayTooltip(view())).toBe('Exporting 1,234 of 5,000 — 25%, 3 min left');
  });

  it('says importing for an import and leaves out an unknown ETA or total', () => {
    expect(trayTooltip(view({ type: 'import', etaSeconds: null }))).toBe('Importing 1,234 of 5,000 — 25%');
    expect(trayTooltip(view({ type: 'import', filesTotal: 0, filesDone: 40, bytesTotal: 0, etaSeconds: null }))).toBe(
      'Importing 40 files',
    );
    expect(trayTooltip(view({ filesTotal: 0, filesDone: 0, bytesTotal: 0, etaSeconds: null }))).toBe('Exporting…');
  });

  it('never claims 100% before the last file', () => {
    expect(trayTooltip(view({ filesDone: 4999, etaSeconds: 5 }))).toBe(
      'Exporting 4,999 of 5,000 — 99%, less than a minute left',
    );
  });

  it('describes every stopped state', () => {
    expect(trayTooltip(null)).toBe('MediaParser');
    expect(trayTooltip(view({ status: 'queued' }))).toBe('Export waiting to start');
    expect(trayTooltip(view({ status: 'paused' }))).toBe('Export paused at 1,234 of 5,000 — 25%');
    expect(trayTooltip(view({ status: 'interrupted' }))).toBe(
      'Export interrupted at 1,234 of 5,000 — 25% — can be resumed',
    );
    expect(trayTooltip(view({ status: 'cancelled' }))).toBe('Export cancelled at 1,234 of 5,000 — 25%');
    expect(
      trayTooltip(view({ status: 'halted', error: { code: 'disk-full', message: 'The output disk is full.' } })),
    ).toBe('Export halted at 1,234 of 5,000 — 25%: The output disk is full.');
    expect(trayTooltip(view({ status: 'failed', error: { code: 'internal', message: 'Boom.' } }))).toBe(
      'Export failed: Boom.',
    );
    expect(trayTooltip(view({ status: 'completed', filesDone: 5000, errorCount: 2 }))).toBe(
      'Export finished: 5,000 files exported, 2 errors',
    );
    expect(trayTooltip(view({ status: 'completed', type: 'import', filesDone: 1, filesTotal: 1 }))).toBe(
      'Import finished: 1 file imported',
    );
  });

  it('stays within the 127 characters Windows shows', () => {
    const long = trayTooltip(view({ status: 'failed', error: { code: 'io', message: 'x'.repeat(300) } }));
    expect(long).toHaveLength(127);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('progressBarState', () => {
  it('follows the job', () => {
    expect(progressBarState(null)).toEqual({ progress: -1, mode: 'none' });
    expect(progressBarState(view())).toEqual({ progress: 1234 / 5000, mode: 'normal' });
    expect(progressBarState(view({ status: 'queued' }))).toEqual({ progress: 2, mode: 'indeterminate' });
    expect(progressBarState(view({ filesTotal: 0, bytesTotal: 0 }))).toEqual({ progress: 2, mode: 'indeterminate' });
    expect(progressBarState(view({ filesTotal: 0, bytesDone: 25, bytesTotal: 100 }))).toEqual({
      progress: 0.25,
      mode: 'normal',
    });
  });

  it('shows paused and error states and clears when done', () => {
    expect(progressBarState(view({ status: 'paused' }))).toEqual({ progress: 1234 / 5000, mode: 'paused' });
    expect(progressBarState(view({ status: 'interrupted' })).mode).toBe('paused');
    expect(progressBarState(view({ status: 'halted' }))).toEqual({ progress: 1234 / 5000, mode: 'error' });
    expect(progressBarState(view({ status: 'failed', filesTotal: 0, bytesTotal: 0 }))).toEqual({
      progress: 1,
      mode: 'error',
    });
    expect(progressBarState(view({ status: 'completed' }))).toEqual({ progress: -1, mode: 'none' });
    expect(progressBarState(view({ status: 'cancelled' }))).toEqual({ progress: -1, mode: 'none' });
  });
});

describe('trayMenuModel', () => {
  const byId = (v: JobView | null) => Object.fromEntries(trayMenuModel(v).map((i) => [i.id, i]));

  it('lists status, Show window, Pause/Resume, Cancel, Quit in that order', () => {
    expect(trayMenuModel(view()).map((i) => i.id)).toEqual(['status', 'show', 'pause-resume', 'cancel', 'quit']);
    expect(byId(view()).status).toEqual({ id: 'status', label: trayTooltip(view()), enabled: false });
  });

  it('offers Pause while running and Resume while paused', () => {
    expect(byId(view())['pause-resume']).toEqual({ id: 'pause-resume', label: 'Pause', enabled: true });
    expect(byId(view({ status: 'paused' }))['pause-resume']).toEqual({
      id: 'pause-resume',
      label: 'Resume',
      enabled: true,
    });
    expect(byId(view({ status: 'halted' }))['pause-resume']?.label).toBe('Resume');
    expect(pauseResumeAction(view({ status: 'queued' }))).toBe('pause');
  });

  it('disables job actions when there is no job or it is over', () => {
    for (const v of [null, view({ status: 'completed' }), view({ status: 'cancelled' }), view({ status: 'failed' })]) {
      expect(byId(v)['pause-resume']?.enabled).toBe(false);
      expect(byId(v).cancel?.enabled).toBe(false);
      expect(byId(v).show?.enabled).toBe(true);
      expect(byId(v).quit).toEqual({ id: 'quit', label: 'Quit', enabled: true });
    }
    expect(byId(view({ status: 'paused' })).cancel?.enabled).toBe(true);
  });

  it('warns that quitting pauses a running job', () => {
    expect(byId(view()).quit?.label).toBe('Quit (pauses the export)');
    expect(byId(view({ type: 'import' })).quit?.label).toBe('Quit (pauses the import)');
  });
});

describe('shouldRebuildMenu', () => {
  const running = trayMenuModel(view());
  it('rebuilds at once when an item changes and throttles status-line changes', () => {
    expect(shouldRebuildMenu(null, running, 0)).toBe(true);
    expect(shouldRebuildMenu(running, running, 5000)).toBe(false);
    const ticked = trayMenuModel(view({ filesDone: 1300 }));
    expect(shouldRebuildMenu(running, ticked, 100)).toBe(false);
    expect(shouldRebuildMenu(running, ticked, 1000)).toBe(true);
    expect(shouldRebuildMenu(running, trayMenuModel(view({ status: 'paused' })), 0)).toBe(true);
  });
});

describe('notificationFor', () => {
  it('announces a completed export with its folder and errors', () => {
    expect(notificationFor(finished())).toEqual({
      title: 'Export finished',
      body: '5,000 files exported to /media/archive.',
    });
    expect(notificationFor(finished({ errorCount: 1, filesDone: 4999 }))?.body).toBe(
      '4,999 files exported to /media/archive. 1 file could not be exported.',
    );
    expect(notificationFor(finished({ type: 'import', outputDir: null }))).toEqual({
      title: 'Import finished',
      body: '5,000 files imported.',
    });
  });

  it('explains halts and failures', () => {
    expect(
      notificationFor(finished({ status: 'halted', error: { code: 'disk-full', message: 'The output disk is full.' } })),
    ).toEqual({ title: 'Export halted', body: 'The output disk is full. Fix the problem, then resume it from Jobs.' });
    expect(notificationFor(finished({ status: 'failed', error: { code: 'internal', message: 'Boom.' } }))).toEqual({
      title: 'Export failed',
      body: 'Boom.',
    });
  });

  it('stays quiet about what the user did', () => {
    expect(notificationFor(finished({ status: 'cancelled' }))).toBeNull();
    expect(notificationFor(finished({ status: 'paused' }))).toBeNull();
    expect(notificationFor(finished({ status: 'interrupted' }))).toBeNull();
  });
});

describe('reduceJobView', () => {
  const progress: JobProgress = { ...view() };
  delete (progress as Partial<JobView>).error;

  it('takes counts from progress and status from status events', () => {
    const a = reduceJobView(null, { channel: 'job:progress', payload: progress });
    expect(a).toEqual({ ...progress, error: null });
    const b = reduceJobView(a, {
      channel: 'job:status',
      payload: { jobId: 7, type: 'export', status: 'paused', error: null },
    });
    expect(b).toMatchObject({ status: 'paused', filesDone: 1234, filesTotal: 5000, etaSeconds: null });
  });

  it('follows a new job when its events arrive', () => {
    const a = reduceJobView(view(), {
      channel: 'job:status',
      payload: { jobId: 8, type: 'import', status: 'queued', error: null },
    });
    expect(a).toMatchObject({ jobId: 8, type: 'import', status: 'queued', filesDone: 0 });
  });

  it('ends with the finished counts and error', () => {
    const error = { code: 'disk-full' as const, message: 'Full.' };
    const a = reduceJobView(view(), {
      channel: 'job:finished',
      payload: finished({ status: 'halted', filesDone: 2000, error }),
    });
    expect(a).toMatchObject({ jobId: 7, status: 'halted', filesDone: 2000, bytesTotal: 100, error, etaSeconds: null });
  });

  it('builds a view from a job summary', () => {
    const summary = jobSummary({ id: 3, filesDone: 10, filesTotal: 20, bytesDone: 1, bytesTotal: 2, errorCount: 1 });
    expect(trayTooltip(jobViewFromSummary(summary))).toBe('Export interrupted at 10 of 20 — 50% — can be resumed');
  });
});
