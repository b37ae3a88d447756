/**
 * The background hashing of near-duplicates on a real migrated library: what it picks, what it
 * records, and that a pause (a job starting) stops it between pictures. The hash itself is the
 * thumbnail workers' (near-duplicates.test.ts runs that path end to end); here it is a function
 * the test answers by hand, so each step can be held where the test wants it.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilesRepo } from '../db/files-repo.js';
import { openDatabase, type OpenDb } from '../db/open-db.js';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { importedFile } from '../../../test-support/imported-file.js';
import type { ImportedFile } from '../../protocol/workers.js';
import type { HashJob } from '../../protocol/thumbnail.js';
import { PENDING_WHERE, SimilarIndexer } from './similar-indexer.js';

function imported(name: string, mime: string, sha256: string): ImportedFile {
  return importedFile({ name, sha256, size: 10, mediaType: mime.startsWith('video/') ? 'video' : 'image', mime });
}

/** A hash function the test answers: each call waits until `answer` is called for its path. */
function manualHasher() {
  const waiting = new Map<string, (r: { hash: string | null } | 'lost' | null) => void>();
  const asked: string[] = [];
  let onAsk: (() => void) | null = null;
  return {
    asked,
    hash(job: HashJob): Promise<{ hash: string | null } | 'lost' | null> {
      asked.push(job.sourcePath);
      onAsk?.();
      return new Promise((resolve) => waiting.set(job.sourcePath, resolve));
    },
    /** Resolves once the indexer has asked for `n` pictures in all. */
    async asks(n: number): Promise<void> {
      while (asked.length < n) await new Promise<void>((resolve) => (onAsk = resolve));
    },
    answer(path: string, result: { hash: string | null } | 'lost' | null): void {
      const resolve = waiting.get(path);
      if (!resolve) throw new Error(`${path} was not asked for`);
      waiting.delete(path);
      resolve(result);
    },
  };
}

describe('SimilarIndexer', () => {
  let tmp: string;
  let db: OpenDb;
  let files: FilesRepo;
  /** An indexer over the library whose hash function the test answers by hand. */
  const startIndexer = () => {
    const h = manualHasher();
    return { h, indexer: new SimilarIndexer({ sqlite: db.sqlite, hash: (j) => h.hash(j) }) };
  };
  const hashOf = (name: string): unknown => db.sqlite.prepare('SELECT perceptual_hash AS h FROM files WHERE original_name = ?').pluck().get(name);

  beforeEach(async () => {
    tmp = await makeTempDir('similar-indexer');
    db = openDatabase(join(tmp, 'mediaparser.db'));
    files = new FilesRepo(db.sqlite);
    const job = db.sqlite.prepare("INSERT INTO jobs (type, status, options) VALUES ('import', 'completed', '{}')").run().lastInsertRowid as number;
    files.recordImported(job, [
      { kind: 'ok', file: imported('a.jpg', 'image/jpeg', 'a'.repeat(64)) },
      { kind: 'ok', file: imported('b.png', 'image/png', 'b'.repeat(64)) },
      { kind: 'ok', file: imported('c.heic', 'image/heic', 'c'.repeat(64)) },
      { kind: 'ok', file: imported('d.mp4', 'video/mp4', 'd'.repeat(64)) },
      { kind: 'ok', file: imported('e.jpg', 'image/jpeg', 'e'.repeat(64)) },
    ]);
  });

  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  it('hashes only the pictures it can decode, records "no hash" as such, and leaves an unfinished one for later', async () => {
    const { h, indexer } = startIndexer();
    expect(indexer.pending()).toBe(3);
    indexer.resume();
    await h.asks(1);
    h.answer('/photos/a.jpg', { hash: '0123456789abcdef' });
    await h.asks(2);
    h.answer('/photos/b.png', { hash: null });
    await h.asks(3);
    // The workers stopped before answering: nothing recorded, still pending.
    h.answer('/photos/e.jpg', null);
    await indexer.settled();
    expect(h.asked).toEqual(['/photos/a.jpg', '/photos/b.png', '/photos/e.jpg']);
    expect(hashOf('a.jpg')).toBe('0123456789abcdef');
    expect(hashOf('b.png')).toBe('');
    expect(hashOf('e.jpg')).toBeNull();
    expect(hashOf('c.heic')).toBeNull();
    expect(indexer.pending()).toBe(1);
  });

  it('a pause stops it after the picture in hand, and resume goes on from there', async () => {
    const { h, indexer } = startIndexer();
    indexer.resume();
    await h.asks(1);
    indexer.pause();
    h.answer('/photos/a.jpg', { hash: '0000000000000001' });
    await indexer.settled();
    expect(h.asked).toHaveLength(1);
    expect(indexer.pending()).toBe(2);
    indexer.resume();
    await h.asks(2);
    h.answer('/photos/b.png', { hash: '0000000000000002' });
    await h.asks(3);
    h.answer('/photos/e.jpg', { hash: '0000000000000003' });
    await indexer.settled();
    expect(indexer.pending()).toBe(0);
  });

  describe('on fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('stands aside while someone uses the library, and goes on once they have been quiet', async () => {
      const { h, indexer } = startIndexer();
      indexer.holdFor(3000);
      indexer.resume();
      await vi.advanceTimersByTimeAsync(2000);
      expect(h.asked).toEqual([]);
      // Asked again meanwhile: the quiet time starts over.
      indexer.holdFor(3000);
      await vi.advanceTimersByTimeAsync(2000);
      expect(h.asked).toEqual([]);
      await vi.advanceTimersByTimeAsync(1500);
      await h.asks(1);
      // A hold in the middle of a batch: the picture in hand is recorded, the next waits.
      indexer.holdFor(3000);
      h.answer('/photos/a.jpg', { hash: '0000000000000001' });
      await indexer.settled();
      expect(h.asked).toHaveLength(1);
      expect(hashOf('a.jpg')).toBe('0000000000000001');
      await vi.advanceTimersByTimeAsync(3500);
      await h.asks(2);
      h.answer('/photos/b.png', { hash: null });
      await h.asks(3);
      h.answer('/photos/e.jpg', { hash: '0000000000000003' });
      await indexer.settled();
      expect(indexer.pending()).toBe(0);
    });

    it('a hashing thread lost with a picture: tried again a moment later on its own; a picture that keeps losing it has no hash', async () => {
      const { h, indexer } = startIndexer();
      indexer.resume();
      await h.asks(1);
      h.answer('/photos/a.jpg', 'lost');
      await indexer.settled();
      expect(hashOf('a.jpg')).toBeNull();
      // No job, no hold, nobody calls resume: the indexer goes on by itself.
      await vi.advanceTimersByTimeAsync(2500);
      await h.asks(2);
      expect(h.asked).toEqual(['/photos/a.jpg', '/photos/a.jpg']);
      h.answer('/photos/a.jpg', 'lost');
      await vi.advanceTimersByTimeAsync(2500);
      await h.asks(3);
      // The third time a.jpg is set aside; once b.png hashes, the hashing works, so a.jpg is the
      // one that takes it down: it counts as not decodable.
      h.answer('/photos/a.jpg', 'lost');
      await h.asks(4);
      h.answer('/photos/b.png', { hash: '0000000000000002' });
      await h.asks(5);
      h.answer('/photos/e.jpg', { hash: '0000000000000003' });
      await indexer.settled();
      expect(hashOf('a.jpg')).toBe('');
      expect(hashOf('b.png')).toBe('0000000000000002');
      expect(indexer.pending()).toBe(0);
    });

    it('when every picture loses its hashing thread, the hashing is broken: nothing is recorded as "no hash", and it stops', async () => {
      const { h, indexer } = startIndexer();
      indexer.resume();
      const pictures = ['/photos/a.jpg', '/photos/b.png', '/photos/e.jpg'];
      for (const [n, path] of pictures.entries()) {
        for (let time = 1; time <= 3; time++) {
          await h.asks(n * 3 + time);
          expect(h.asked.at(-1)).toBe(path);
          h.answer(path, 'lost');
          if (time < 3) await vi.advanceTimersByTimeAsync(2500);
        }
      }
      await indexer.settled();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(h.asked).toHaveLength(9);
      expect(indexer.pending()).toBe(3);
      expect([hashOf('a.jpg'), hashOf('b.png'), hashOf('e.jpg')]).toEqual([null, null, null]);
    });

    it('a hold whose timer fires a little early (the event loop clock lags Date.now) still ends', async () => {
      const { h, indexer } = startIndexer();
      indexer.holdFor(3000);
      indexer.resume();
      // The wall clock is 5 ms behind the timers when the hold's timer fires.
      vi.setSystemTime(Date.now() - 5);
      await vi.advanceTimersByTimeAsync(3000);
      expect(h.asked).toEqual([]);
      await vi.advanceTimersByTimeAsync(10);
      await h.asks(1);
      h.answer('/photos/a.jpg', { hash: '0000000000000001' });
      await h.asks(2);
      h.answer('/photos/b.png', { hash: null });
      await h.asks(3);
      h.answer('/photos/e.jpg', { hash: null });
      await indexer.settled();
      expect(indexer.pending()).toBe(0);
    });
  });

  it('finds its next pictures and its count through the partial index, not by scanning the library', () => {
    for (const query of [`SELECT id FROM files WHERE ${PENDING_WHERE} ORDER BY id LIMIT 32`, `SELECT COUNT(*) FROM files WHERE ${PENDING_WHERE}`]) {
      const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
      expect(plan, query).toContain('files_unhashed_idx');
    }
  });

  it('a picture re-imported with other bytes is hashed again; the same bytes keep their hash', async () => {
    db.sqlite.prepare("UPDATE files SET perceptual_hash = '00000000000000aa' WHERE original_name IN ('a.jpg', 'e.jpg')").run();
    const job = db.sqlite.prepare("INSERT INTO jobs (type, status, options) VALUES ('import', 'completed', '{}')").run().lastInsertRowid as number;
    files.recordImported(job, [
      { kind: 'ok', file: imported('a.jpg', 'image/jpeg', 'a'.repeat(64)) },
      { kind: 'ok', file: imported('e.jpg', 'image/jpeg', 'f'.repeat(64)) },
    ]);
    expect(hashOf('a.jpg')).toBe('00000000000000aa');
    expect(hashOf('e.jpg')).toBeNull();
  });
});
