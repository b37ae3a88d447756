import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExifTool } from 'exiftool-vendored';
import { CORPUS_MEDIA, corpusAvailable } from '../../../test-support/corpus.js';
import { EXIFTOOL_NICE, startExiftool } from './exiftool-process.js';

describe.skipIf(!corpusAvailable())('startExiftool', () => {
  let et: ExifTool | null = null;
  afterEach(async () => {
    await et?.end();
    et = null;
  });

  it('runs its perl processes below the main thread, and they read as usual', async () => {
    et = startExiftool({ maxProcs: 1 });
    const tags = await et.read(join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg'));
    expect(tags.Make).toBe('Canon');
    const pids = et.pids;
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(os.getPriority(pid)).toBe(EXIFTOOL_NICE);
    // This process (the main thread's) keeps its own priority.
    expect(os.getPriority()).toBeLessThan(EXIFTOOL_NICE);
  });
});
