/**
 * A full output drive, end to end through the app core, its real export worker and copy threads:
 * the job pauses with 'disk-full', nothing partial is left, and once space is freed the resumed
 * job completes with one verified copy of every file. The drive is a real tmpfs of a few MB
 * (needs root: skips elsewhere, saying why, and fails under CI).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from './app-core.js';
import { allFiles, byteCopiesOnly, importAndWait, unwrap } from '../../test-support/app-core.js';
import { copyCorpus, corpusAvailable, listTree, loadOracle, makeTempDir, removeDir, sha256File } from '../../test-support/corpus.js';
import { mountOrSkip, mountTmpfs } from '../../test-support/mounts.js';

describe.skipIf(!corpusAvailable())('a full output drive', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await makeTempDir('disk-full');
  });
  afterAll(async () => {
    await removeDir(tmp);
  });

  it('pauses the export with disk-full, leaves nothing partial, and completes on resume once space is freed', async ({ skip }) => {
    const mounted = mountOrSkip(await mountTmpfs(join(tmp, 'drive'), '8m'));
    if (typeof mounted === 'string') return skip(mounted);
    try {
      const src = join(tmp, 'media');
      await copyCorpus(src, Object.keys(loadOracle()).filter((r) => r.startsWith('exiftool/')));
      // A few clips of 1 MB: together more than the drive has free.
      const header = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
      for (let i = 0; i < 4; i++) {
        const fh = await open(join(src, `clip-${i}.mp4`), 'w');
        await fh.write(Buffer.concat([header, randomBytes(1024 * 1024)]), 0, header.length + 1024 * 1024, 0);
        await fh.close();
      }
      const archive = join(mounted.dir, 'archive');
      await mkdir(archive);
      const filler = join(mounted.dir, 'other-stuff.bin');
      await writeFile(filler, randomBytes(5 * 1024 * 1024));

      const core = createAppCore({ dbPath: join(tmp, 'mediaparser.db'), thumbnailCacheDir: join(tmp, 'thumbs') });
      try {
        // Byte copies: the checks below compare each copy with its original.
        await byteCopiesOnly(core);
        const importJobId = await importAndWait(core, src);
        const exportJobId = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir: archive })).jobId;
        const stopped = await core.waitForJob(exportJobId);
        expect(stopped.status).toBe('paused');
        expect(stopped.error?.code).toBe('disk-full');
        const files = (await allFiles(core)).filter((f) => f.sha256);
        const rel = (p: string): string => relative(archive, p).split(sep).join('/');
        const recorded = files.filter((f) => f.outputPath);
        expect(recorded.length).toBeLessThan(files.length);
        // Only recorded, verified copies on the drive: no temp, no partial file under a final name.
        expect(await listTree(archive)).toEqual([...new Set(recorded.map((f) => rel(f.outputPath!)))].sort());
        for (const f of recorded) expect(await sha256File(f.outputPath!)).toBe(f.sha256);

        await rm(filler);
        unwrap(await core.handlers['jobs:resume']({ id: exportJobId }));
        expect((await core.waitForJob(exportJobId)).status).toBe('completed');
        const after = (await allFiles(core)).filter((f) => f.sha256);
        for (const f of after) {
          expect(f.outputPath, f.originalPath).not.toBeNull();
          expect(await sha256File(f.outputPath!)).toBe(f.sha256);
        }
        expect(await listTree(archive)).toEqual([...new Set(after.map((f) => rel(f.outputPath!)))].sort());
      } finally {
        await core.close();
      }
    } finally {
      await mounted.unmount();
    }
  }, 120_000);
});
