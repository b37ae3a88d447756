/**
 * Builds `window.api` from the contract's channel names. Pure, so a unit test proves the bridge
 * has exactly the contract's methods; index.ts hands it ipcRenderer and exposes the result.
 * Imports only the zod-free channel map, so the sandboxed preload bundle stays small.
 */
import { EVENT_METHODS, INVOKE_METHODS } from '../shared/channels.js';
import type { Api, EventChannel, InvokeChannel } from '../shared/contract.js';

/** Sends one request on one channel and resolves with main's `Result`. */
export type InvokeFn = (channel: InvokeChannel, request: unknown) => Promise<unknown>;
/** Subscribes to one event channel with a listener that receives only the payload. */
export type SubscribeFn = (channel: EventChannel, listener: (payload: unknown) => void) => () => void;

/** The part of ipcRenderer the bridge needs; never exposed to the page. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** One function per invoke channel, one subscription per event; nothing generic. */
export function buildApi(invoke: InvokeFn, subscribe: SubscribeFn): Api {
  const api: Record<string, unknown> = {};
  for (const [channel, method] of Object.entries(INVOKE_METHODS)) {
    api[method] = (request: unknown) => invoke(channel as InvokeChannel, request);
  }
  for (const [channel, method] of Object.entries(EVENT_METHODS)) {
    api[method] = (listener: unknown) => {
      if (typeof listener !== 'function') throw new TypeError(`${method} needs a listener function`);
      return subscribe(channel as EventChannel, (payload) => (listener as (p: unknown) => void)(payload));
    };
  }
  return Object.freeze(api) as Api;
}

export function ipcInvoker(ipc: IpcRendererLike): InvokeFn {
  return (channel, request) => ipc.invoke(channel, request);
}

/** Drops the IpcRendererEvent (it carries `sender`, which must not reach the page). */
export function ipcSubscriber(ipc: IpcRendererLike): SubscribeFn {
  return (channel, listener) => {
    const handler = (_event: unknown, payload: unknown) => listener(payload);
    ipc.on(channel, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, handler);
    };
  };
}

/**
 * `window.desktopFiles`: the local path of a file or folder the user dropped on the window.
 * Electron removed `File.path`; only the preload can ask (webUtils.getPathForFile). Kept out of
 * `window.api` because it is not a request to main and has no serve-mode counterpart.
 */
export interface DesktopFiles {
  /** The dropped item's absolute path, or null when it has none (e.g. dragged from a browser). */
  pathForFile(file: unknown): string | null;
}

export function buildDesktopFiles(getPathForFile: (file: never) => string): DesktopFiles {
  return Object.freeze({
    pathForFile(file: unknown): string | null {
      try {
        const path = getPathForFile(file as never);
        return typeof path === 'string' && path !== '' ? path : null;
      } catch {
        return null;
      }
    },
  });
}
