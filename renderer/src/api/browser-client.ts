/**
 * `window.api` for serve mode: the same functions the Electron preload exposes, carried over one
 * WebSocket to `mediaparser serve`. Derived from the contract's channel map (the zod-free one, to
 * keep the bundle small), so a new channel needs no code here. Browser-only (no node:*): it is
 * bundled into /api-client.js and runs before the app.
 */
import { CONNECTION_EVENT } from './connection-event.js';
import { EVENT_METHODS, INVOKE_METHODS } from '../../../shared/channels.js';
import type { Api, EventChannel, InvokeChannel } from '../../../shared/contract.js';
import type { AppError, Result } from '../../../shared/errors.js';

/** The subset of the DOM WebSocket this client uses (the `ws` package fits it too, for tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface BrowserApiOptions {
  /** The server's address (`http://127.0.0.1:PORT/...` or `ws://...`); only origin matters. */
  url: string;
  /** The start-up token; empty when the page relies on the HttpOnly cookie. */
  token: string;
  /** Defaults to the browser's WebSocket. */
  createSocket?: SocketFactory;
  /** Told when the socket opens (true) or is lost (false), so the page can say so. */
  onConnection?: (online: boolean) => void;
  /** Reconnect backoff bounds in ms. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface BrowserConnection {
  api: Api;
  /** Resolves on the first successful connection. */
  ready: Promise<void>;
  /** Stops reconnecting and fails what is still waiting. */
  close(): void;
}

const CONNECTING = 0;
const OPEN = 1;
const LOST: AppError = { code: 'io', message: 'Lost connection to MediaParser. Check that `mediaparser serve` is still running, then try again.' };

interface Pending {
  channel: InvokeChannel;
  request: unknown;
  resolve: (result: Result<unknown>) => void;
}

export function createBrowserConnection(opts: BrowserApiOptions): BrowserConnection {
  const createSocket: SocketFactory = opts.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const minRetry = opts.minRetryMs ?? 250;
  const maxRetry = opts.maxRetryMs ?? 5000;
  const wsUrl = socketUrl(opts.url, opts.token);

  /** One WebSocket and the requests sent on it; a socket still closing never answers for its successor. */
  interface Connection {
    socket: SocketLike;
    sent: Map<number, Pending>;
    opened: boolean;
  }
  let current: Connection | null = null;
  let closed = false;
  let retryMs = minRetry;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  /** Waiting for a connection. */
  let queue: Pending[] = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));

  function failAll(list: Iterable<Pending>): void {
    for (const p of list) p.resolve({ ok: false, error: LOST });
  }

  function failQueue(): void {
    const waiting = queue;
    queue = [];
    failAll(waiting);
  }

  const isOpen = (c: Connection | null): c is Connection => c !== null && c.socket.readyState === OPEN;
  const isLive = (c: Connection | null): boolean => c !== null && (c.socket.readyState === CONNECTING || c.socket.readyState === OPEN);

  function send(c: Connection, p: Pending): void {
    const id = nextId++;
    c.sent.set(id, p);
    try {
      c.socket.send(JSON.stringify({ id, channel: p.channel, request: p.request }));
    } catch {
      c.sent.delete(id);
      p.resolve({ ok: false, error: LOST });
    }
  }

  function connect(): void {
    if (closed || isLive(current)) return;
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    let socket: SocketLike;
    try {
      socket = createSocket(wsUrl);
    } catch {
      current = null;
      failQueue();
      scheduleRetry();
      return;
    }
    const c: Connection = { socket, sent: new Map(), opened: false };
    current = c;
    socket.onopen = () => {
      c.opened = true;
      if (current !== c) return;
      retryMs = minRetry;
      markReady();
      opts.onConnection?.(true);
      const waiting = queue;
      queue = [];
      for (const p of waiting) send(c, p);
    };
    socket.onmessage = (event) => onMessage(c, event.data);
    socket.onerror = () => {
      // onclose follows and does the work
    };
    socket.onclose = () => {
      // Answers to what was sent are gone: the caller decides whether to retry.
      const sent = [...c.sent.values()];
      c.sent.clear();
      failAll(sent);
      if (current !== c) return;
      current = null;
      if (c.opened) opts.onConnection?.(false);
      // A failed attempt fails what waited for it, so nothing hangs while the server is down.
      if (!c.opened) failQueue();
      scheduleRetry();
    };
  }

  function scheduleRetry(): void {
    if (closed || retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, retryMs);
    retryMs = Math.min(maxRetry, retryMs * 2);
  }

  function onMessage(c: Connection, data: unknown): void {
    if (typeof data !== 'string') return;
    let message: { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (typeof message.id === 'number') {
      const p = c.sent.get(message.id);
      if (!p) return;
      c.sent.delete(message.id);
      p.resolve(isResult(message.result) ? message.result : { ok: false, error: { code: 'internal', message: 'MediaParser sent an answer this page does not understand.' } });
      return;
    }
    if (typeof message.event === 'string' && Object.prototype.hasOwnProperty.call(EVENT_METHODS, message.event)) {
      for (const listener of listeners.get(message.event as EventChannel) ?? []) {
        try {
          listener(message.payload);
        } catch (cause) {
          console.error('An event listener failed', cause);
        }
      }
    }
  }

  function invoke(channel: InvokeChannel, request: unknown): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      const p: Pending = { channel, request: request ?? {}, resolve };
      if (closed) return resolve({ ok: false, error: LOST });
      if (isOpen(current)) return send(current, p);
      queue.push(p);
      connect(); // no waiting out a backoff when someone needs the server now
    });
  }

  function subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    // Wrap so the same function subscribed twice unsubscribes independently.
    const entry = (payload: unknown): void => listener(payload);
    set.add(entry);
    connect();
    return () => {
      set.delete(entry);
    };
  }

  const api: Record<string, unknown> = {};
  for (const [channel, method] of Object.entries(INVOKE_METHODS)) {
    api[method] = (request?: unknown) => invoke(channel as InvokeChannel, request);
  }
  for (const [channel, method] of Object.entries(EVENT_METHODS)) {
    api[method] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${method} needs a listener function`);
      return subscribe(channel as EventChannel, listener);
    };
  }

  connect();
  return {
    api: Object.freeze(api) as unknown as Api,
    ready,
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const c = current;
      current = null;
      failQueue();
      if (c) {
        const sent = [...c.sent.values()];
        c.sent.clear();
        failAll(sent);
        c.socket.close(1000, 'Client closed');
      }
    },
  };
}

export function createBrowserApi(opts: BrowserApiOptions): Api {
  return createBrowserConnection(opts).api;
}

const TOKEN_KEY = 'mediaparser.token';

/**
 * The parts of `window` the installer touches; structural so the node-side tests that import this
 * file typecheck without the DOM lib.
 */
export interface PageLike {
  location: { href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | null): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  dispatchEvent?(event: Event): boolean;
}


/**
 * Installs `window.api` for the page it runs in: takes the token from `?token=` (first load) or
 * sessionStorage (reloads) and removes it from the address bar so it does not linger in history.
 * Read-only and non-configurable, so nothing later on the page can swap the transport.
 */
export function installBrowserApi(win: PageLike = globalThis as unknown as PageLike): Api {
  const url = new URL(win.location.href);
  let token = url.searchParams.get('token') ?? '';
  try {
    if (token) win.sessionStorage.setItem(TOKEN_KEY, token);
    else token = win.sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    // storage disabled: the HttpOnly cookie set on the first load still authenticates
  }
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  const connection = createBrowserConnection({
    url: win.location.href,
    token,
    onConnection: (online) => win.dispatchEvent?.(new CustomEvent(CONNECTION_EVENT, { detail: { online } })),
  });
  Object.defineProperty(win, 'api', { value: connection.api, writable: false, configurable: false, enumerable: true });
  Object.defineProperty(win, '__apiReady', { value: connection.ready, writable: false, configurable: true, enumerable: false });
  return connection.api;
}

function socketUrl(base: string, token: string): string {
  const url = new URL('/ws', base);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  url.hash = '';
  return url.toString();
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return true;
  return v.ok === false && typeof v.error === 'object' && v.error !== null && typeof (v.error as AppError).message === 'string';
}
