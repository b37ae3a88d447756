/**
 * Thumbnail worker thread: decodes originals with sharp so the main thread (and the UI it
 * serves) never blocks on image work: thumbnails, and the perceptual hashes of near-duplicates.
 * One job at a time; the service owns the queue.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { err } from '../../shared/errors.js';
import { readFile } from 'node:fs/promises';
import { decodePathBytes } from '../rules/byte-names.js';
import { perceptualHash } from '../engines/import/perceptual-hash.js';
import { renderThumbnail } from '../engines/thumbnails/render-thumbnail.js';
import type { ThumbnailWorkerMessage, ThumbnailWorkerRequest } from '../protocol/thumbnail.js';

const port = parentPort;
if (!port) throw new Error('thumbnail-worker must run as a worker thread');

// Each source is decoded once; libvips' operation cache would only hold memory.
sharp.cache(false);

let lowered = false;
/** This thread (per-thread nice on Linux) below the app's main thread: it only hashes in the background. */
function lowerPriorityOnce(): void {
  if (lowered) return;
  lowered = true;
  try {
    os.setPriority(10);
  } catch {
    // Not permitted or not supported: normal priority.
  }
}

/** Never throws: a picture that cannot be read or decoded gets no hash. */
async function hashPicture(job: { sourcePath: string; sourcePathBytes?: string }): Promise<string | null> {
  try {
    return await perceptualHash(await readFile(job.sourcePathBytes !== undefined ? decodePathBytes(job.sourcePathBytes) : job.sourcePath));
  } catch {
    return null;
  }
}

port.on('message', (request: ThumbnailWorkerRequest) => {
  void (async () => {
    if (request.type === 'phash') {
      if (request.background) lowerPriorityOnce();
      port.postMessage({ type: 'hashed', id: request.id, hash: await hashPicture(request.job) } satisfies ThumbnailWorkerMessage);
      return;
    }
    let message: ThumbnailWorkerMessage;
    try {
      message = { type: 'rendered', id: request.id, result: await renderThumbnail(request.job) };
    } catch (error) {
      // A bug, not a bad file: report it for this job and keep serving the others.
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      message = { type: 'rendered', id: request.id, result: err('internal', 'The thumbnail could not be made.', detail) };
    }
    port.postMessage(message);
  })();
});
