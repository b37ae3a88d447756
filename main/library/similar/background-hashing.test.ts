/**
 * Background hashing in the app core: pictures are hashed after an import, never while a job
 * runs, and a library reopened with pictures left picks them up. Real corpus JPEGs, the real
 * thumbnail workers, a real migrated database.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../app-core.js';
import { importAndWait, unwrap } from '../../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir } from '../../../test-support/corpus.js';

const SOURCES = ['Apple.jpg', 'Canon.jpg', 'Casio.jpg', 'FujiFilm.jpg', 'GoPro.jpg', 'Google.jpg', 'Kodak.jpg', 'Minolta.jpg'];
/** Enough pictures that the second import is still running when the test pauses it. */
const COPIES = 40;
const PICTURES = SOURCES.length * COPIES;

describe.skipIf(!corpusAvailable())('background hashing of near-duplicates', () => {
  let tmp: string;
  const dbPath = (): string => join(tmp, 'db', 'mediaparser.db');
  const hashed = (core: AppCore, folder: string): number =>
    core.db.sqlite.prepare("SELECT COUNT(*) FROM files WHERE original_path LIKE ? AND perceptual_hash IS NOT NULL").pluck().get(`%/${folder}/%`) as number;

  beforeAll(async () => {
    tmp = await makeTempDir('background-hashing');
    for (const folder of ['first', 'second']) {
      await mkdir(join(tmp, folder));
      for (let i = 0; i < COPIES; i++) {
        for (const name of SOURCES) await copyFile(join(CORPUS_MEDIA, 'exiftool', name), join(tmp, folder, `${i}-${name}`));
      }
    }
  });
  afterAll(async () => {
    await removeDir(tmp);
  });

  it('hashes after an import, stops while the next one runs or waits paused, goes on after', async () => {
    const core = createAppCore({ dbPath: dbPath(), thumbnailCacheDir: join(tmp, 'thumbs') });
    try {
      await importAndWait(core, join(tmp, 'first'));
      // Hashing the first import's pictures has just begun when the second import starts; that
      // import is paused once some of its files are recorded.
      let fire: () => void = () => undefined;
      const someRecorded = new Promise<void>((resolve) => (fire = resolve));
      let secondId = -1;
      const stop = core.subscribe((e) => {
        if (e.channel === 'job:progress' && e.payload.jobId === secondId && e.payload.filesDone > 0) fire();
      });
      const second = unwrap(await core.handlers['import:start']({ folders: [join(tmp, 'second')] }));
      secondId = second.jobId;
      await someRecorded;
      stop();
      const paused = unwrap(await core.handlers['jobs:pause']({ id: second.jobId }));
      expect(paused.status).toBe('paused');
      // At most the picture in hand when the job started was finished.
      await core.similar.settled();
      const recorded = core.db.sqlite.prepare("SELECT COUNT(*) FROM files WHERE original_path LIKE '%/second/%'").pluck().get() as number;
      expect(recorded).toBeGreaterThan(0);
      expect(hashed(core, 'first')).toBeLessThanOrEqual(1);
      expect(hashed(core, 'second')).toBe(0);
      unwrap(await core.handlers['jobs:resume']({ id: second.jobId }));
      expect((await core.waitForJob(second.jobId)).status).toBe('completed');
      await core.similar.settled();
      expect(hashed(core, 'first')).toBe(PICTURES);
      expect(hashed(core, 'second')).toBe(PICTURES);
    } finally {
      await core.close();
    }
  });

  it('a library reopened with pictures left hashes them; a CLI-style core leaves them', async () => {
    const cli = createAppCore({ dbPath: dbPath(), thumbnailCacheDir: join(tmp, 'thumbs'), backgroundHashing: false });
    try {
      cli.db.sqlite.prepare('UPDATE files SET perceptual_hash = NULL').run();
      await cli.similar.settled();
      expect(cli.similar.pending()).toBe(2 * PICTURES);
    } finally {
      await cli.close();
    }
    const app = createAppCore({ dbPath: dbPath(), thumbnailCacheDir: join(tmp, 'thumbs') });
    try {
      await app.similar.settled();
      expect(app.similar.pending()).toBe(0);
      expect(unwrap(await app.handlers['similar:list']({})).pending).toBe(0);
    } finally {
      await app.close();
    }
  });
});
