import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, ok } from '../../shared/errors.js';
import { MEDIA_URL_TEMPLATE, mediaResponse, parseMediaUrl, type GetOriginal } from './media-protocol.js';

const urlFor = (id: number | string) => MEDIA_URL_TEMPLATE.replace('{id}', String(id));

describe('parseMediaUrl', () => {
  it('reads the id of the URLs the renderer builds, and nothing else', () => {
    expect(parseMediaUrl(urlFor(42))).toBe(42);
    for (const url of [urlFor(0), urlFor('x'), 'mediaparser://thumb/1', 'https://media/1', 'junk']) {
      expect(parseMediaUrl(url), url).toBeNull();
    }
  });
});

describe('mediaResponse', () => {
  let dir: string;
  let path: string;
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  const lookup: GetOriginal = async (id) => (id === 7 ? ok({ path, mime: 'video/mp4', size: bytes.length }) : err('not-found', 'no such file'));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-media-protocol-'));
    path = join(dir, 'clip.mp4');
    await writeFile(path, bytes);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('answers a range with 206 and those bytes, no range with the whole file', async () => {
    const part = await mediaResponse(urlFor(7), 'bytes=1000-1999', lookup);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/4096');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const whole = await mediaResponse(urlFor(7), null, lookup);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 416 past the end and 404 for an unknown file', async () => {
    expect((await mediaResponse(urlFor(7), 'bytes=5000-', lookup)).status).toBe(416);
    expect((await mediaResponse(urlFor(8), null, lookup)).status).toBe(404);
    expect((await mediaResponse('mediaparser://media/x', null, lookup)).status).toBe(400);
  });
});
