import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeApi, makeFile, makeJob, type FakeApi } from '../dev/fake-api.js';
import { appStore, getState, resetStore, type AppState } from '../store/store.js';
import { startSubscriptions } from './subscriptions.js';

// No DOM here: the store and the subscriptions run without React.
let fake: FakeApi;
let stop: () => void;

beforeEach(() => {
  fake = createFakeApi({ jobs: [makeJob(4, { type: 'import' })], files: [makeFile(1, { tags: ['x'] })] });
  (globalThis as unknown as { window: { api: unknown } }).window = { api: fake.api };
  resetStore();
  stop = startSubscriptions(fake.api);
});

afterEach(() => {
  stop();
  delete (globalThis as { window?: unknown }).window;
});

/** Resolves when the store reaches a state; driven by store updates, not by polling. */
function until(predicate: (state: AppState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(getState())) return resolve();
    const off = appStore.subscribe((state) => {
      if (predicate(state)) {
        off();
        resolve();
      }
    });
  });
}

describe('startSubscriptions', () => {
  it('writes progress and status events into the jobs slice', () => {
    fake.emitProgress({ jobId: 4, type: 'import', status: 'running', filesDone: 3, filesTotal: 9, bytesDone: 0, bytesTotal: 0, currentFile: '/a.jpg', errorCount: 0, bytesPerSecond: 0, etaSeconds: null });
    expect(getState().jobs.byId[4]).toMatchObject({ filesDone: 3, filesTotal: 9, currentFile: '/a.jpg', status: 'running' });
    expect(getState().jobs.current.import).toBe(4);
    fake.emitStatus({ jobId: 4, type: 'import', status: 'paused', error: null });
    expect(getState().jobs.byId[4]?.status).toBe('paused');
    expect(fake.callsOf('getJob')).toEqual([{ id: 4 }]);
  });

  it('a finished import refreshes the job, the library and the tags', async () => {
    fake.emitFinished({ jobId: 4, type: 'import', status: 'completed', filesDone: 9, filesTotal: 9, errorCount: 0, error: null, outputDir: null, stats: null });
    expect(getState().jobs.byId[4]?.status).toBe('completed');
    await until((st) => st.library.total !== null && st.library.tags.length > 0 && st.jobs.fileErrors[4] !== undefined);
    expect(getState().library.total).toBe(1);
    expect(fake.callsOf('getJob')).toEqual([{ id: 4 }]);
    expect(fake.callsOf('listFiles')).toEqual([{ filter: 'all', offset: 0, limit: 200 }]);
    expect(fake.callsOf('listTags')).toEqual([{}]);
  });

  it('fetches per-file errors when the error count grows, not on every tick', async () => {
    const tick = (errorCount: number) =>
      fake.emitProgress({ jobId: 4, type: 'import', status: 'running', filesDone: 1, filesTotal: 9, bytesDone: 0, bytesTotal: 0, currentFile: null, errorCount, bytesPerSecond: 0, etaSeconds: null });
    tick(0);
    tick(0);
    expect(fake.callsOf('getJob')).toEqual([]);
    tick(1);
    tick(1);
    await until((st) => st.jobs.fileErrors[4] !== undefined);
    expect(fake.callsOf('getJob')).toEqual([{ id: 4 }]);
  });

  it('unsubscribes every listener', () => {
    expect(fake.listenerCount()).toBe(5);
    stop();
    expect(fake.listenerCount()).toBe(0);
    stop = () => {};
  });
});
