/**
 * `mediaparser://media/<id>`: an original for the details panel's <video>, whole or the byte
 * range Chromium's media player asks for. Pure apart from reading the file, so it is tested
 * with a fake lookup and a real file.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Result } from '../../shared/errors.js';
import { rangeReply } from '../rules/byte-range.js';
import { APP_SCHEME, appFileUrl } from './security.js';

/** The template `app:info` hands the renderer for originals. */
export const MEDIA_URL_TEMPLATE = `${APP_SCHEME}://media/{id}`;

export type GetOriginal = (fileId: number) => Promise<Result<{ path: string; mime: string; size: number }>>;

/** The file id a media URL asks for, or null when it is not one. */
export function parseMediaUrl(url: string): number | null {
  return appFileUrl(url, 'media')?.fileId ?? null;
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
  const reply = rangeReply(rangeHeader, size);
  const headers = { 'Content-Type': mime, 'X-Content-Type-Options': 'nosniff', ...reply.headers };
  if (reply.status === 416) return new Response(null, { status: 416, headers });
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(path, { start: reply.start, end: reply.end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: reply.status, headers });
}
