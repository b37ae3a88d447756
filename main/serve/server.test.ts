import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { INVOKE_CHANNELS, type EventChannel } from '../../shared/contract.js';
import { err, ok, type Result } from '../../shared/errors.js';
import type { AppCore, HostServices } from '../library/app-core.js';
import { createBrowserConnection, type SocketLike } from '../../renderer/src/api/browser-client.js';
import { injectClientScript } from './browser-client.js';
import { startServer, type RunningServer } from './server.js';
import { withMetaCsp } from './static-files.js';

/** A core whose handlers echo what they were given, so the tests see exactly what reached them. */
function fakeCore() {
  const calls: { channel: string; request: unknown }[] = [];
  const listeners = new Set<(e: { channel: EventChannel; payload: unknown }) => void>();
  let closed = 0;
  const handlers: Record<string, (req: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of INVOKE_CHANNELS) {
    handlers[channel] = async (request) => {
      calls.push({ channel, request });
      return ok({ channel, request });
    };
  }
  handlers['jobs:pause'] = async () => {
    throw new Error('boom');
  };
  handlers['files:discard'] = async (request) => {
    calls.push({ channel: 'files:discard', request });
    return err('not-found', 'There is no file 999.');
  };
  const core = {
    handlers,
    subscribe(listener: (e: { channel: EventChannel; payload: unknown }) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    thumbnails: {
      get: async (fileId: number, size: 'small' | 'large'): Promise<Result<{ path: string; mime: string }>> =>
        fileId === 7 ? ok({ path: thumbPath, mime: 'image/webp' }) : err('not-found', `No file ${fileId} (${size})`),
    },
    close: async () => {
      closed++;
    },
  };
  let thumbPath = '';
  return {
    core: core as unknown as AppCore,
    calls,
    emit: (channel: EventChannel, payload: unknown) => listeners.forEach((l) => l({ channel, payload })),
    listenerCount: () => listeners.size,
    closed: () => closed,
    setThumb: (p: string) => (thumbPath = p),
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)));
}

describe('startServer', () => {
  let dir: string;
  let staticDir: string;
  let fake: ReturnType<typeof fakeCore>;
  let server: RunningServer;
  const token = 'test-token-0123456789';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-serve-'));
    staticDir = join(dir, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>');
    await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
    // Prebuilt client: keeps these tests independent of esbuild (bundling is covered in the e2e specs).
    await writeFile(join(staticDir, 'api-client.js'), '/* client */');
    await writeFile(join(dir, 'secret.txt'), 'outside the static folder');
    await writeFile(join(dir, 'thumb.webp'), 'WEBPDATA');
    fake = fakeCore();
    fake.setThumb(join(dir, 'thumb.webp'));
    server = await startServer({ core: fake.core, staticDir, token, log: () => {} });
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const host = () => ({ Host: `127.0.0.1:${server.port}` });
  const auth = () => ({ ...host(), Authorization: `Bearer ${token}` });

  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('generates a long random token when none is given', async () => {
    const other = await startServer({ core: fakeCore().core, staticDir, log: () => {} });
    try {
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(other.token).not.toBe(token);
    } finally {
      await other.close();
    }
  });

  it('serves index.html with the client script first, a strict CSP, nosniff and the session cookie', async () => {
    const res = await http(server.port, `/?token=${token}`, { headers: host() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body.indexOf('<script src="/api-client.js"></script>')).toBeGreaterThan(-1);
    expect(res.body.indexOf('/api-client.js')).toBeLessThan(res.body.indexOf('./assets/app.js'));
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    // The page's own <meta> says the same (it cannot carry frame-ancestors), with the WebSocket allowed.
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(res.body)?.[1];
    expect(meta).toBe(csp.replace("; frame-ancestors 'none'", ''));
    expect(meta).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(meta).toContain("default-src 'self'");
    expect(meta).not.toContain('unsafe-eval');
    expect(res.body.indexOf('Content-Security-Policy')).toBeLessThan(res.body.indexOf('<script'));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`mediaparser_token_${server.port}=${token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('accepts the cookie for later requests and serves assets with their MIME types', async () => {
    const cookie = { ...host(), Cookie: `other=1; mediaparser_token_${server.port}=${token}` };
    const js = await http(server.port, '/assets/app.js', { headers: cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1)');
    const css = await http(server.port, '/assets/app.css', { headers: cookie });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await http(server.port, '/assets/missing.js', { headers: cookie })).status).toBe(404);
  });

  it('refuses every route without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/api-client.js', '/thumb/7?size=small']) {
      expect((await http(server.port, path, { headers: host() })).status, path).toBe(401);
    }
    const api = await http(server.port, '/api/app:info', { method: 'POST', headers: { ...host(), 'Content-Type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    const stale = await http(server.port, '/', { headers: { ...host(), Authorization: 'Bearer wrong-token-0123456789' } });
    expect(stale.status).toBe(401);
    // A person with an old tab gets a page that tells them what to do, not a bare error.
    expect(stale.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(stale.body)).toContain('Open MediaParser with its current address');
    expect((await http(server.port, '/assets/app.js', { headers: host() })).headers['content-type']).toMatch(/^text\/plain/);
    expect(fake.calls).toEqual([]);
  });

  it('refuses foreign Host and Origin headers even with the token (DNS rebinding)', async () => {
    const evilHost = await http(server.port, `/?token=${token}`, { headers: { Host: `evil.example:${server.port}` } });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await http(server.port, '/api/app:info', {
      method: 'POST',
      headers: { ...auth(), Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(evilOrigin.status).toBe(403);
    const goodOrigin = await http(server.port, '/api/app:info', {
      method: 'POST',
      headers: { Host: `localhost:${server.port}`, Authorization: `Bearer ${token}`, Origin: `http://localhost:${server.port}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(goodOrigin.status).toBe(200);
  });

  it('never serves files outside the static folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00']) {
      const res = await http(server.port, path, { headers: auth() });
      expect(res.body, path).not.toContain('outside the static folder');
      expect([400, 404], path).toContain(res.status);
    }
  });

  it('answers POST /api/<channel> with validated requests', async () => {
    const res = await http(server.port, '/api/files:list', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{"filter":"undated"}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { channel: 'files:list', request: { filter: 'undated', offset: 0, limit: 200 } } });
  });

  it('answers requests the contract refuses with 4xx and a JSON error, bugs with 500, and a handler failure as its Result', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      http(server.port, path, { method: 'POST', headers: { ...auth(), 'Content-Type': type }, body });
    const expectJsonError = (res: Reply, status: number, code: string) => {
      expect(res.status, res.body).toBe(status);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code } });
    };
    expectJsonError(await post('/api/files:get', '{"id":-1}'), 400, 'invalid-argument');
    expectJsonError(await post('/api/files:get', '{"id":'), 400, 'invalid-argument');
    expectJsonError(await post('/api/shell:exec', '{}'), 404, 'invalid-argument');
    expectJsonError(await post('/api/constructor', '{}'), 404, 'invalid-argument');
    expectJsonError(await post('/api/app:info', '{}', 'text/plain'), 415, 'invalid-argument');
    const get = await http(server.port, '/api/app:info', { headers: auth() });
    expectJsonError(get, 405, 'invalid-argument');
    expect(get.headers.allow).toBe('POST');
    expectJsonError(await post('/api/jobs:pause', '{"id":1}'), 500, 'internal');
    // An expected failure is the application's answer, the same Result IPC and the WebSocket carry.
    const missing = await post('/api/files:discard', '{"id":999}');
    expect(missing.status).toBe(200);
    expect(JSON.parse(missing.body)).toEqual({ ok: false, error: { code: 'not-found', message: 'There is no file 999.' } });
    expect(fake.calls.map((c) => c.channel)).toEqual(['files:discard']);
  });

  it('serves the favicon the page links, and answers /favicon.ico with it too', async () => {
    await writeFile(join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await http(server.port, path, { headers: auth() });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe('image/svg+xml');
      expect(res.body).toContain('<svg');
    }
  });

  it('ships a favicon with the renderer: index.html links one that exists in the build inputs', async () => {
    const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
    const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
    const href = /<link\s+rel="icon"[^>]*href="\.\/([^"]+)"/.exec(html)?.[1];
    expect(href).toBe('favicon.svg');
    // Vite copies public/ to the root of dist/renderer, beside index.html.
    const svg = await readFile(join(rendererDir, 'public', href!), 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('streams thumbnails and maps missing ones to 404', async () => {
    const res = await http(server.port, '/thumb/7?size=large', { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.body).toBe('WEBPDATA');
    expect((await http(server.port, '/thumb/8?size=small', { headers: auth() })).status).toBe(404);
    expect((await http(server.port, '/thumb/7?size=huge', { headers: auth() })).status).toBe(400);
    expect((await http(server.port, '/thumb/abc', { headers: auth() })).status).toBe(400);
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    await expect(openSocket(base)).rejects.toThrow('HTTP 401');
    await expect(openSocket(`${base}?token=nope`)).rejects.toThrow('HTTP 401');
    await expect(openSocket(`${base}?token=${token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const ws = await openSocket(base, { Cookie: `mediaparser_token_${server.port}=${token}`, Origin: `http://127.0.0.1:${server.port}` });
    ws.close();
  });

  it('answers invokes over the WebSocket: parsed request, invalid, unknown channel, and bugs as internal', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
    try {
      ws.send(JSON.stringify({ id: 1, channel: 'jobs:list', request: {} }));
      expect(await nextMessage(ws)).toEqual({ id: 1, result: { ok: true, value: { channel: 'jobs:list', request: { limit: 100 } } } });
      ws.send(JSON.stringify({ id: 2, channel: 'files:set-date', request: { id: 'x' } }));
      const invalid = (await nextMessage(ws)) as { id: number; result: { ok: false; error: { code: string } } };
      expect(invalid.id).toBe(2);
      expect(invalid.result.error.code).toBe('invalid-argument');
      ws.send(JSON.stringify({ id: 3, channel: 'shell:exec', request: {} }));
      expect(((await nextMessage(ws)) as { result: { error: { code: string } } }).result.error.code).toBe('invalid-argument');
      ws.send(JSON.stringify({ id: 4, channel: 'jobs:pause', request: { id: 1 } }));
      expect(((await nextMessage(ws)) as { result: { error: { code: string } } }).result.error.code).toBe('internal');
      ws.send('not json');
      ws.send(JSON.stringify({ id: 5, channel: 'constructor', request: {} }));
      expect(((await nextMessage(ws)) as { id: number }).id).toBe(5);
      expect(fake.calls.map((c) => c.channel)).toEqual(['jobs:list']);
    } finally {
      ws.close();
    }
  });

  it('pushes every core event to every connected socket', async () => {
    const a = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
    const b = await openSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
    try {
      const got = Promise.all([nextMessage(a), nextMessage(b)]);
      fake.emit('job:status', { jobId: 3, status: 'paused' });
      expect(await got).toEqual([
        { event: 'job:status', payload: { jobId: 3, status: 'paused' } },
        { event: 'job:status', payload: { jobId: 3, status: 'paused' } },
      ]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('carries the browser client end to end: invokes, events, and a lost server as io errors', async () => {
    const conn = createBrowserConnection({
      url: server.url,
      token,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      minRetryMs: 60_000,
    });
    try {
      const info = await conn.api.getAppInfo({});
      expect(info).toEqual({ ok: true, value: { channel: 'app:info', request: {} } });
      const statuses: unknown[] = [];
      const seen = new Promise<void>((resolve) =>
        conn.api.onJobStatus((p) => {
          statuses.push(p);
          resolve();
        }),
      );
      fake.emit('job:status', { jobId: 1, type: 'export', status: 'running', error: null });
      await seen;
      expect(statuses).toEqual([{ jobId: 1, type: 'export', status: 'running', error: null }]);
      await server.close();
      const lost = await conn.api.listJobs({});
      expect(lost.ok).toBe(false);
      if (!lost.ok) expect(lost.error.code).toBe('io');
    } finally {
      conn.close();
    }
  });

  it('bundles the browser client from source when no prebuilt one exists', async () => {
    const bare = join(dir, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'index.html'), '<html><head></head><body></body></html>');
    const s = await startServer({ core: fakeCore().core, staticDir: bare, token, log: () => {} });
    try {
      const res = await http(s.port, '/api-client.js', { headers: { Host: `127.0.0.1:${s.port}`, Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      // The contract's channels and the token key are in the bundle; no Node module is.
      expect(res.body).toContain('files:set-date-bulk');
      expect(res.body).toContain('mediaparser.token');
      expect(res.body).not.toMatch(/require\(["']node:/);
    } finally {
      await s.close();
    }
  });

  it('closes the core only when it created it, and unsubscribes either way', async () => {
    await server.close();
    expect(fake.closed()).toBe(0);
    expect(fake.listenerCount()).toBe(0);
    const owned = fakeCore();
    let host: HostServices | null = null;
    const s = await startServer({
      core: (h) => {
        host = h;
        return owned.core;
      },
      staticDir,
      log: () => {},
    });
    expect(host).toMatchObject({ transport: 'http', nativeDialogs: false, thumbnailUrl: '/thumb/{id}?size={size}' });
    const picked = await host!.pickFolder({ purpose: 'output', multiple: false } as never);
    expect(picked.ok).toBe(false);
    expect(await host!.showPath('/tmp')).toEqual({ ok: true, value: { shown: false } });
    await s.close();
    expect(owned.closed()).toBe(1);
  });
});

describe('withMetaCsp', () => {
  it('replaces the page’s policy, or puts one first in <head>, escaping quotes', () => {
    const page = `<head><meta charset="UTF-8" /><meta http-equiv="Content-Security-Policy" content="default-src 'none'" /><script src="a.js"></script></head>`;
    expect(withMetaCsp(page, "default-src 'self'")).toBe(
      `<head><meta charset="UTF-8" /><meta http-equiv="Content-Security-Policy" content="default-src 'self'" /><script src="a.js"></script></head>`,
    );
    expect(withMetaCsp('<html><head lang="en"><title>x</title></head>', 'a "b"')).toBe(
      '<html><head lang="en"><meta http-equiv="Content-Security-Policy" content="a &quot;b&quot;" /><title>x</title></head>',
    );
  });
});

describe('injectClientScript', () => {
  it('puts the client before the first script, else before </head>', () => {
    expect(injectClientScript('<head><script type="module" src="a.js"></script></head>')).toMatch(/^<head><script src="\/api-client.js"><\/script>\s*<script type="module"/);
    expect(injectClientScript('<head></head>')).toBe('<head><script src="/api-client.js"></script>\n</head>');
  });
});
