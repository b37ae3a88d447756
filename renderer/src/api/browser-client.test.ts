// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../shared/contract.js';
import { createBrowserApi, createBrowserConnection, installBrowserApi, type SocketLike } from './browser-client.js';

/** A socket the test drives by hand: open, answer, drop. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { id: number; channel: string; request: unknown }[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as { id: number; channel: string; request: unknown });
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
  reply(id: number, result: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ id, result }) });
  }
  push(event: string, payload: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ event, payload }) });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const states: boolean[] = [];
  const conn = createBrowserConnection({
    onConnection: (online) => states.push(online),
    url: 'http://127.0.0.1:4321/?token=abc',
    token: 'tok en',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    minRetryMs: 60_000, // reconnects in these tests come from new requests, never from the timer
  });
  const last = (): FakeSocket => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  return { conn, sockets, last, states };
}

describe('createBrowserApi', () => {
  const open: { close(): void }[] = [];
  afterEach(() => open.splice(0).forEach((c) => c.close()));

  it('has exactly one function per contract channel and event', () => {
    const h = harness();
    open.push(h.conn);
    expect(Object.keys(h.conn.api).sort()).toEqual(API_METHODS);
    for (const key of API_METHODS) expect(typeof (h.conn.api as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(Object.isFrozen(h.conn.api)).toBe(true);
    const plain = createBrowserApi({ url: 'http://127.0.0.1:1/', token: '', createSocket: (u) => new FakeSocket(u) });
    expect(Object.keys(plain).sort()).toEqual(API_METHODS);
  });

  it('connects to /ws on the same host with the token', () => {
    const h = harness();
    open.push(h.conn);
    expect(h.last().url).toBe('ws://127.0.0.1:4321/ws?token=tok%20en');
  });

  it('queues requests until connected, then matches answers by id', async () => {
    const h = harness();
    open.push(h.conn);
    const a = h.conn.api.getFile({ id: 1 });
    const b = h.conn.api.listJobs({});
    expect(h.last().sent).toEqual([]);
    h.last().open();
    expect(h.last().sent.map((m) => [m.channel, m.request])).toEqual([
      ['files:get', { id: 1 }],
      ['jobs:list', {}],
    ]);
    const [first, second] = h.last().sent;
    h.last().reply(second!.id, { ok: true, value: ['jobs'] });
    h.last().reply(first!.id, { ok: false, error: { code: 'not-found', message: 'No such file.' } });
    expect(await b).toEqual({ ok: true, value: ['jobs'] });
    expect(await a).toEqual({ ok: false, error: { code: 'not-found', message: 'No such file.' } });
  });

  it('turns a dropped connection into io errors, then reconnects for the next request', async () => {
    const h = harness();
    open.push(h.conn);
    h.last().open();
    const inFlight = h.conn.api.getSettings({});
    h.last().drop();
    const lost = await inFlight;
    expect(lost.ok).toBe(false);
    if (!lost.ok) {
      expect(lost.error.code).toBe('io');
      expect(lost.error.message).toMatch(/Lost connection to MediaParser/);
    }
    const again = h.conn.api.getSettings({});
    expect(h.sockets).toHaveLength(2);
    h.last().open();
    h.last().reply(h.last().sent[0]!.id, { ok: true, value: { timeZone: 'UTC' } });
    expect(await again).toEqual({ ok: true, value: { timeZone: 'UTC' } });
    // The page is told: online, lost, back.
    expect(h.states).toEqual([true, false, true]);
  });

  it('keeps a socket that is still closing from failing or answering for its successor', async () => {
    const h = harness();
    open.push(h.conn);
    const a = h.last();
    a.open();
    const first = h.conn.api.listJobs({});
    a.readyState = 2; // the server sent its close frame; onclose comes later
    const second = h.conn.api.getSettings({});
    expect(h.sockets).toHaveLength(2);
    const b = h.last();
    b.open();
    expect(b.sent.map((m) => m.channel)).toEqual(['settings:get']);
    a.drop();
    expect((await first).ok).toBe(false);
    b.reply(b.sent[0]!.id, { ok: true, value: 'settings' });
    expect(await second).toEqual({ ok: true, value: 'settings' });
    // The stale close did not start a third socket or fail the live one.
    h.conn.api.getAppInfo({});
    expect(h.sockets).toHaveLength(2);
    expect(b.sent.map((m) => m.channel)).toEqual(['settings:get', 'app:info']);
  });

  it('fails queued requests when the connection attempt fails instead of hanging', async () => {
    const h = harness();
    open.push(h.conn);
    const waiting = h.conn.api.getAppInfo({});
    h.last().drop();
    const result = await waiting;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('io');
  });

  it('rejects malformed answers as internal errors', async () => {
    const h = harness();
    open.push(h.conn);
    h.last().open();
    const p = h.conn.api.listTags({});
    h.last().reply(h.last().sent[0]!.id, { nope: true });
    const result = await p;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });

  it('delivers events to subscribers until they unsubscribe', () => {
    const h = harness();
    open.push(h.conn);
    h.last().open();
    const got: unknown[] = [];
    const other: unknown[] = [];
    const off = h.conn.api.onJobProgress((p) => got.push(p));
    h.conn.api.onJobFinished((p) => other.push(p));
    h.last().push('job:progress', { jobId: 1, filesDone: 1 });
    h.last().push('job:unknown', { x: 1 });
    off();
    h.last().push('job:progress', { jobId: 1, filesDone: 2 });
    expect(got).toEqual([{ jobId: 1, filesDone: 1 }]);
    expect(other).toEqual([]);
  });

  it('fails everything still waiting when closed', async () => {
    const h = harness();
    const p = h.conn.api.getAppInfo({});
    h.conn.close();
    expect((await p).ok).toBe(false);
    expect((await h.conn.api.getAppInfo({})).ok).toBe(false);
  });
});

describe('installBrowserApi', () => {
  it('takes the token from the address bar, keeps it for reloads and removes it from history', () => {
    window.history.replaceState(null, '', '/?token=secret-token&view=library#x');
    const created: string[] = [];
    const OriginalWebSocket = globalThis.WebSocket;
    globalThis.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url);
        created.push(url);
      }
    } as unknown as typeof WebSocket;
    try {
      const api = installBrowserApi(window);
      expect(window.api).toBe(api);
      expect(Object.keys(window.api).sort()).toEqual(API_METHODS);
      expect(window.location.search).toBe('?view=library');
      expect(window.location.hash).toBe('#x');
      expect(window.sessionStorage.getItem('mediaparser.token')).toBe('secret-token');
      expect(created).toEqual([`ws://${window.location.host}/ws?token=secret-token`]);
      expect(window.__apiReady).toBeInstanceOf(Promise);
    } finally {
      globalThis.WebSocket = OriginalWebSocket;
    }
  });
});
