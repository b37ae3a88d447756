/**
 * The library's pictures for `<img>` and `<video>`: /thumb/<id>?size=small|large from the core's
 * thumbnail cache, and /media/<id>, an original whole or the byte range the media element asks for.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Result } from '../../shared/errors.js';
import type { AppCore } from '../library/app-core.js';
import { rangeReply } from '../rules/byte-range.js';
import type { Log, Replies } from './replies.js';

export const THUMB_PREFIX = '/thumb/';
/** Originals for playback in the details panel (videos), with HTTP range requests. */
export const MEDIA_PREFIX = '/media/';

/** The file id a path under `prefix` names, or null. */
function fileIdAfter(prefix: string, url: URL): number | null {
  const idText = url.pathname.slice(prefix.length);
  const id = Number(idText);
  return /^\d+$/.test(idText) && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function createLibraryFiles(core: AppCore, replies: Replies, log: Log) {
  const { sendText } = replies;

  async function serveThumbnail(res: ServerResponse, url: URL): Promise<void> {
    const id = fileIdAfter(THUMB_PREFIX, url);
    const size = url.searchParams.get('size') ?? 'small';
    if (id === null || (size !== 'small' && size !== 'large')) return sendText(res, 400, 'Bad thumbnail request.');
    let result: Result<{ path: string; mime: string }>;
    try {
      result = await core.thumbnails.get(id, size);
    } catch (cause) {
      log(`Thumbnail ${id} threw`, cause);
      return sendText(res, 500, 'Thumbnail failed.');
    }
    if (!result.ok) {
      const status = result.error.code === 'not-found' ? 404 : result.error.code === 'unsupported' ? 415 : 500;
      return sendText(res, status, result.error.message);
    }
    await replies.streamFile(res, result.value.path, result.value.mime, 'private, max-age=3600');
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = fileIdAfter(MEDIA_PREFIX, url);
    if (id === null) return sendText(res, 400, 'Bad media request.');
    const found = await core.originals.get(id);
    if (!found.ok) {
      const status = found.error.code === 'not-found' ? 404 : found.error.code === 'permission-denied' ? 403 : 500;
      return sendText(res, status, found.error.message);
    }
    const { path, mime, size } = found.value;
    const reply = rangeReply(req.headers.range, size);
    const headers = { ...replies.securityHeaders, 'Content-Type': mime, 'Cache-Control': 'private, no-cache', ...reply.headers };
    if (reply.status === 416) {
      res.writeHead(416, { ...headers, 'Content-Length': '0' });
      return void res.end();
    }
    res.writeHead(reply.status, headers);
    if (req.method === 'HEAD' || size === 0) return void res.end();
    // The original is only read.
    const stream = createReadStream(path, { start: reply.start, end: reply.end });
    stream.on('error', (cause) => {
      log(`Reading ${path} failed`, cause);
      res.destroy();
    });
    // A seeking <video> drops its earlier request: stop reading then.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  return { serveThumbnail, serveMedia };
}
