/**
 * `mediaparser://thumb/<id>?size=small|large`: the renderer's thumbnail URLs, answered from the
 * core's on-disk thumbnail cache. Pure apart from reading the cached file, so it is tested with
 * a fake core and a real file.
 */
import { readFile } from 'node:fs/promises';
import type { Result } from '../../shared/errors.js';
import { appFileUrl } from './security.js';

export type ThumbSize = 'small' | 'large';

export type GetThumbnail = (fileId: number, size: ThumbSize) => Promise<Result<{ path: string; mime: string }>>;

/** The file id and size a thumbnail URL asks for, or null when it is not one. */
export function parseThumbUrl(url: string): { fileId: number; size: ThumbSize } | null {
  const found = appFileUrl(url, 'thumb');
  const size = found?.query.get('size') ?? 'small';
  if (!found || (size !== 'small' && size !== 'large')) return null;
  return { fileId: found.fileId, size };
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The protocol handler's answer for one request. */
export async function thumbnailResponse(
  url: string,
  getThumbnail: GetThumbnail,
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<Response> {
  const request = parseThumbUrl(url);
  if (request === null) return textResponse(400, 'Not a thumbnail URL.');
  const found = await getThumbnail(request.fileId, request.size);
  if (!found.ok) {
    const status = found.error.code === 'not-found' ? 404 : found.error.code === 'unsupported' ? 415 : 500;
    return textResponse(status, found.error.message);
  }
  let body: Uint8Array;
  try {
    body = await read(found.value.path);
  } catch {
    // The cache file vanished between lookup and read (cache cleared): the next request regenerates it.
    return textResponse(404, 'Thumbnail not available.');
  }
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      'Content-Type': found.value.mime,
      'Content-Length': String(body.byteLength),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
