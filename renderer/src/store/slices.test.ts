import { describe, expect, it } from 'vitest';
import { applyFinished, applyProgress, applyStatus, beginJobAction, failJobAction, initialJobsState, pickCurrent, upsertSummary } from './jobs-slice.js';
import { PAGE_SIZE, initialLibraryState, invalidate, itemAt, replaceItem, type LibraryState } from './library-slice.js';
import { clickSelection, initialSelectionState } from './selection-slice.js';
import { thumbnailSrc } from './settings-slice.js';
import { addFolder } from './ui-slice.js';
import { makeFile, makeJob } from '../dev/fake-api.js';
import type { JobProgress } from '../../../shared/types.js';

const progress = (over: Partial<JobProgress> = {}): JobProgress => ({
  jobId: 7,
  type: 'export',
  status: 'running',
  filesDone: 12,
  filesTotal: 100,
  bytesDone: 1200,
  bytesTotal: 10_000,
  currentFile: '/a/b.jpg',
  errorCount: 0,
  bytesPerSecond: 500,
  etaSeconds: 90,
  ...over,
});

describe('jobs slice', () => {
  it('creates a job from its first progress event and follows it as current', () => {
    const s = applyProgress(initialJobsState, progress());
    expect(s.byId[7]).toMatchObject({ filesDone: 12, filesTotal: 100, bytesPerSecond: 500, type: 'export' });
    expect(s.current.export).toBe(7);
    expect(s.current.import).toBeNull();
    expect(s.order).toEqual([7]);
  });

  it('keeps the optimistic paused state while a pause is in flight, then confirms it', () => {
    let s = applyProgress(initialJobsState, progress());
    s = beginJobAction(s, 7, 'pause');
    expect(s.byId[7]?.status).toBe('paused');
    s = applyProgress(s, progress({ filesDone: 13 }));
    expect(s.byId[7]?.status).toBe('paused');
    // Nothing moves once Paused is shown; main's answer brings the final numbers.
    expect(s.byId[7]?.filesDone).toBe(12);
    s = upsertSummary(s, makeJob(7, { type: 'export', status: 'paused', filesDone: 13 }));
    expect(s.byId[7]?.pending).toBeNull();
    expect(s.byId[7]?.bytesPerSecond).toBe(0);
  });

  it('reverts an optimistic change that main refuses and keeps the error', () => {
    let s = applyProgress(initialJobsState, progress());
    s = beginJobAction(s, 7, 'cancel');
    s = failJobAction(s, 7, { code: 'conflict', message: 'Already finished.' });
    expect(s.byId[7]?.status).toBe('running');
    expect(s.byId[7]?.actionError?.code).toBe('conflict');
  });

  it('a late progress tick does not undo a confirmed pause; a status event does', () => {
    let s = applyProgress(initialJobsState, progress());
    s = applyStatus(s, { jobId: 7, type: 'export', status: 'paused', error: null });
    s = applyProgress(s, progress({ filesDone: 14 }));
    expect(s.byId[7]).toMatchObject({ status: 'paused', filesDone: 12 });
    s = applyStatus(s, { jobId: 7, type: 'export', status: 'running', error: null });
    expect(s.byId[7]?.status).toBe('running');
  });

  it('a queued job shows running with its first progress tick', () => {
    let s = upsertSummary(initialJobsState, makeJob(7, { type: 'export', status: 'queued' }));
    s = applyProgress(s, progress());
    expect(s.byId[7]?.status).toBe('running');
  });

  it('applies status and finished events', () => {
    let s = applyProgress(initialJobsState, progress());
    s = applyStatus(s, { jobId: 7, type: 'export', status: 'halted', error: { code: 'disk-full', message: 'Disk full.' } });
    expect(s.byId[7]).toMatchObject({ status: 'halted', etaSeconds: null });
    expect(s.byId[7]?.error?.code).toBe('disk-full');
    s = applyFinished(s, { jobId: 7, type: 'export', status: 'completed', filesDone: 100, filesTotal: 100, errorCount: 1, error: null, outputDir: '/out', stats: null });
    expect(s.byId[7]).toMatchObject({ status: 'completed', filesDone: 100, errorCount: 1, outputDir: '/out', currentFile: null });
  });

  it('picks the newest unfinished job of a type as current after a restart', () => {
    const jobs = [
      makeJob(1, { type: 'export', status: 'completed' }),
      makeJob(2, { type: 'export', status: 'interrupted' }),
      makeJob(3, { type: 'import', status: 'completed' }),
    ];
    expect(pickCurrent(jobs, 'export')).toBe(2);
    expect(pickCurrent(jobs, 'import')).toBeNull();
  });
});

describe('jobs slice: honest, calm progress', () => {
  it('shows the time left only after a few seconds and 5% of the bytes, smoothed', () => {
    let s = applyProgress(initialJobsState, progress({ bytesDone: 100, etaSeconds: 840 }), 0);
    expect(s.byId[7]?.etaSeconds).toBeNull();
    s = applyProgress(s, progress({ bytesDone: 200, etaSeconds: 600 }), 6_000);
    expect(s.byId[7]?.etaSeconds).toBeNull(); // 2% of the bytes: still a guess
    s = applyProgress(s, progress({ bytesDone: 1_000, etaSeconds: 20 }), 7_000);
    const shown = s.byId[7]?.etaSeconds ?? 0;
    // One fast tick pulls the estimate down, not all the way.
    expect(shown).toBeGreaterThan(20);
    expect(shown).toBeLessThan(600);
  });

  it('counts never go backwards within one run; a new plan starts over', () => {
    let s = applyProgress(initialJobsState, progress({ filesDone: 50, bytesDone: 5_000 }));
    s = applyProgress(s, progress({ filesDone: 40, bytesDone: 4_000 }));
    expect(s.byId[7]).toMatchObject({ filesDone: 50, bytesDone: 5_000 });
    s = upsertSummary(s, makeJob(7, { type: 'export', status: 'cancelled', filesDone: 49, filesTotal: 100, bytesDone: 4_900, bytesTotal: 10_000 }));
    expect(s.byId[7]).toMatchObject({ status: 'cancelled', filesDone: 50, bytesDone: 5_000 });
    s = upsertSummary(s, makeJob(7, { type: 'export', status: 'running', filesDone: 0, filesTotal: 60, bytesDone: 0, bytesTotal: 6_000 }));
    expect(s.byId[7]).toMatchObject({ filesDone: 0, filesTotal: 60 });
  });

  it('a cancelled job stays Cancelled; one that finished before the cancel arrived says so', () => {
    let s = applyProgress(initialJobsState, progress());
    s = beginJobAction(s, 7, 'cancel');
    expect(s.byId[7]?.status).toBe('cancelled');
    s = applyProgress(s, progress({ filesDone: 99 }));
    expect(s.byId[7]).toMatchObject({ status: 'cancelled', filesDone: 12 });
    s = applyFinished(s, { jobId: 7, type: 'export', status: 'completed', filesDone: 100, filesTotal: 100, errorCount: 0, error: null, outputDir: null, stats: null });
    expect(s.byId[7]).toMatchObject({ status: 'completed', cancelRequested: true });
  });
});

describe('library slice', () => {
  it('finds rows by index across sparse pages and replaces an edited row', () => {
    const page1 = [makeFile(201), makeFile(202)];
    let s: LibraryState = { ...initialLibraryState, total: 400, pages: { 1: page1 } };
    expect(itemAt(s, PAGE_SIZE + 1)?.id).toBe(202);
    expect(itemAt(s, 0)).toBeUndefined();
    s = replaceItem(s, makeFile(202, { discarded: true }));
    expect(itemAt(s, PAGE_SIZE + 1)?.discarded).toBe(true);
    expect(s.pages[1]).not.toBe(page1);
  });

  it('drops pages and bumps the generation when the filter changes', () => {
    const s = invalidate({ ...initialLibraryState, total: 3, pages: { 0: [makeFile(1)] } }, { filter: 'undated' });
    expect(s.pages).toEqual({});
    expect(s.total).toBeNull();
    expect(s.filter).toBe('undated');
    expect(s.generation).toBe(initialLibraryState.generation + 1);
  });
});

describe('selection slice', () => {
  const ids = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => 100 + from + i);

  it('plain click selects one, ctrl toggles, shift selects the range from the anchor', () => {
    let s = clickSelection(initialSelectionState, 2, 102, { shift: false, toggle: false }, ids);
    expect([...s.ids]).toEqual([102]);
    s = clickSelection(s, 5, 105, { shift: true, toggle: false }, ids);
    expect([...s.ids].sort()).toEqual([102, 103, 104, 105]);
    expect(s.anchor).toBe(2);
    s = clickSelection(s, 3, 103, { shift: false, toggle: true }, ids);
    expect(s.ids.has(103)).toBe(false);
    expect(s.anchor).toBe(3);
    s = clickSelection(s, 0, 100, { shift: true, toggle: true }, ids);
    expect([...s.ids].sort()).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it('shift-click upward selects backwards and replaces the old range', () => {
    let s = clickSelection(initialSelectionState, 6, 106, { shift: false, toggle: false }, ids);
    s = clickSelection(s, 4, 104, { shift: true, toggle: false }, ids);
    expect([...s.ids].sort()).toEqual([104, 105, 106]);
  });
});

describe('settings and ui helpers', () => {
  it('fills the thumbnail template', () => {
    const app = { version: '1', nativeDialogs: true, transport: 'ipc' as const, dbPath: '', thumbnailUrl: 'mediaparser://thumb/{id}?size={size}' };
    expect(thumbnailSrc(app, 42, 'large')).toBe('mediaparser://thumb/42?size=large');
    expect(thumbnailSrc(null, 42, 'small')).toBe('');
  });

  it('adds a folder once, without a trailing separator', () => {
    let f = addFolder([], '  /home/me/Pictures/ ');
    f = addFolder(f, '/home/me/Pictures');
    f = addFolder(f, '   ');
    expect(f).toEqual(['/home/me/Pictures']);
    expect(addFolder([], '/')).toEqual(['/']);
  });
});

describe('jobs slice: following jobs', () => {
  it('switches to a new job of the same type once the followed one has finished, not before', () => {
    let s = applyProgress(initialJobsState, progress({ jobId: 1 }));
    s = applyProgress(s, progress({ jobId: 2 }));
    expect(s.current.export).toBe(1);
    s = applyFinished(s, { jobId: 1, type: 'export', status: 'completed', filesDone: 1, filesTotal: 1, errorCount: 0, error: null, outputDir: null, stats: null });
    s = applyProgress(s, progress({ jobId: 2 }));
    expect(s.current.export).toBe(2);
  });
});
