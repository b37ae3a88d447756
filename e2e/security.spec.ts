/**
 * Serve mode's trust boundary, in a real browser: the page gets `window.api` and nothing of
 * Node; the server refuses anyone without the start-up token or from another origin.
 */
import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { API_METHODS, type Api } from '../shared/contract.js';
import { startServeApp, type ServeApp } from './fixtures/serve-app.js';

let app: ServeApp;

/** The page's `window`, typed without pulling the DOM lib into the node-side tsconfig. */
type PageWindow = { api: Api };

test.beforeAll(async () => {
  app = await startServeApp(['exiftool/Canon.jpg']);
});

test.afterAll(async () => {
  await app?.stop();
});

/** A raw HTTP exchange, so the test controls Host/Origin/Authorization exactly. */
function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: app.port, path, method: init.method ?? 'GET', headers: { Host: `127.0.0.1:${app.port}`, ...init.headers } }, (res) => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Status of a WebSocket upgrade attempt (101 when accepted). */
function upgrade(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: app.port,
      path,
      headers: {
        Host: `127.0.0.1:${app.port}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page has window.api with exactly the contract functions and no Node globals', async ({ page }) => {
  const response = await page.goto(app.url);
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');

  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
    electron: typeof (globalThis as Record<string, unknown>).electron,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', electron: 'undefined' });

  const keys = await page.evaluate(() => Object.keys((globalThis as unknown as PageWindow).api).sort());
  expect(keys).toEqual(API_METHODS);
  const kinds = await page.evaluate(() => [...new Set(Object.values((globalThis as unknown as PageWindow).api).map((v) => typeof v))]);
  expect(kinds).toEqual(['function']);

  // The transport works, and the token no longer sits in the address bar or history.
  const info = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getAppInfo({}));
  expect(info).toMatchObject({ ok: true, value: { transport: 'http', nativeDialogs: false } });
  expect(page.url()).not.toContain('token=');
  // A request the contract does not allow is refused by main, not by the page.
  const invalid = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getFile({ id: -1 }));
  expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
});

test('a reload keeps working without the token in the address bar, and the cookie is HttpOnly', async ({ page, context }) => {
  await page.goto(app.url);
  await expect.poll(() => page.url()).not.toContain('token=');
  await page.reload();
  const info = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getAppInfo({}));
  expect(info.ok).toBe(true);
  const cookies = await context.cookies(app.origin);
  const session = cookies.find((c) => c.name === `mediaparser_token_${app.port}`);
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain(app.token);
});

test('requests without the token are refused', async () => {
  expect(await raw('/')).toBe(401);
  expect(await raw('/index.html')).toBe(401);
  expect(await raw('/api/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).toBe(401);
  expect(await raw('/api/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-the-token' }, body: '{}' })).toBe(401);
  expect(await raw('/thumb/1?size=small')).toBe(401);
  expect(await upgrade('/ws')).toBe(401);
  expect(await upgrade('/ws?token=not-the-token')).toBe(401);
  // With the token the same requests pass, so the refusals above are about the token alone.
  expect(await raw('/api/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.token}` }, body: '{}' })).toBe(200);
  expect(await upgrade(`/ws?token=${app.token}`)).toBe(101);
});

test('a foreign Origin or Host is refused even with the token', async () => {
  const bearer = { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' };
  expect(await raw('/api/app:info', { method: 'POST', headers: { ...bearer, Origin: 'http://evil.example' }, body: '{}' })).toBe(403);
  expect(await raw('/api/app:info', { method: 'POST', headers: { ...bearer, Host: `evil.example:${app.port}` }, body: '{}' })).toBe(403);
  expect(await upgrade(`/ws?token=${app.token}`, { Origin: 'http://evil.example' })).toBe(403);
  expect(await upgrade(`/ws?token=${app.token}`, { Origin: `http://127.0.0.1:${app.port}` })).toBe(101);
});

test('a page on another origin cannot reach the API, even after the user opened the app', async ({ page, context }) => {
  await page.goto(app.url); // the browser now holds the session cookie
  await context.route('http://evil.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>evil</body></html>' }));
  const evil = await context.newPage();
  await evil.goto('http://evil.test/');
  const outcome = await evil.evaluate(
    (port) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        ws.onopen = () => resolve('open');
        ws.onclose = () => resolve('refused');
      }),
    app.port,
  );
  expect(outcome).toBe('refused');
});

test('the page loads with no failed request and no console error, and its icons are served', async ({ page }) => {
  const failed: string[] = [];
  const errors: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(app.url);
  await page.waitForLoadState('networkidle');
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
  // Chromium fetches a favicon when it gets round to it (or not at all, headless): ask for the
  // icon the page links, and for the /favicon.ico a browser tries on its own, with the page's cookie.
  const href = await page.locator('link[rel~="icon"]').getAttribute('href');
  const linked = new URL(href ?? '', page.url());
  expect(linked.pathname).toBe('/favicon.svg');
  for (const path of [linked.pathname, '/favicon.ico']) {
    const icon = await page.request.get(new URL(path, page.url()).href);
    expect(icon.status(), path).toBe(200);
    expect(icon.headers()['content-type'], path).toMatch(/^image\/svg\+xml/);
  }
});
