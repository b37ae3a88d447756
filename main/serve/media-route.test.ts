/**
 * Serve mode's /media/<id>: an imported video is streamed from its original with the range
 * requests a <video> element makes (206 with exactly the asked bytes), on a real core.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../library/app-core.js';
import { parseRange } from '../rules/byte-range.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { startServer, type RunningServer } from './server.js';

const VIDEO = join(CORPUS_MEDIA, 'metadata-extractor', 'with-gps.mp4');

describe('parseRange', () => {
  it('reads single byte ranges and refuses the ones outside the file', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ kind: 'partial', start: 10, end: 19 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=20-10', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
  });
});

describe.skipIf(!corpusAvailable())('serve /media/<id>', () => {
  let tmp: string;
  let server: RunningServer;
  let base: string;
  let videoId: number;
  let original: Buffer;

  beforeAll(async () => {
    tmp = await makeTempDir('media-route');
    const src = join(tmp, 'media');
    await mkdir(src);
    await copyFile(VIDEO, join(src, 'clip.mp4'));
    original = await readFile(VIDEO);
    const staticDir = join(tmp, 'static');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    server = await startServer({
      core: (host) => createAppCore({ dbPath: join(tmp, 'db', 'mp.db'), thumbnailCacheDir: join(tmp, 'thumbs'), host }),
      staticDir,
      token: 'test-token-media',
    });
    base = `http://127.0.0.1:${server.port}`;
    const api = async (channel: string, body: unknown) => {
      const res = await fetch(`${base}/api/${channel}?token=test-token-media`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as { ok: boolean; value: never };
    };
    const started = (await api('import:start', { folders: [src] })) as { ok: true; value: { jobId: number } };
    // Wait on the job itself rather than a timer.
    for (;;) {
      const job = (await api('jobs:get', { id: started.value.jobId })) as { ok: true; value: { status: string } };
      if (job.value.status === 'completed') break;
      if (['failed', 'cancelled', 'halted'].includes(job.value.status)) throw new Error(job.value.status);
      await new Promise((r) => setImmediate(r));
    }
    const list = (await api('files:list', { filter: 'all' })) as { ok: true; value: { items: { id: number }[] } };
    videoId = list.value.items[0]!.id;
    const info = (await api('app:info', {})) as { ok: true; value: { mediaUrl: string } };
    expect(info.value.mediaUrl).toBe('/media/{id}');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await removeDir(tmp);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}${path.includes('?') ? '&' : '?'}token=test-token-media`, { headers });

  it('answers a range request with 206 and exactly those bytes of the original', async () => {
    const res = await get(`/media/${videoId}`, { Range: 'bytes=100-1123' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1123/${original.length}`);
    expect(res.headers.get('content-length')).toBe('1024');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await res.arrayBuffer()).equals(original.subarray(100, 1124))).toBe(true);
  });

  it('sends the whole file without a range, the tail for a suffix range, and 416 past the end', async () => {
    const whole = await get(`/media/${videoId}`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(original)).toBe(true);

    const tail = await get(`/media/${videoId}`, { Range: 'bytes=-16' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(original.subarray(original.length - 16))).toBe(true);

    const past = await get(`/media/${videoId}`, { Range: `bytes=${original.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${original.length}`);
  });

  it('refuses unknown ids and requests without the token', async () => {
    expect((await get('/media/999999')).status).toBe(404);
    expect((await get('/media/abc')).status).toBe(400);
    expect((await fetch(`${base}/media/${videoId}`)).status).toBe(401);
  });
});
