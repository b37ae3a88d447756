import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { ExiftoolBatcher } from './exiftool-batch.js';
import { readWithExiftool } from './exiftool-dates.js';

const MEDIA = path.join(CORPUS_DIR, 'media');

describe('ExiftoolBatcher', () => {
  let dir: string;
  let exiftool: ExifTool;
  const files: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mp-batch-'));
    exiftool = new ExifTool({ maxProcs: 1 });
    for (const rel of ['exiftool/QuickTime.mov', 'metadata-extractor/with-gps.mov', 'exiftool/M2TS.mts', 'immich/denali.webp', 'exiftool/CanonRaw.cr3']) {
      const target = path.join(dir, rel.replace('/', '-').replace('QuickTime', 'vidéo 家族'));
      copyFileSync(path.join(MEDIA, rel), target);
      files.push(target);
    }
    const truncated = path.join(dir, 'truncated.mov');
    writeFileSync(truncated, readFileSync(path.join(MEDIA, 'exiftool/QuickTime.mov')).subarray(0, 300));
    files.push(truncated);
  });
  afterAll(async () => {
    await exiftool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every file of a batch the same result as reading it alone', async () => {
    // One command in flight: the first file goes alone, the rest queue up into one batch.
    const batcher = new ExiftoolBatcher(exiftool, 1, 16);
    const batched = await Promise.all(files.map((f) => batcher.read(f)));
    const single = [];
    for (const f of files) single.push(await readWithExiftool(exiftool, f));
    expect(batched).toEqual(single);
    expect(batched[0]!.dates.quickTimeCreateDate).toBe('2005:08:11 14:03:54');
    expect(batched[1]!.dates.quickTimeCreationDate).toBe('2019:07:24 11:25:40+03:00');
    expect(batched.at(-1)!.problem).toMatch(/truncated/i);
  });

  it('a vanished file in a batch fails alone, the others still succeed', async () => {
    const batcher = new ExiftoolBatcher(exiftool, 1, 16);
    const gone = path.join(dir, 'gone.mov');
    const results = await Promise.allSettled([files[0]!, gone, files[1]!, files[2]!].map((f) => batcher.read(f)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', expect.any(String), 'fulfilled', 'fulfilled']);
    const goneResult = results[1]!;
    // ExifTool reports a missing file as an error: either a rejection or a problem on the result.
    if (goneResult.status === 'fulfilled') expect(goneResult.value.problem).toBeTruthy();
    expect((results[3] as PromiseFulfilledResult<Awaited<ReturnType<ExiftoolBatcher['read']>>>).value.dates.dateTimeOriginal).toBe('2008:12:31 23:16:24+01:00');
  });
});
