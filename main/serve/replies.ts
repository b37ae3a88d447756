/**
 * How the server answers: every response carries the same security headers (a strict CSP that
 * allows this server's own WebSocket, nosniff, no framing) and no-store unless it says otherwise;
 * files are streamed from disk.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { allowedHosts } from './auth.js';

export type Log = (message: string, cause?: unknown) => void;

export interface Replies {
  /** The content security policy, one directive an entry. */
  cspDirectives: readonly string[];
  /** Sent with every answer. */
  securityHeaders: Readonly<Record<string, string>>;
  send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra?: Record<string, string>): void;
  sendText(res: ServerResponse, status: number, text: string): void;
  sendJson(res: ServerResponse, status: number, value: unknown, extra?: Record<string, string>): void;
  /** A file from disk with 200, or 404 when it is not a file. */
  streamFile(res: ServerResponse, path: string, type: string, cache: string, extra?: Record<string, string>): Promise<void>;
}

export function createReplies(port: number, log: Log): Replies {
  const ws = allowedHosts(port)
    .map((h) => `ws://${h}`)
    .join(' ');
  const cspDirectives = [
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
  const securityHeaders = {
    'Content-Security-Policy': cspDirectives.join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...securityHeaders, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  }

  const sendText = (res: ServerResponse, status: number, text: string): void => send(res, status, text, 'text/plain; charset=utf-8');

  async function streamFile(res: ServerResponse, path: string, type: string, cache: string, extra: Record<string, string> = {}): Promise<void> {
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) return sendText(res, 404, 'Not found.');
      size = info.size;
    } catch {
      return sendText(res, 404, 'Not found.');
    }
    res.writeHead(200, { ...securityHeaders, 'Content-Type': type, 'Content-Length': String(size), 'Cache-Control': cache, ...extra });
    const stream = createReadStream(path);
    stream.on('error', (cause) => {
      log(`Reading ${path} failed`, cause);
      res.destroy();
    });
    stream.pipe(res);
  }

  return {
    cspDirectives,
    securityHeaders,
    send,
    sendText,
    sendJson: (res, status, value, extra = {}) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', extra),
    streamFile,
  };
}
