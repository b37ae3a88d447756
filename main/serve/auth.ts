/**
 * Who may use the server: a request must carry the start-up token (Bearer header, `?token=` on
 * the first page load, then an HttpOnly cookie) and a Host/Origin naming this server, which keeps
 * other sites and DNS-rebinding pages out even though it listens on 127.0.0.1 only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const HOST = '127.0.0.1';

/** A fresh random token for one run of the server. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The Host headers that name this server. */
export function allowedHosts(port: number): string[] {
  return [`${HOST}:${port}`, `localhost:${port}`];
}

/** Parsed as a path on this server; `//host/x` must not turn into another host. */
export function requestUrl(req: IncomingMessage, port: number): URL {
  const raw = req.url ?? '/';
  return new URL(`http://${HOST}:${port}${raw.startsWith('/') ? raw : `/${raw}`}`);
}

export interface Gate {
  /** Host must name us; Origin, when a browser sends one, must be us. */
  originAllowed(req: IncomingMessage): boolean;
  /** The request presents the token in any of the accepted places. */
  authorized(req: IncomingMessage, url: URL): boolean;
  /** The session cookie to set when the token came in the address, so later requests carry it. */
  sessionCookie(url: URL): Record<string, string>;
}

export function createGate(token: string, port: number): Gate {
  const hosts = allowedHosts(port);
  const origins = hosts.map((h) => `http://${h}`);
  const cookieName = `mediaparser_token_${port}`; // cookies ignore ports; keep servers apart

  function tokenMatches(candidate: string): boolean {
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
    const cookie = readCookie(req.headers.cookie, cookieName);
    if (cookie) found.push(cookie);
    return found;
  }

  return {
    originAllowed(req) {
      const host = req.headers.host;
      if (!host || !hosts.includes(host.toLowerCase())) return false;
      const origin = req.headers.origin;
      return origin === undefined || origins.includes(origin.toLowerCase());
    },
    authorized: (req, url) => presentedTokens(req, url).some(tokenMatches),
    // The first page load carries ?token=; later requests (assets, <img>, the WebSocket) use the cookie.
    sessionCookie: (url): Record<string, string> =>
      url.searchParams.has('token') ? { 'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {},
  };
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** What a person sees when the page's access key is missing or from an earlier run of the server. */
export const TOKEN_PAGE = `<!doctype html>
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
