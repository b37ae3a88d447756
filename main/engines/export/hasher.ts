/**
 * sha256 of whole-file buffers off the export worker's thread.
 *
 * The export worker's own thread does the synchronous file I/O; hashing the same bytes there
 * serialises the two and leaves the second core idle. WebCrypto's digest does run on the thread
 * pool, but it first copies its input on the calling thread (a fresh allocation per file: page
 * faults and copying that cost more than the hash saves). Here the bytes live in SharedArrayBuffer-backed buffers
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

/** What ThreadHasher sends its thread (main/workers/hash-thread.ts), and what comes back. */
export interface HashRequest {
  id: number;
  sab: SharedArrayBuffer;
  offset: number;
  length: number;
}
export type HashReply = { id: number; hex: string } | { id: number; error: string };

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

  /** `spawn` starts the thread (main/workers/hash-thread.ts, through the export worker's entry). */
  constructor(spawn: () => Worker) {
    try {
      this.worker = spawn();
    } catch {
      this.worker = null;
      return;
    }
    this.worker.once('online', () => {
      this.online = true;
    });
    this.worker.on('message', (m: HashReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve('hex' in m ? m.hex : inlineDigest(p.buf, p.length));
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
      worker.postMessage({ id, sab: buf.buffer as SharedArrayBuffer, offset: buf.byteOffset, length } satisfies HashRequest);
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
