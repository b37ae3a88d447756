/**
 * The import's flow control and streamed walk (issue 11, 100k files): the worker stops starting
 * files while the runner has `maxUnread` results unread, goes on as they are taken, and a tree
 * larger than the walk's lookahead is still imported whole, each file once.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_MEDIA, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { runImport } from './import-worker.js';
import type { ImportWorkerMessage } from '../protocol/workers.js';
import { importWorkerData } from '../../test-support/import-data.js';

const JPEG = path.join(CORPUS_MEDIA, 'exiftool', 'Canon.jpg');
const FILES = 1500;

describe('import flow control', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await makeTempDir('import-flow');
    for (let i = 0; i < FILES; i++) {
      const dir = path.join(tmp, `d${i % 30}`);
      if (i < 30) await mkdir(dir);
      await copyFile(JPEG, path.join(dir, `IMG_${i}.jpg`));
    }
  }, 120_000);

  afterAll(async () => removeDir(tmp));

  it('waits while too many results are unread, then imports every file of a tree larger than the lookahead once', async () => {
    const received = new Int32Array(new SharedArrayBuffer(4));
    const data = importWorkerData([tmp], { received: received.buffer as SharedArrayBuffer });
    const results: string[] = [];
    let scanned = 0;
    let stalled!: () => void;
    const stall = new Promise<void>((resolve) => (stalled = resolve));
    let done = false;
    const maxUnread = 50;
    const run = runImport(
      data,
      (m: ImportWorkerMessage) => {
        if (m.type === 'scanned') scanned = m.total;
        if (m.type === 'file' || m.type === 'file-failed') {
          results.push(m.type === 'file' ? m.file.path : m.path);
          if (results.length === maxUnread) stalled();
        }
        if (m.type === 'done') done = true;
      },
      new Int32Array(data.control),
      { concurrency: 4, maxUnread },
    );
    // Nothing is taken yet: the worker must stop at maxUnread results (a few started ones may finish).
    await stall;
    const seenAtStall = results.length;
    // An observation window, not a wait for something to happen: nothing may happen in it.
    await new Promise((r) => setTimeout(r, 300));
    expect(results.length).toBeLessThanOrEqual(maxUnread + 4);
    expect(results.length - seenAtStall).toBeLessThanOrEqual(4);
    expect(done).toBe(false);
    // Now the runner keeps up: take everything as it arrives.
    const taker = setInterval(() => {
      Atomics.store(received, 0, results.length);
      Atomics.notify(received, 0);
    }, 5);
    await run;
    clearInterval(taker);
    expect(done).toBe(true);
    expect(scanned).toBe(FILES);
    expect(results).toHaveLength(FILES);
    expect(new Set(results).size).toBe(FILES);
  }, 300_000);
});
