/**
 * The shared contract over HTTP: `POST /api/<channel>` with a JSON body answers the handler's
 * Result. A request the contract refuses is the caller's fault (4xx with a JSON error), a bug is
 * ours (500). `invoke` is the one place a call is checked and run; the WebSocket uses it too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInvokeChannel, parseRequest } from '../../shared/contract.js';
import { err, type Result } from '../../shared/errors.js';
import type { AppCore } from '../library/app-core.js';
import type { Log, Replies } from './replies.js';

export const API_PREFIX = '/api/';
/** Generous: bulk requests carry up to 100k ids. Also the WebSocket's largest message. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type Invoke = (channel: unknown, request: unknown) => Promise<{ status: 200 | 400 | 404 | 500; result: Result<unknown> }>;

/**
 * Runs one invoke: validate, call, and turn anything thrown into `internal`. `status` is what
 * HTTP answers: 404 unknown channel, 400 schema-invalid, 500 a bug; a handler's own Result,
 * failures included, is the application's answer (200), exactly as Electron IPC and the
 * WebSocket carry it.
 */
export function createInvoke(core: AppCore, log: Log): Invoke {
  return async (channel, request) => {
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
  };
}

/** Answers one request under /api/ (already let in by the gate). */
export async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL, invoke: Invoke, replies: Replies): Promise<void> {
  const { sendJson } = replies;
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

/** The body, or null when it is larger than `limit` bytes (read to the end either way). */
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
