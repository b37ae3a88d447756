/**
 * sha256 of whole-file buffers off the export worker's thread.
 *
 * The export worker's own thread does the synchronous file I/O; hashing the same bytes there
 * serialises the two and leaves the second core idle. WebCrypto's digest does run on the thread
 * pool, but it first copies its input on the calling thread (a fresh allocation per file, ~0.3 s
 * of page faults and copying for 455 MB). Here the bytes live in SharedArrayBuffer-backed buffers
 * that a small dedicated thread hashes in place: nothing is copied, only `{ id, offset, length }`
 * crosses threads.
 *
 * Pure node:* code (no database).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface BufferHasher {
  /** sha256 (hex) of `buf[0, length)`; `buf` must not change until the promise settles. */
  digest(buf: Buffer, length: number): Promise<string>;
  /** A buffer this hasher can hash without copying (shared memory for the thread hasher). */
  alloc(size: number): Buffer;
  /** True when `alloc` hands out SharedArrayBuffer-backed buffers. */
  readonly sharedBuffers: boolean;
  close(): Promise<void>;
}

/** Hashes on the calling thread; for tests and as the fallback when no thread can be started. */
export const inlineHasher: BufferHasher = {
  digest: async (buf, length) => createHash('sha256').update(buf.subarray(0, length)).digest('hex'),
  alloc: (size) => Buffer.allocUnsafeSlow(size),
  sharedBuffers: false,
  close: async () => {},
};

/** Nice value of the copying and hashing threads (os PRIORITY_BELOW_NORMAL; the app's main thread stays at 0). */
export const COPY_THREAD_NICE = 10;

// Plain JS evaluated in the thread: works the same from the TypeScript sources and from a bundle.
const HASH_THREAD = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
// Below the app's main thread, like the copying thread (see lowerThreadPriority); per thread on Linux.
try { require('node:os').setPriority(${COPY_THREAD_NICE}); } catch {}
parentPort.on('message', (m) => {
  try {
    const hex = createHash('sha256').update(new Uint8Array(m.sab, m.offset, m.length)).digest('hex');
    parentPort.postMessage({ id: m.id, hex });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e) });
  }
});
`;

interface Pending {
  buf: Buffer;
  length: number;
  resolve: (hex: string) => void;
}

/**
 * One hashing thread fed with shared buffers. If the thread cannot start or dies, every pending
 * and later digest is computed inline instead (slower, still correct).
 */
export class ThreadHasher implements BufferHasher {
  private worker: Worker | null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Until the thread runs (tens of ms, more on a busy machine) the first files hash inline. */
  private online = false;
  readonly sharedBuffers = true;

  constructor() {
    try {
      // No inherited loader flags (e.g. tsx under the CLI): the thread needs only node built-ins,
      // and loading a loader there would delay the first hash by ~100 ms.
      this.worker = new Worker(HASH_THREAD, { eval: true, execArgv: [] });
    } catch {
      this.worker = null;
      return;
    }
    this.worker.once('online', () => {
      this.online = true;
    });
    this.worker.on('message', (m: { id: number; hex?: string; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m.hex ?? inlineDigest(p.buf, p.length));
    });
    const broken = (): void => {
      this.worker = null;
      for (const p of this.pending.values()) p.resolve(inlineDigest(p.buf, p.length));
      this.pending.clear();
    };
    this.worker.on('error', broken);
    this.worker.on('exit', broken);
    // Only pending digests may keep the export worker's event loop alive.
    this.worker.unref();
  }

  alloc(size: number): Buffer {
    return Buffer.from(new SharedArrayBuffer(size));
  }

  digest(buf: Buffer, length: number): Promise<string> {
    const worker = this.worker;
    if (!worker || !this.online || !(buf.buffer instanceof SharedArrayBuffer)) return Promise.resolve(inlineDigest(buf, length));
    const id = this.nextId++;
    return new Promise<string>((resolve) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, {
        buf,
        length,
        resolve: (hex) => {
          if (this.pending.size === 0) this.worker?.unref();
          resolve(hex);
        },
      });
      worker.postMessage({ id, sab: buf.buffer, offset: buf.byteOffset, length });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

function inlineDigest(buf: Buffer, length: number): string {
  return createHash('sha256').update(buf.subarray(0, length)).digest('hex');
}
