/**
 * The export worker's hashing thread (ThreadHasher in main/engines/export/hasher.ts): sha256 of a
 * range of a SharedArrayBuffer, in place. Started from the export worker's own entry with
 * `kind: 'export-hash'`, so the packaged app needs no file of its own for it.
 *
 * node:* only.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { COPY_THREAD_NICE, type HashReply, type HashRequest } from '../engines/export/hasher.js';

export interface HashThreadPort {
  post(m: HashReply): void;
  onMessage(handler: (m: HashRequest) => void): void;
}

export function serveHashes(port: HashThreadPort): void {
  // Below the app's main thread, like the copying threads (per thread on Linux).
  try {
    os.setPriority(COPY_THREAD_NICE);
  } catch {
    // Not permitted or not supported: run at normal priority.
  }
  port.onMessage((m) => {
    try {
      port.post({ id: m.id, hex: createHash('sha256').update(new Uint8Array(m.sab, m.offset, m.length)).digest('hex') });
    } catch (e) {
      port.post({ id: m.id, error: String(e) });
    }
  });
}
