/**
 * `mediaparser://media/<id>`: an original for the details panel's <video>, whole or the byte
 * range Chromium's media player asks for. Pure apart from reading the file, so it is tested
 * with a fake lookup and a real file.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Result } from '../../shared/errors.js';
import { parseRange } from '../rules/byte-range.js';
import { APP_SCHEME } from './security.js';

/** The template `app:info` hands the renderer for originals. */
export const MEDIA_URL_TEMPLATE = `${APP_SCHEME}://media/{id}`;

export type GetOriginal = (fileId: number) => Promise<Result<{ path: string; mime: string; size: number }>>;

/** The file id a media URL asks for, or null when it is not one. */
export function parseMediaUrl(url: string): number | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== 'media') return null;
  const match = /^\/(\d{1,15})\/?$/.exec(parsed.pathname);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export async function mediaResponse(url: string, rangeHeader: string | null, getOriginal: GetOriginal): Promise<Response> {
  const id = parseMediaUrl(url);
  if (id === null) return text(400, 'Not a media URL.');
  const found = await getOriginal(id);
  if (!found.ok) return text(found.error.code === 'not-found' ? 404 : 500, found.error.message);
  const { path, mime, size } = found.value;
  const range = parseRange(rangeHeader, size);
  const headers: Record<string, string> = { 'Content-Type': mime, 'Accept-Ranges': 'bytes', 'X-Content-Type-Options': 'nosniff' };
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: range.kind === 'partial' ? 206 : 200,
    headers: {
      ...headers,
      'Content-Length': String(Math.max(0, end - start + 1)),
      ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    },
  });
}
