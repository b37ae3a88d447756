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
    for (const c of INVOKE_CHANNELS) expect(INVOKE_METHODS[c], c).toBe(invokeChannels[c].method);
    for (const e of EVENT_CHANNELS) expect(EVENT_METHODS[e], e).toBe(eventChannels[e].method);
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
