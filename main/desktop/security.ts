/**
 * The window's security decisions as plain functions, so they are unit-tested without Electron.
 * main.ts and ipc.ts only wire them to Electron's hooks.
 */

/** The custom scheme that serves thumbnails (`mediaparser://thumb/<id>?size=small`). */
export const APP_SCHEME = 'mediaparser';

/** The template `app:info` hands the renderer for thumbnail URLs. */
export const THUMBNAIL_URL_TEMPLATE = `${APP_SCHEME}://thumb/{id}?size={size}`;

/** The file a `mediaparser://<host>/<id>` URL names, with its query; null when `url` is not one. */
export function appFileUrl(url: string, host: 'thumb' | 'media'): { fileId: number; query: URLSearchParams } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== host) return null;
  const match = /^\/(\d{1,15})\/?$/.exec(parsed.pathname);
  if (!match) return null;
  const fileId = Number(match[1]);
  return Number.isSafeInteger(fileId) && fileId > 0 ? { fileId, query: parsed.searchParams } : null;
}

/**
 * The renderer's Content-Security-Policy. Scripts only from the app itself; images and media
 * also from the thumbnail scheme. Inline styles stay allowed because React style props and
 * UI libraries set them; inline and remote scripts, plugins, frames and forms are all refused.
 * renderer/index.html carries the same policy in a <meta> element (minus frame-ancestors, which
 * a <meta> cannot set), so it holds even where no response header reaches the page.
 */
const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${APP_SCHEME}:`,
  `media-src 'self' blob: ${APP_SCHEME}:`,
  "font-src 'self' data:",
  `connect-src 'self' ${APP_SCHEME}:`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
];

export function cspHeader(): string {
  return CSP_DIRECTIVES.join('; ');
}

/**
 * Response headers with our CSP in place of any the response carried (header names are
 * case-insensitive, so a differently cased copy must not survive next to ours).
 */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [cspHeader()];
  return out;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * True when `url` (an IPC sender frame's URL) is our own page, `expected`. For file:// the
 * document path must match exactly (every local file shares the same opaque origin, so the
 * origin alone proves nothing); for http(s) the origin must match. Query and hash are ignored.
 */
export function isTrustedSender(url: string | null | undefined, expected: string): boolean {
  if (!url) return false;
  const actual = parseUrl(url);
  const wanted = parseUrl(expected);
  if (!actual || !wanted) return false;
  if (actual.protocol !== wanted.protocol) return false;
  if (actual.protocol === 'file:') {
    const a = decodedPath(actual);
    return a !== null && a === decodedPath(wanted) && actual.host === wanted.host;
  }
  if (actual.protocol !== 'http:' && actual.protocol !== 'https:') return false;
  return actual.origin === wanted.origin;
}

/** `will-navigate`: only reloading our own page is allowed; anything else would leave the app. */
export function navigationDecision(url: string, expected: string): 'allow' | 'deny' {
  return isTrustedSender(url, expected) ? 'allow' : 'deny';
}

/**
 * `setWindowOpenHandler`: never a new Electron window. A plain https link (help pages, licences)
 * may go to the user's browser; every other scheme (file:, javascript:, custom handlers) is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  const parsed = parseUrl(url);
  const external = parsed !== null && parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  return { action: 'deny', openExternally: external };
}
