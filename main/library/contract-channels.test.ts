/**
 * One channel list everywhere: the contract, the core's handlers, the Electron preload bridge and
 * the serve-mode browser client must name exactly the same channels and methods.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_METHODS, INVOKE_METHODS } from '../../shared/channels.js';
import { API_METHODS, EVENT_CHANNELS, INVOKE_CHANNELS, eventChannels, invokeChannels } from '../../shared/contract.js';
import { buildApi } from '../../preload/build-api.js';
import { createBrowserApi, type SocketLike } from '../../renderer/src/api/browser-client.js';
import { createAppCore, type AppCore } from './app-core.js';

/**
 * The renderer-facing API as written by hand: each `window.api` method and the channel it must
 * reach. Renaming a method or rebinding it to another channel is a change to this list too.
 */
const PUBLIC_API: Record<string, string> = {
  startImport: 'import:start',
  listFiles: 'files:list',
  getFile: 'files:get',
  countFiles: 'files:counts',
  makeDir: 'fs:make-dir',
  fileTimeline: 'files:timeline',
  setFileDate: 'files:set-date',
  setFilesDate: 'files:set-date-bulk',
  discardFile: 'files:discard',
  restoreFile: 'files:restore',
  discardFiles: 'files:discard-bulk',
  restoreFiles: 'files:restore-bulk',
  resolveDuplicates: 'duplicates:resolve',
  listSimilar: 'similar:list',
  resolveAllSimilar: 'similar:resolve-all',
  listTags: 'tags:list',
  startExport: 'jobs:export',
  pauseJob: 'jobs:pause',
  resumeJob: 'jobs:resume',
  cancelJob: 'jobs:cancel',
  listJobs: 'jobs:list',
  getJob: 'jobs:get',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  pickFolder: 'dialog:pick-folder',
  listDirs: 'fs:list-dirs',
  showPath: 'shell:show-path',
  previewExport: 'export:preview',
  getAppInfo: 'app:info',
  startVerify: 'archive:verify',
  cancelVerify: 'archive:verify-cancel',
  previewDateShift: 'dates:shift-preview',
  applyDateShift: 'dates:shift-apply',
  undoDateShift: 'dates:shift-undo',
  listDateShifts: 'dates:shift-list',
  onJobProgress: 'job:progress',
  onJobStatus: 'job:status',
  onJobFinished: 'job:finished',
  onVerifyProgress: 'verify:progress',
  onVerifyFinished: 'verify:finished',
};

/** A socket that never connects: the browser client's shape does not depend on the network. */
function idleSocket(): SocketLike {
  return { readyState: 0, send() {}, close() {}, onopen: null, onclose: null, onerror: null, onmessage: null };
}

describe('contract channel list', () => {
  let dir: string;
  let core: AppCore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-channels-'));
    core = createAppCore({ dbPath: join(dir, 'test.db'), autoStart: false });
  });

  afterAll(async () => {
    await core?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('has unique method names, one per channel and event', () => {
    expect(new Set(API_METHODS).size).toBe(INVOKE_CHANNELS.length + EVENT_CHANNELS.length);
    expect(API_METHODS.length).toBeGreaterThan(20);
  });

  it('matches the zod-free channel map the preload and browser client are built from', () => {
    expect(Object.keys(INVOKE_METHODS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(EVENT_METHODS).sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('binds each window.api method to the channel written out here, through the real preload bridge', async () => {
    const reached: string[] = [];
    const api = buildApi(
      async (channel) => {
        reached.push(channel);
        return { ok: true, value: null };
      },
      (channel) => {
        reached.push(channel);
        return () => {};
      },
    ) as unknown as Record<string, (arg: unknown) => unknown>;
    expect(Object.keys(api).sort()).toEqual(Object.keys(PUBLIC_API).sort());
    for (const [method, channel] of Object.entries(PUBLIC_API)) {
      reached.length = 0;
      await api[method]!(method.startsWith('on') ? () => {} : {});
      expect(reached, method).toEqual([channel]);
    }
  });

  it('equals the keys of the core handlers object, each a function', () => {
    expect(Object.keys(core.handlers).sort()).toEqual([...INVOKE_CHANNELS].sort());
    for (const c of INVOKE_CHANNELS) expect(typeof core.handlers[c], c).toBe('function');
  });

  it('equals the keys of the Electron preload bridge, and each method uses its own channel', async () => {
    const invoked: string[] = [];
    const subscribed: string[] = [];
    const api = buildApi(
      async (channel) => {
        invoked.push(channel);
        return { ok: true, value: null };
      },
      (channel) => {
        subscribed.push(channel);
        return () => {};
      },
    );
    expect(Object.keys(api).sort()).toEqual(API_METHODS);
    const methods = api as unknown as Record<string, (arg: unknown) => unknown>;
    for (const c of INVOKE_CHANNELS) await methods[invokeChannels[c].method]!({});
    for (const e of EVENT_CHANNELS) methods[eventChannels[e].method]!(() => {});
    expect(invoked).toEqual(INVOKE_CHANNELS);
    expect(subscribed).toEqual(EVENT_CHANNELS);
  });

  it('equals the keys of the serve-mode browser client', () => {
    const api = createBrowserApi({ url: 'http://127.0.0.1:1/', token: 't', createSocket: idleSocket });
    expect(Object.keys(api).sort()).toEqual(API_METHODS);
  });
});
