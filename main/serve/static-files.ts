/**
 * The built renderer from the static folder: index.html with the server's policy in its CSP
 * <meta> and the browser client put in front of the app, assets with their MIME types, the
 * favicon for /favicon.ico, and the single page for any other path without an extension.
 * Nothing outside the static folder is ever served.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { injectClientScript } from './browser-client.js';
import type { Replies } from './replies.js';

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

/** Answers a GET for `url` from `staticDir`; `extra` headers (the session cookie) go with pages and assets. */
export function createStaticFiles(staticDir: string, replies: Replies): (res: ServerResponse, url: URL, extra: Record<string, string>) => Promise<void> {
  // The built page's own <meta> policy is the desktop one (thumbnails by custom scheme, no WebSocket):
  // it gets the server's instead, less frame-ancestors, which a <meta> cannot carry.
  const metaPolicy = replies.cspDirectives.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

  async function serveIndex(res: ServerResponse, extra: Record<string, string>): Promise<void> {
    let html: string;
    try {
      html = await readFile(join(staticDir, 'index.html'), 'utf8');
    } catch {
      return replies.sendText(res, 500, 'The app is not built yet. Run `npm run build:renderer`, then start `mediaparser serve` again.');
    }
    replies.send(res, 200, injectClientScript(withMetaCsp(html, metaPolicy)), 'text/html; charset=utf-8', extra);
  }

  return async (res, url, extra) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return replies.sendText(res, 400, 'Bad path.');
    }
    if (pathname === '/' || pathname === '/index.html') return serveIndex(res, extra);
    if (pathname.includes('\0')) return replies.sendText(res, 400, 'Bad path.');
    const target = resolve(staticDir, `.${pathname}`);
    const rel = relative(staticDir, target);
    if (rel === '' || isAbsolute(rel) || rel.split(sep).includes('..') || resolve(staticDir, rel) !== target) {
      return replies.sendText(res, 404, 'Not found.');
    }
    // Browsers ask for /favicon.ico on their own (a page opened without its <link rel="icon">).
    if (pathname === '/favicon.ico' && !(await isFile(target))) {
      return replies.streamFile(res, join(staticDir, 'favicon.svg'), 'image/svg+xml', 'no-cache', extra);
    }
    // The app has no client-side routes with extensions; anything else is the single page.
    if (!extname(target)) return serveIndex(res, extra);
    await replies.streamFile(res, target, MIME[extname(target).toLowerCase()] ?? 'application/octet-stream', 'no-cache', extra);
  };
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

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
