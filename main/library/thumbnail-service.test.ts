import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsxExecArgv } from './worker-factory.js';
import { createThumbnailService, thumbnailCachePath, type ThumbnailRequest, type ThumbnailService } from './thumbnail-service.js';
import { SAMPLES, copySample, tempDir, truncatedCopy } from '../../test-support/thumbnails.js';

let root: string;
let originals: string;
const paths = { jpeg: '', rotated: '', png: '', heic: '', mp4: '', cr2: '', corrupt: '' };

beforeAll(async () => {
  root = await tempDir('thumb-service');
  originals = join(root, 'originals');
  await mkdir(originals);
  paths.jpeg = await copySample(SAMPLES.jpeg, originals);
  paths.rotated = await copySample(SAMPLES.rotatedJpeg, originals);
  paths.png = await copySample(SAMPLES.png, originals);
  paths.heic = await copySample(SAMPLES.heic, originals);
  paths.mp4 = await copySample(SAMPLES.mp4, originals);
  paths.cr2 = await copySample(SAMPLES.cr2, originals);
  paths.corrupt = await truncatedCopy(SAMPLES.jpeg, originals, 'truncated.jpg');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function request(fileId: number, sourcePath: string, size: ThumbnailRequest['size'] = 'small', sha256: string | null = null): ThumbnailRequest {
  return { fileId, sourcePath, sha256, size };
}

async function maxEdge(path: string): Promise<number> {
  const meta = await sharp(path).metadata();
  return Math.max(meta.width, meta.height);
}

function codeOf(result: { ok: boolean; error?: { code: string } }): string {
  return result.ok ? 'ok' : (result.error?.code ?? '?');
}

const SHA = 'ab'.repeat(32);

describe('createThumbnailService (real worker threads)', () => {
  let service: ThumbnailService;
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = join(root, 'cache');
    service = createThumbnailService({ cacheDir });
  });

  afterAll(async () => {
    await service.close();
  });

  it('renders small and large thumbnails into the cache, keyed by sha256', async () => {
    const small = await service.get(request(1, paths.jpeg, 'small', SHA));
    const large = await service.get(request(1, paths.jpeg, 'large', SHA));
    if (!small.ok || !large.ok) throw new Error(JSON.stringify({ small, large }));

    expect(small.value).toEqual({ path: join(cacheDir, 'small', `${SHA}.webp`), mime: 'image/webp' });
    expect(large.value.path).toBe(join(cacheDir, 'large', `${SHA}.webp`));
    expect(await maxEdge(small.value.path)).toBe(256);
    expect(await maxEdge(large.value.path)).toBe(1600);
    expect(service.stats().generated).toBe(2);
  });

  it('answers a repeated request from the disk cache without rendering again', async () => {
    const first = await service.get(request(2, paths.png));
    if (!first.ok) throw new Error(JSON.stringify(first));
    const before = service.stats();
    const mtime = (await stat(first.value.path)).mtimeMs;

    const again = await service.get(request(2, paths.png));
    expect(again).toEqual(first);
    expect((await stat(first.value.path)).mtimeMs).toBe(mtime);
    expect(service.stats().generated).toBe(before.generated);
    expect(service.stats().cacheHits).toBe(before.cacheHits + 1);
  });

  it('shares one render between concurrent requests for the same thumbnail', async () => {
    const before = service.stats().generated;
    const results = await Promise.all([1, 2, 3].map(() => service.get(request(3, paths.rotated))));
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok']);
    expect(new Set(results.map((r) => (r.ok ? r.value.path : '')))).toHaveProperty('size', 1);
    expect(service.stats().generated).toBe(before + 1);

    // Orientation 6: the upright thumbnail is portrait.
    const path = results[0]?.ok ? results[0].value.path : '';
    const meta = await sharp(path).metadata();
    expect(meta.height).toBe(256);
    expect(meta.width).toBeLessThan(256);
  });

  it('renders HEVC HEIC and video in the worker (ffmpeg), and remembers what it cannot show', async () => {
    expect(codeOf(await service.get(request(4, paths.heic)))).toBe('ok');
    expect(codeOf(await service.get(request(5, paths.mp4)))).toBe('ok');
    // A RAW whose previews were stripped has nothing to show.
    expect(codeOf(await service.get(request(9, paths.cr2)))).toBe('unsupported');
    const known = service.stats().knownFailures;
    expect(codeOf(await service.get(request(9, paths.cr2)))).toBe('unsupported');
    expect(service.stats().knownFailures).toBe(known + 1);
  }, 60_000);

  it('returns corrupt for a truncated JPEG and the worker keeps working', async () => {
    const workersBefore = service.stats().workers;
    const broken = await service.get(request(6, paths.corrupt));
    expect(codeOf(broken)).toBe('corrupt');
    expect(broken.ok ? '' : broken.error.message).toMatch(/damaged/);

    const next = await service.get(request(7, paths.jpeg, 'small'));
    expect(codeOf(next)).toBe('ok');
    expect(service.stats().workers).toBeGreaterThanOrEqual(workersBefore);
  });

  it('returns not-found for a missing original and does not remember it', async () => {
    const missing = join(originals, 'not-yet.jpg');
    expect(codeOf(await service.get(request(8, missing)))).toBe('not-found');
    const arrived = await copySample(SAMPLES.jpeg, originals, 'not-yet.jpg');
    expect(codeOf(await service.get(request(8, arrived)))).toBe('ok');
  });

  it('rejects bad requests without touching a worker', async () => {
    expect(codeOf(await service.get(request(9, 'relative/path.jpg')))).toBe('invalid-argument');
    expect(codeOf(await service.get({ ...request(9, paths.jpeg), size: 'huge' as 'small' }))).toBe('invalid-argument');
    expect(codeOf(await service.get(request(-1, paths.jpeg)))).toBe('invalid-argument');
  });

  it('never writes next to the originals', async () => {
    const names = await readdir(originals);
    expect(names.filter((n) => n.endsWith('.webp') || n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('thumbnailCachePath', () => {
  it('uses the sha256 when valid, else the file id plus a hash of the path', () => {
    expect(thumbnailCachePath('/c', request(1, '/a.jpg', 'large', SHA.toUpperCase()))).toBe(join('/c', 'large', `${SHA}.webp`));
    const byId = thumbnailCachePath('/c', request(12, '/a.jpg', 'small', '../../etc/passwd'));
    expect(byId).toMatch(/[/\\]small[/\\]id-12-[0-9a-f]{16}\.webp$/);
    expect(thumbnailCachePath('/c', request(12, '/b.jpg'))).not.toBe(byId);
  });
});

describe('createThumbnailService (queue and failures)', () => {
  const workerUrl = new URL('../workers/thumbnail-worker.ts', import.meta.url);
  const execArgv = tsxExecArgv();

  it('never runs more workers than the concurrency', async () => {
    let spawned = 0;
    const service = createThumbnailService({
      cacheDir: join(root, 'cache-queue'),
      concurrency: 1,
      createWorker: () => {
        spawned++;
        return new Worker(workerUrl, { execArgv });
      },
    });
    try {
      const sources = [paths.jpeg, paths.png, paths.rotated, paths.jpeg];
      const results = await Promise.all(sources.map((source, i) => service.get(request(100 + i, source))));
      expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(spawned).toBe(1);
      expect(service.stats().generated).toBe(4);
    } finally {
      await service.close();
    }
  });

  it('hashes in the background on a worker of its own, niced, while thumbnails keep theirs', async () => {
    let spawned = 0;
    const service = createThumbnailService({
      cacheDir: join(root, 'cache-hash'),
      concurrency: 1,
      createWorker: () => {
        spawned++;
        return new Worker(workerUrl, { execArgv });
      },
    });
    try {
      const [thumb, hashed] = await Promise.all([service.get(request(300, paths.png)), service.hash({ sourcePath: paths.jpeg })]);
      expect(codeOf(thumb)).toBe('ok');
      expect(hashed).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
      // One render worker (the concurrency) and one for the hashes.
      expect(spawned).toBe(2);
      // Linux names each thread's nice value in /proc: the hashing thread runs at 10.
      if (existsSync('/proc/self/task')) {
        const nices = readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
        expect(nices).toContain(10);
      }
      expect(await service.hash({ sourcePath: join(root, 'missing.jpg') })).toEqual({ hash: null });
    } finally {
      await service.close();
    }
  });

  it('a hashing thread that dies with a picture answers "lost" (worth another try); a closed service answers null', async () => {
    const root = await tempDir('thumbs-lost');
    const service = createThumbnailService({
      cacheDir: join(root, 'cache'),
      // A thread that goes away as soon as it starts, as one that crashed in a decoder would.
      createWorker: () => new Worker('process.exit(3)', { eval: true }),
    });
    try {
      expect(await service.hash({ sourcePath: join(root, 'a.jpg') })).toBe('lost');
    } finally {
      await service.close();
      await rm(root, { recursive: true, force: true });
    }
    expect(await service.hash({ sourcePath: join(root, 'a.jpg') })).toBeNull();
  });

  it('answers worker-died when the worker exits mid-job, and starts a new one next time', async () => {
    let spawned = 0;
    const service = createThumbnailService({
      cacheDir: join(root, 'cache-dies'),
      createWorker: () => {
        spawned++;
        return spawned === 1 ? new Worker('process.exit(3)', { eval: true }) : new Worker(workerUrl, { execArgv });
      },
    });
    try {
      const died = await service.get(request(200, paths.jpeg));
      expect(codeOf(died)).toBe('worker-died');
      expect(codeOf(await service.get(request(200, paths.jpeg)))).toBe('ok');
      expect(spawned).toBe(2);
    } finally {
      await service.close();
    }
  });

  it('runs the bundled CommonJS worker from workerDir, as the packaged app does', async () => {
    // Inside the repo so the bundle's require('sharp') resolves from node_modules, as in dist/workers.
    const workerDir = await mkdtemp(join(fileURLToPath(new URL('.', import.meta.url)), '.bundle-test-'));
    try {
      await build({
        entryPoints: [fileURLToPath(workerUrl)],
        outfile: join(workerDir, 'thumbnail-worker.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        external: ['sharp', 'exifr'],
        logLevel: 'silent',
      });
      const service = createThumbnailService({ cacheDir: join(root, 'cache-bundled'), workerDir });
      try {
        const result = await service.get(request(400, paths.png));
        if (!result.ok) throw new Error(JSON.stringify(result));
        expect(await maxEdge(result.value.path)).toBe(256);
        expect(codeOf(await service.get(request(401, paths.corrupt)))).toBe('corrupt');
      } finally {
        await service.close();
      }
    } finally {
      await rm(workerDir, { recursive: true, force: true });
    }
  });

  it('refuses requests after close', async () => {
    const service = createThumbnailService({ cacheDir: join(root, 'cache-closed') });
    await service.close();
    expect(codeOf(await service.get(request(300, paths.jpeg)))).toBe('internal');
  });
});
