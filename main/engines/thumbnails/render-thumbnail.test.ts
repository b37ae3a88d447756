import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endRawPreviews } from './raw-preview.js';
import { orientationOps, renderThumbnail } from './render-thumbnail.js';
import { CORPUS_MEDIA, SAMPLES, copySample, tempDir, truncatedCopy, withEmbeddedPreview } from '../../../test-support/thumbnails.js';

let root: string;
let originals: string;
let cache: string;

beforeAll(async () => {
  root = await tempDir('render-thumb');
  originals = join(root, 'originals');
  cache = join(root, 'cache');
  await mkdir(originals);
});

afterAll(async () => {
  await endRawPreviews();
  await rm(root, { recursive: true, force: true });
});

async function dimensions(path: string): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(path).metadata();
  return { width: meta.width, height: meta.height, format: meta.format };
}

describe('orientationOps', () => {
  it('matches sharp’s own EXIF auto-orientation for all eight orientations', async () => {
    // 3x2 pixels, each a different grey, so any wrong flip or turn changes the bytes.
    const pixels = Buffer.from([10, 20, 30, 40, 50, 60]);
    const raw = { raw: { width: 3, height: 2, channels: 1 as const } };
    const bytes = async (image: Sharp) => {
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      return `${info.width}x${info.height}:${[...data].join(',')}`;
    };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tagged = await sharp(pixels, raw).withMetadata({ orientation }).png().toBuffer();
      const expected = await bytes(sharp(tagged).rotate());
      const ops = orientationOps(orientation);
      let ours = sharp(pixels, raw);
      if (ops.flop) ours = ours.flop();
      if (ops.rotate !== 0) ours = ours.rotate(ops.rotate);
      expect(await bytes(ours), `orientation ${orientation}`).toBe(expected);
    }
  });
});

describe('renderThumbnail', () => {
  it('fits a large JPEG into 256 px and into 1600 px', async () => {
    const source = await copySample(SAMPLES.jpeg, originals);
    const small = await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'small', 'a.webp'), maxEdge: 256 });
    const large = await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'large', 'a.webp'), maxEdge: 1600 });

    expect(small).toEqual({ ok: true, value: { width: 256, height: 192, mime: 'image/webp', from: 'image' } });
    expect(await dimensions(join(cache, 'small', 'a.webp'))).toEqual({ width: 256, height: 192, format: 'webp' });
    expect(large.ok).toBe(true);
    expect(await dimensions(join(cache, 'large', 'a.webp'))).toEqual({ width: 1600, height: 1200, format: 'webp' });
  });

  it('applies the EXIF orientation', async () => {
    const source = await copySample(SAMPLES.rotatedJpeg, originals);
    const target = join(cache, 'small', 'rotated.webp');
    const result = await renderThumbnail({ sourcePath: source, targetPath: target, maxEdge: 256 });
    expect(result.ok).toBe(true);
    expect(await dimensions(target)).toEqual({ width: 192, height: 256, format: 'webp' });
  });

  it('fits a tall PNG by its height and never enlarges a small image', async () => {
    const png = await copySample(SAMPLES.png, originals);
    const target = join(cache, 'small', 'png.webp');
    expect((await renderThumbnail({ sourcePath: png, targetPath: target, maxEdge: 256 })).ok).toBe(true);
    expect(await dimensions(target)).toEqual({ width: 110, height: 256, format: 'webp' });

    const bigTarget = join(cache, 'large', 'png.webp');
    expect((await renderThumbnail({ sourcePath: png, targetPath: bigTarget, maxEdge: 1600 })).ok).toBe(true);
    expect(await dimensions(bigTarget)).toEqual({ width: 600, height: 1399, format: 'webp' });
  });

  it('shows a HEVC HEIC from its own thumbnail item when that is big enough, else from its tiled image, upright', async () => {
    const source = await copySample(SAMPLES.heic, originals);
    const small = join(cache, 'small', 'heic.webp');
    expect(await renderThumbnail({ sourcePath: source, targetPath: small, maxEdge: 256 })).toEqual({
      ok: true,
      value: { width: 256, height: 192, mime: 'image/webp', from: 'embedded' },
    });
    expect(await dimensions(small)).toEqual({ width: 256, height: 192, format: 'webp' });
    // No 1600 px thumbnail inside: the 4032x3024 grid of tiles is decoded and joined.
    const large = join(cache, 'large', 'heic.webp');
    expect(await renderThumbnail({ sourcePath: source, targetPath: large, maxEdge: 1600 })).toMatchObject({ ok: true, value: { width: 1600, height: 1200 } });
    // The tiles are joined in place: the picture's left and right halves are not the same.
    const { data } = await sharp(large).resize(2, 1, { fit: 'fill' }).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[0]! - data[1]!)).toBeGreaterThan(2);

    // An iPhone portrait: stored landscape with an irot turn.
    const portrait = await copySample(SAMPLES.portraitHeic, originals);
    const turned = join(cache, 'small', 'heic-portrait.webp');
    expect(await renderThumbnail({ sourcePath: portrait, targetPath: turned, maxEdge: 256 })).toMatchObject({ ok: true, value: { width: 192, height: 256 } });
  }, 60_000);

  it('shows a video by a poster frame (MP4 and MOV)', async () => {
    for (const sample of [SAMPLES.mp4, SAMPLES.mov]) {
      const source = await copySample(sample, originals);
      const target = join(cache, 'small', `${sample.replace(/\W/g, '_')}.webp`);
      const result = await renderThumbnail({ sourcePath: source, targetPath: target, maxEdge: 256 });
      expect(result.ok ? result.value.from : result.error, sample).toBe('video');
      const meta = await dimensions(target);
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height), sample).toBe(256);
    }
  }, 60_000);

  it('reports a video without a single frame as unsupported, writing nothing', async () => {
    const source = join(originals, 'empty.mp4');
    await writeFile(source, (await readFile(join(CORPUS_MEDIA, SAMPLES.mp4))).subarray(0, 64));
    const target = join(cache, 'small', 'never.webp');
    const result = await renderThumbnail({ sourcePath: source, targetPath: target, maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('unsupported');
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('shows a RAW file by its largest JPEG preview, found by ExifTool, upright', async () => {
    // The NEF's IFD1 thumbnail (what exifr finds) is 160 px; its preview IFD holds a 640 px JPEG.
    const source = await copySample(SAMPLES.nefWithPreview, originals);
    const target = join(cache, 'large', 'nef.webp');
    expect(await renderThumbnail({ sourcePath: source, targetPath: target, maxEdge: 1600 })).toEqual({
      ok: true,
      value: { width: 425, height: 640, mime: 'image/webp', from: 'embedded' },
    });
  }, 60_000);

  it('falls back to the embedded preview of a RAW file sharp cannot decode, upright', async () => {
    // The preview is 320x240 landscape; IFD0 orientation 6 says the photo is portrait.
    const preview = await sharp(join(CORPUS_MEDIA, SAMPLES.jpeg)).resize(320, 240).jpeg().toBuffer();
    const rawPath = join(originals, 'patched.cr2');
    await writeFile(rawPath, withEmbeddedPreview(await readFile(join(CORPUS_MEDIA, SAMPLES.cr2)), preview, 6));

    const target = join(cache, 'small', 'raw.webp');
    const result = await renderThumbnail({ sourcePath: rawPath, targetPath: target, maxEdge: 256 });
    expect(result).toEqual({ ok: true, value: { width: 192, height: 256, mime: 'image/webp', from: 'embedded' } });
    expect(await dimensions(target)).toEqual({ width: 192, height: 256, format: 'webp' });
  });

  it('reports the stripped-preview corpus CR2 as unsupported', async () => {
    const source = await copySample(SAMPLES.cr2, originals);
    const result = await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'small', 'cr2.webp'), maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('unsupported');
  });

  it('reports a truncated JPEG as corrupt and leaves no partial file', async () => {
    const source = await truncatedCopy(SAMPLES.jpeg, originals, 'cut.jpg');
    const dir = join(cache, 'corrupt');
    const result = await renderThumbnail({ sourcePath: source, targetPath: join(dir, 'cut.webp'), maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('corrupt');
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('reports a valid JPEG that libjpeg-turbo cannot decode (DNL marker) as unsupported, not corrupt', async () => {
    const source = await copySample('metadata-extractor/beach.jpg', originals);
    const result = await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'small', 'dnl.webp'), maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('unsupported');
  });

  it('reports a file of garbage with a .jpg name as corrupt', async () => {
    const source = join(originals, 'garbage.jpg');
    await writeFile(source, Buffer.from('this is not a picture at all'));
    const result = await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'small', 'garbage.webp'), maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('corrupt');
  });

  it('reports a missing original as not-found', async () => {
    const result = await renderThumbnail({ sourcePath: join(originals, 'gone.jpg'), targetPath: join(cache, 'x.webp'), maxEdge: 256 });
    expect(result.ok ? 'ok' : result.error.code).toBe('not-found');
  });

  it('never writes into the originals folder', async () => {
    const before = (await readdir(originals)).sort();
    const source = await copySample(SAMPLES.jpeg, originals, 'again.jpg');
    await renderThumbnail({ sourcePath: source, targetPath: join(cache, 'small', 'again.webp'), maxEdge: 256 });
    expect((await readdir(originals)).sort()).toEqual([...before, 'again.jpg'].sort());
  });
});
