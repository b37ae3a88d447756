import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineHasher, ThreadHasher } from './hasher.js';
import { spawnHashThread } from '../../workers/export-worker.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('ThreadHasher', () => {
  let hasher: ThreadHasher | null = null;
  afterEach(async () => {
    await hasher?.close();
    hasher = null;
  });

  it('hashes shared buffers on its thread, only the given length, several at once', async () => {
    hasher = new ThreadHasher(spawnHashThread);
    // Wait until the thread runs so the digests below really go through it.
    await once((hasher as unknown as { worker: NodeJS.EventEmitter }).worker, 'online');
    const bufs = [1, 1000, 300_000].map((n) => {
      const b = hasher!.alloc(400_000);
      randomBytes(n).copy(b);
      return { b, n };
    });
    expect(bufs.every(({ b }) => b.buffer instanceof SharedArrayBuffer)).toBe(true);
    const hexes = await Promise.all(bufs.map(({ b, n }) => hasher!.digest(b, n)));
    expect(hexes).toEqual(bufs.map(({ b, n }) => sha(b.subarray(0, n))));
    // Still up: the digests came from the thread, not from the inline fallback of a broken one.
    expect((hasher as unknown as { worker: unknown }).worker).not.toBeNull();
  });

  it('hashes inline when its thread cannot start', async () => {
    hasher = new ThreadHasher(() => {
      throw new Error('no threads here');
    });
    const shared = hasher.alloc(8);
    shared.write('inline');
    expect(await hasher.digest(shared, 6)).toBe(sha(Buffer.from('inline')));
  });

  it('hashes ordinary buffers inline and keeps working after close', async () => {
    hasher = new ThreadHasher(spawnHashThread);
    const plain = Buffer.from('not shared');
    expect(await hasher.digest(plain, plain.length)).toBe(sha(plain));
    const shared = hasher.alloc(16);
    shared.write('after close');
    await hasher.close();
    expect(await hasher.digest(shared, 11)).toBe(sha(Buffer.from('after close')));
  });
});

describe('inlineHasher', () => {
  it('hashes the prefix of a plain buffer', async () => {
    const b = Buffer.from('abcdef');
    expect(await inlineHasher.digest(b, 3)).toBe(sha(Buffer.from('abc')));
    expect(inlineHasher.alloc(8).buffer instanceof SharedArrayBuffer).toBe(false);
  });
});
