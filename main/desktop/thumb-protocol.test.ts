import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, ok } from '../../shared/errors.js';
import { THUMBNAIL_URL_TEMPLATE } from './security.js';
import { parseThumbUrl, thumbnailResponse, type GetThumbnail } from './thumb-protocol.js';

const urlFor = (id: number | string, size: string) =>
  THUMBNAIL_URL_TEMPLATE.replace('{id}', String(id)).replace('{size}', size);

describe('parseThumbUrl', () => {
  it('reads the id and size of the URLs the renderer builds from the template', () => {
    expect(parseThumbUrl(urlFor(42, 'small'))).toEqual({ fileId: 42, size: 'small' });
    expect(parseThumbUrl(urlFor(7, 'large'))).toEqual({ fileId: 7, size: 'large' });
    expect(parseThumbUrl('mediaparser://thumb/9')).toEqual({ fileId: 9, size: 'small' });
  });

  it('rejects anything else', () => {
    for (const url of [
      urlFor(0, 'small'),
      urlFor(-1, 'small'),
      urlFor('1.5', 'small'),
      urlFor('abc', 'small'),
      urlFor(1, 'huge'),
      'mediaparser://thumb/1/../../etc/passwd',
      'mediaparser://other/1',
      'https://thumb/1',
      'garbage',
    ]) {
      expect(parseThumbUrl(url), url).toBeNull();
    }
  });
});

describe('thumbnailResponse', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-thumb-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the cached file with its type', async () => {
    const file = join(dir, '42-small.webp');
    await writeFile(file, Buffer.from([1, 2, 3, 4]));
    const asked: unknown[] = [];
    const get: GetThumbnail = async (id, size) => {
      asked.push([id, size]);
      return ok({ path: file, mime: 'image/webp' });
    };
    const response = await thumbnailResponse(urlFor(42, 'large'), get);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(asked).toEqual([[42, 'large']]);
  });

  it('maps core errors and missing files to HTTP statuses', async () => {
    const notFound: GetThumbnail = async () => err('not-found', 'No such file.');
    expect((await thumbnailResponse(urlFor(1, 'small'), notFound)).status).toBe(404);
    const unsupported: GetThumbnail = async () => err('unsupported', 'No preview for this format.');
    expect((await thumbnailResponse(urlFor(1, 'small'), unsupported)).status).toBe(415);
    const broken: GetThumbnail = async () => err('io', 'Disk error.');
    expect((await thumbnailResponse(urlFor(1, 'small'), broken)).status).toBe(500);
    const gone: GetThumbnail = async () => ok({ path: join(dir, 'missing.webp'), mime: 'image/webp' });
    expect((await thumbnailResponse(urlFor(1, 'small'), gone)).status).toBe(404);
    let called = false;
    const never: GetThumbnail = async () => {
      called = true;
      return err('internal', 'x');
    };
    expect((await thumbnailResponse('mediaparser://thumb/x', never)).status).toBe(400);
    expect(called).toBe(false);
  });
});
