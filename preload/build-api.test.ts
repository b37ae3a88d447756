import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EVENT_METHODS, INVOKE_METHODS } from '../shared/channels.js';
import { API_METHODS, EVENT_CHANNELS, eventChannels, INVOKE_CHANNELS, invokeChannels } from '../shared/contract.js';
import { buildApi, buildDesktopFiles, ipcInvoker, ipcSubscriber, type IpcRendererLike } from './build-api.js';

function fakeIpc() {
  const emitter = new EventEmitter();
  const calls: { channel: string; args: unknown[] }[] = [];
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      calls.push({ channel, args });
      return { ok: true, value: { echoed: channel } };
    },
    on: (channel, listener) => emitter.on(channel, listener),
    removeListener: (channel, listener) => emitter.removeListener(channel, listener),
  };
  return { ipc, emitter, calls };
}

describe('the zod-free channel map', () => {
  it('names the same channels and methods as the contract', () => {
    expect(Object.keys(INVOKE_METHODS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(EVENT_METHODS).sort()).toEqual([...EVENT_CHANNELS].sort());
    for (const channel of INVOKE_CHANNELS) expect(INVOKE_METHODS[channel]).toBe(invokeChannels[channel].method);
    for (const channel of EVENT_CHANNELS) expect(EVENT_METHODS[channel]).toBe(eventChannels[channel].method);
  });
});

describe('buildApi', () => {
  it('has exactly the contract methods, all functions, and cannot be extended', () => {
    const { ipc } = fakeIpc();
    const api = buildApi(ipcInvoker(ipc), ipcSubscriber(ipc));
    expect(Object.keys(api).sort()).toEqual(API_METHODS);
    for (const key of Object.keys(api)) expect(typeof (api as Record<string, unknown>)[key]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect('invoke' in api).toBe(false);
  });

  it('sends each method on its own channel with the request unchanged', async () => {
    const { ipc, calls } = fakeIpc();
    const api = buildApi(ipcInvoker(ipc), ipcSubscriber(ipc)) as unknown as Record<string, (r: unknown) => Promise<unknown>>;
    for (const channel of INVOKE_CHANNELS) {
      const request = { probe: channel };
      await expect(api[invokeChannels[channel].method]!(request)).resolves.toEqual({
        ok: true,
        value: { echoed: channel },
      });
      expect(calls.at(-1)).toEqual({ channel, args: [request] });
    }
    expect(calls).toHaveLength(INVOKE_CHANNELS.length);
  });

  it('passes subscribers only the payload and unsubscribes', () => {
    const { ipc, emitter } = fakeIpc();
    const api = buildApi(ipcInvoker(ipc), ipcSubscriber(ipc));
    const received: unknown[][] = [];
    const off = api.onJobProgress((...args: unknown[]) => received.push(args));
    const payload = { jobId: 1, filesDone: 3 };
    emitter.emit('job:progress', { sender: 'secret IpcRendererEvent' }, payload);
    emitter.emit('job:status', { sender: 'x' }, { jobId: 1 });
    expect(received).toEqual([[payload]]);

    off();
    off();
    emitter.emit('job:progress', {}, payload);
    expect(received).toHaveLength(1);
    expect(emitter.listenerCount('job:progress')).toBe(0);
  });

  it('keeps several subscribers independent', () => {
    const { ipc, emitter } = fakeIpc();
    const api = buildApi(ipcInvoker(ipc), ipcSubscriber(ipc));
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.onJobFinished((p) => a.push(p));
    api.onJobFinished((p) => b.push(p));
    offA();
    emitter.emit('job:finished', {}, { jobId: 2 });
    expect(a).toEqual([]);
    expect(b).toEqual([{ jobId: 2 }]);
  });

  it('refuses a subscription without a listener', () => {
    const { ipc } = fakeIpc();
    const api = buildApi(ipcInvoker(ipc), ipcSubscriber(ipc));
    expect(() => (api.onJobStatus as (l: unknown) => unknown)('nope')).toThrow(TypeError);
  });
});

describe('buildDesktopFiles', () => {
  it('gives the path of a dropped file, or null when there is none', () => {
    const seen: unknown[] = [];
    const files = buildDesktopFiles((file) => {
      seen.push(file);
      return (file as { fake?: string }).fake ?? '';
    });
    expect(files.pathForFile({ fake: '/home/u/Photos' })).toBe('/home/u/Photos');
    expect(files.pathForFile({})).toBeNull();
    expect(seen).toHaveLength(2);
    expect(Object.keys(files)).toEqual(['pathForFile']);
  });

  it('answers null when Electron rejects the object (not a File)', () => {
    const files = buildDesktopFiles(() => {
      throw new TypeError('Error processing argument');
    });
    expect(files.pathForFile('nope')).toBeNull();
  });
});
