/**
 * Serve mode: the built renderer plus the shared contract over HTTP + WebSocket, for machines
 * where Electron cannot run (a headless box, a NAS). Binds 127.0.0.1 only; every request needs
 * the start-up token and a Host/Origin naming this server (DNS-rebinding protection).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInvokeChannel, parseRequest, type EventChannel } from '../../shared/contract.js';
import { err, ok, type Result } from '../../shared/errors.js';
import type { AppCore, HostServices } from '../library/app-core.js';
import { parseRange } from '../rules/byte-range.js';

export interface StartServerOptions {
  /** A ready core, or a factory that gets serve mode's host services (the server then owns and closes it). */
  core: AppCore | ((host: HostServices) => AppCore | Promise<AppCore>);
  /** 0 or omitted: a free port chosen by the OS. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Fixed token (tests); default a fresh random one. */
  token?: string;
  /** Where bugs are reported; default console.error. */
  log?: (message: string, cause?: unknown) => void;
}

export interface RunningServer {
  /** The address to open, token included: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const WS_PATH = '/ws';
const API_PREFIX = '/api/';
const THUMB_PREFIX = '/thumb/';
/** Originals for playback in the details panel (videos), with HTTP range requests. */
const MEDIA_PREFIX = '/media/';
const CLIENT_SCRIPT = '/api-client.js';
/** Generous: bulk requests carry up to 100k ids. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** What the core may do on a machine the user reaches only through a browser. */
export function serveHostServices(): HostServices {
  return {
    transport: 'http',
    nativeDialogs: false,
    thumbnailUrl: `${THUMB_PREFIX}{id}?size={size}`,
    mediaUrl: `${MEDIA_PREFIX}{id}`,
    pickFolder: async () =>
      err('unsupported', 'Folder dialogs are not available in the browser; use the folder browser instead.'),
    // The file manager would open on the serving machine, not in front of the user.
    showPath: async () => ok({ shown: false }),
  };
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const log = opts.log ?? ((message: string, cause?: unknown) => console.error(`[serve] ${message}`, cause ?? ''));
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(opts.staticDir);
  const ownsCore = typeof opts.core === 'function';
  const core: AppCore = typeof opts.core === 'function' ? await opts.core(serveHostServices()) : opts.core;

  let port = 0;
  // Bundled now so the first page load does not wait for esbuild.
  let clientScript: Promise<string> | null = bundleBrowserClient(staticDir);
  clientScript.catch(() => {}); // reported when a page asks for it
  const sockets = new Set<WebSocket>();

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);
  const cookieName = (): string => `mediaparser_token_${port}`; // cookies ignore ports; keep servers apart

  /** Host must name us; Origin, when a browser sends one, must be us. */
  function originAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    if (!host || !allowedHosts().includes(host.toLowerCase())) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowedOrigins().includes(origin.toLowerCase());
  }

  function tokenMatches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  function presentedTokens(req: IncomingMessage, url: URL): string[] {
    const found: string[] = [];
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) found.push(auth.slice('Bearer '.length).trim());
    const query = url.searchParams.get('token');
    if (query) found.push(query);
    const cookie = readCookie(req.headers.cookie, cookieName());
    if (cookie) found.push(cookie);
    return found;
  }

  function authorized(req: IncomingMessage, url: URL): boolean {
    return presentedTokens(req, url).some(tokenMatches);
  }

  function cspDirectives(): string[] {
    const ws = allowedHosts().map((h) => `ws://${h}`).join(' ');
    return [
      "default-src 'self'",
      "script-src 'self'",
      // React sets style attributes through the CSSOM; inline <style> from libraries needs this too.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "font-src 'self' data:",
      `connect-src 'self' ${ws}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ];
  }

  function securityHeaders(): Record<string, string> {
    return {
      'Content-Security-Policy': cspDirectives().join('; '),
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
  }

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...securityHeaders(), 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  }

  function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', extra);
  }

  function refuse(res: ServerResponse, status: 401 | 403, message: string): void {
    send(res, status, message, 'text/plain; charset=utf-8');
  }

  /**
   * Runs one invoke: validate, call, and turn anything thrown into `internal`. `status` is what
   * HTTP answers: a request the contract refuses is the caller's fault (404 unknown channel, 400
   * schema-invalid), a bug is ours (500); a handler's own Result, failures included, is the
   * application's answer (200), exactly as Electron IPC and the WebSocket carry it.
   */
  async function invoke(channel: unknown, request: unknown): Promise<{ status: 200 | 400 | 404 | 500; result: Result<unknown> }> {
    if (!isInvokeChannel(channel)) {
      return { status: 404, result: err('invalid-argument', 'That request is not something MediaParser knows.', `Unknown channel: ${String(channel)}`) };
    }
    const parsed = parseRequest(channel, request);
    if (!parsed.ok) return { status: 400, result: err('invalid-argument', 'The request was not valid.', parsed.message) };
    const internal = (detail: string) => ({ status: 500 as const, result: err('internal', 'Something went wrong inside MediaParser.', detail) });
    try {
      const handler = core.handlers[channel] as (req: unknown) => Promise<Result<unknown>>;
      const result = await handler(parsed.value);
      if (!result || typeof result !== 'object' || typeof (result as { ok?: unknown }).ok !== 'boolean') {
        log(`Handler ${channel} returned a non-Result value`);
        return internal(`Handler ${channel} returned no Result`);
      }
      return { status: 200, result };
    } catch (cause) {
      log(`Handler ${channel} threw`, cause);
      return internal(cause instanceof Error ? cause.message : String(cause));
    }
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, err('invalid-argument', 'Use POST.'), { Allow: 'POST' });
    // A JSON content type forces a CORS preflight for any cross-site form or fetch.
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return sendJson(res, 415, err('invalid-argument', 'Send JSON (Content-Type: application/json).'));
    }
    let channel: string;
    try {
      channel = decodeURIComponent(url.pathname.slice(API_PREFIX.length));
    } catch {
      return sendJson(res, 400, err('invalid-argument', 'That request is not something MediaParser knows.'));
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return sendJson(res, 413, err('invalid-argument', 'The request is too large.'));
    let request: unknown = {};
    if (body.length > 0) {
      try {
        request = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, err('invalid-argument', 'The request was not valid JSON.'));
      }
    }
    const { status, result } = await invoke(channel, request);
    sendJson(res, status, result);
  }

  async function serveThumbnail(res: ServerResponse, url: URL): Promise<void> {
    const idText = url.pathname.slice(THUMB_PREFIX.length);
    const size = url.searchParams.get('size') ?? 'small';
    const id = Number(idText);
    if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0 || (size !== 'small' && size !== 'large')) {
      return send(res, 400, 'Bad thumbnail request.', 'text/plain; charset=utf-8');
    }
    let result: Result<{ path: string; mime: string }>;
    try {
      result = await core.thumbnails.get(id, size);
    } catch (cause) {
      log(`Thumbnail ${id} threw`, cause);
      return send(res, 500, 'Thumbnail failed.', 'text/plain; charset=utf-8');
    }
    if (!result.ok) {
      const status = result.error.code === 'not-found' ? 404 : result.error.code === 'unsupported' ? 415 : 500;
      return send(res, status, result.error.message, 'text/plain; charset=utf-8');
    }
    await streamFile(res, result.value.path, result.value.mime, 'private, max-age=3600');
  }

  /** An original, whole or the byte range the browser's media element asks for. */
  async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const idText = url.pathname.slice(MEDIA_PREFIX.length);
    const id = Number(idText);
    if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0) return send(res, 400, 'Bad media request.', 'text/plain; charset=utf-8');
    const found = await core.originals.get(id);
    if (!found.ok) {
      const status = found.error.code === 'not-found' ? 404 : found.error.code === 'permission-denied' ? 403 : 500;
      return send(res, status, found.error.message, 'text/plain; charset=utf-8');
    }
    const { path, mime, size } = found.value;
    const range = parseRange(req.headers.range, size);
    const common = { ...securityHeaders(), 'Content-Type': mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, no-cache' };
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      return void res.end();
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : size - 1;
    res.writeHead(range.kind === 'partial' ? 206 : 200, {
      ...common,
      'Content-Length': String(Math.max(0, end - start + 1)),
      ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || size === 0) return void res.end();
    // The original is only read.
    const stream = createReadStream(path, { start, end });
    stream.on('error', (cause) => {
      log(`Reading ${path} failed`, cause);
      res.destroy();
    });
    // A seeking <video> drops its earlier request: stop reading then.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  async function streamFile(res: ServerResponse, path: string, type: string, cache: string, extra: Record<string, string> = {}): Promise<void> {
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) return send(res, 404, 'Not found.', 'text/plain; charset=utf-8');
      size = info.size;
    } catch {
      return send(res, 404, 'Not found.', 'text/plain; charset=utf-8');
    }
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': type, 'Content-Length': String(size), 'Cache-Control': cache, ...extra });
    const stream = createReadStream(path);
    stream.on('error', (cause) => {
      log(`Reading ${path} failed`, cause);
      res.destroy();
    });
    stream.pipe(res);
  }

  async function serveIndex(res: ServerResponse, extra: Record<string, string>): Promise<void> {
    let html: string;
    try {
      html = await readFile(join(staticDir, 'index.html'), 'utf8');
    } catch {
      return send(res, 500, 'The app is not built yet. Run `npm run build:renderer`, then start `mediaparser serve` again.', 'text/plain; charset=utf-8');
    }
    // The page's own <meta> policy is the desktop one (thumbnails by custom scheme, no WebSocket).
    const metaPolicy = cspDirectives()
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    send(res, 200, injectClientScript(withMetaCsp(html, metaPolicy)), 'text/html; charset=utf-8', extra);
  }

  async function serveStatic(res: ServerResponse, url: URL, extra: Record<string, string>): Promise<void> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'Bad path.', 'text/plain; charset=utf-8');
    }
    if (pathname === '/' || pathname === '/index.html') return serveIndex(res, extra);
    if (pathname.includes('\0')) return send(res, 400, 'Bad path.', 'text/plain; charset=utf-8');
    const target = resolve(staticDir, `.${pathname}`);
    const rel = relative(staticDir, target);
    if (rel === '' || isAbsolute(rel) || rel.split(sep).includes('..') || resolve(staticDir, rel) !== target) {
      return send(res, 404, 'Not found.', 'text/plain; charset=utf-8');
    }
    // Browsers ask for /favicon.ico on their own (a page opened without its <link rel="icon">).
    if (pathname === '/favicon.ico' && !(await isFile(target))) {
      return streamFile(res, join(staticDir, 'favicon.svg'), 'image/svg+xml', 'no-cache', extra);
    }
    const type = MIME[extname(target).toLowerCase()];
    // The app has no client-side routes with extensions; anything else is the single page.
    if (!extname(target)) return serveIndex(res, extra);
    await streamFile(res, target, type ?? 'application/octet-stream', 'no-cache', extra);
  }

  async function serveClientScript(res: ServerResponse): Promise<void> {
    clientScript ??= bundleBrowserClient(staticDir);
    try {
      send(res, 200, await clientScript, 'text/javascript; charset=utf-8');
    } catch (cause) {
      clientScript = null;
      log('Bundling the browser client failed', cause);
      send(res, 500, 'The browser client could not be built.', 'text/plain; charset=utf-8');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req, port);
    if (!originAllowed(req)) return refuse(res, 403, 'Forbidden: this server only answers pages it served itself.');
    if (!authorized(req, url)) {
      // A person opening the page (an old tab after a restart, a bookmark) gets a page that says what to do.
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return send(res, 401, TOKEN_PAGE, 'text/html; charset=utf-8');
      return refuse(res, 401, 'MediaParser needs its access token. Open the full address printed by `mediaparser serve`.');
    }
    // The first page load carries ?token=; later requests (assets, <img>, the WebSocket) use the cookie.
    const cookie: Record<string, string> = url.searchParams.has('token')
      ? { 'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/` }
      : {};
    if (url.pathname.startsWith(API_PREFIX)) return serveApi(req, res, url);
    if (url.pathname.startsWith(THUMB_PREFIX)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Use GET.', 'text/plain; charset=utf-8');
      return serveThumbnail(res, url);
    }
    if (url.pathname.startsWith(MEDIA_PREFIX)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Use GET.', 'text/plain; charset=utf-8');
      return serveMedia(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Use GET.', 'text/plain; charset=utf-8');
    if (url.pathname === CLIENT_SCRIPT) return serveClientScript(res);
    return serveStatic(res, url, cookie);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((cause) => {
      log(`Request ${req.method} ${req.url} failed`, cause);
      if (!res.headersSent) send(res, 500, 'Internal error.', 'text/plain; charset=utf-8');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    try {
      url = requestUrl(req, port);
    } catch {
      return reject(400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return reject(404, 'Not Found');
    if (!originAllowed(req)) return reject(403, 'Forbidden');
    if (!authorized(req, url)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: { id?: unknown; channel?: unknown; request?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return; // nothing to answer without an id
      }
      if (typeof message !== 'object' || message === null) return;
      const { id } = message;
      if (typeof id !== 'number' && typeof id !== 'string') return;
      void invoke(message.channel, message.request).then(({ result }) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  });

  const unsubscribe = core.subscribe((e: { channel: EventChannel; payload: unknown }) => {
    const text = JSON.stringify({ event: e.channel, payload: e.payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch(async (cause: unknown) => {
    unsubscribe();
    if (ownsCore) await core.close();
    throw cause;
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      (closing ??= (async () => {
        unsubscribe();
        for (const ws of sockets) ws.close(1001, 'Server shutting down');
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        if (ownsCore) await core.close();
      })()),
  };
}

/** Puts the browser client in front of the app's module script so `window.api` exists when it runs. */
export function injectClientScript(html: string): string {
  const tag = `<script src="${CLIENT_SCRIPT}"></script>`;
  const at = html.search(/<script\b/i);
  if (at >= 0) return `${html.slice(0, at)}${tag}\n    ${html.slice(at)}`;
  const head = html.search(/<\/head>/i);
  if (head >= 0) return `${html.slice(0, head)}${tag}\n${html.slice(head)}`;
  return `${tag}\n${html}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

const META_CSP = /<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>/i;

/** Puts `policy` in the page's CSP <meta> (in place of the one it has, else first in <head>). */
export function withMetaCsp(html: string, policy: string): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" />`;
  if (META_CSP.test(html)) return html.replace(META_CSP, () => tag);
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return `${tag}\n${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}${tag}${html.slice(at)}`;
}

/** Parsed as a path on this server; `//host/x` must not turn into another host. */
function requestUrl(req: IncomingMessage, port: number): URL {
  const raw = req.url ?? '/';
  return new URL(`http://${HOST}:${port}${raw.startsWith('/') ? raw : `/${raw}`}`);
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

/**
 * The browser client as one classic script. A prebuilt `api-client.js` in the static folder wins;
 * otherwise it is bundled from source on first request (esbuild ships with the dev install).
 */
async function bundleBrowserClient(staticDir: string): Promise<string> {
  try {
    return await readFile(join(staticDir, 'api-client.js'), 'utf8');
  } catch {
    // not prebuilt: bundle below
  }
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer', 'src', 'api', 'browser-entry.ts');
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

/** What a person sees when the page's access key is missing or from an earlier run of the server. */
const TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MediaParser: open the new address</title></head>
<body>
<main>
<h1>Open MediaParser with its current address</h1>
<p>This page's access key is missing or belongs to an earlier run of MediaParser (it gets a new key each time it starts).</p>
<p>Open the full address that <code>mediaparser serve</code> printed in its terminal: it looks like
<code>http://127.0.0.1:PORT/?token=…</code>. Nothing in your library was lost; a paused export is offered again there.</p>
</main>
</body></html>
`;
