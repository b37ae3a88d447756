/**
 * Serve mode: the built renderer plus the shared contract over HTTP + WebSocket, for machines
 * where Electron cannot run (a headless box, a NAS). Binds 127.0.0.1 only; every request needs
 * the start-up token and a Host/Origin naming this server (auth.ts). This file starts and stops
 * the server and sends each request to the module that answers it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { err, ok } from '../../shared/errors.js';
import type { AppCore, HostServices } from '../library/app-core.js';
import { API_PREFIX, createInvoke, serveApi } from './api.js';
import { HOST, TOKEN_PAGE, createGate, newToken, requestUrl } from './auth.js';
import { CLIENT_SCRIPT, createClientScript } from './browser-client.js';
import { MEDIA_PREFIX, THUMB_PREFIX, createLibraryFiles } from './library-files.js';
import { createReplies, type Log } from './replies.js';
import { bridgeSockets } from './socket-bridge.js';
import { createStaticFiles } from './static-files.js';

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
  log?: Log;
}

export interface RunningServer {
  /** The address to open, token included: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

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
  const token = opts.token ?? newToken();
  const staticDir = resolve(opts.staticDir);
  const ownsCore = typeof opts.core === 'function';
  const core: AppCore = typeof opts.core === 'function' ? await opts.core(serveHostServices()) : opts.core;

  // Listening first: the allowed Host/Origin, the cookie name and the CSP all name the port.
  const server = createServer();
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch(async (cause: unknown) => {
    if (ownsCore) await core.close();
    throw cause;
  });
  const port = (server.address() as AddressInfo).port;

  const gate = createGate(token, port);
  const replies = createReplies(port, log);
  const invoke = createInvoke(core, log);
  const clientScript = createClientScript(staticDir, replies, log);
  const staticFiles = createStaticFiles(staticDir, replies);
  const libraryFiles = createLibraryFiles(core, replies, log);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req, port);
    if (!gate.originAllowed(req)) return replies.sendText(res, 403, 'Forbidden: this server only answers pages it served itself.');
    if (!gate.authorized(req, url)) {
      // A person opening the page (an old tab after a restart, a bookmark) gets a page that says what to do.
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return replies.send(res, 401, TOKEN_PAGE, 'text/html; charset=utf-8');
      return replies.sendText(res, 401, 'MediaParser needs its access token. Open the full address printed by `mediaparser serve`.');
    }
    if (url.pathname.startsWith(API_PREFIX)) return serveApi(req, res, url, invoke, replies);
    if (req.method !== 'GET' && req.method !== 'HEAD') return replies.sendText(res, 405, 'Use GET.');
    if (url.pathname.startsWith(THUMB_PREFIX)) return libraryFiles.serveThumbnail(res, url);
    if (url.pathname.startsWith(MEDIA_PREFIX)) return libraryFiles.serveMedia(req, res, url);
    if (url.pathname === CLIENT_SCRIPT) return clientScript(res);
    return staticFiles(res, url, gate.sessionCookie(url));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((cause) => {
      log(`Request ${req.method} ${req.url} failed`, cause);
      if (!res.headersSent) replies.sendText(res, 500, 'Internal error.');
      else res.destroy();
    });
  });
  const closeSockets = bridgeSockets(server, port, gate, core, invoke);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      (closing ??= (async () => {
        closeSockets();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        if (ownsCore) await core.close();
      })()),
  };
}
