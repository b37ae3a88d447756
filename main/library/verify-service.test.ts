/** The verify service with its real worker thread, on real copies in a temp folder. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyProblemCount, type VerifyFinishedEvent } from '../../shared/verify-report.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { copyCorpusArchive, flipByte, writeArchive } from '../../test-support/archive.js';
import { createAppCore } from './app-core.js';
import { createVerifyService, type VerifyEvent, type VerifyService } from './verify-service.js';

let dir: string;
let root: string;
let events: (VerifyEvent & { at: number })[];
let service: VerifyService;

function finishedEvent(verifyId: number): VerifyFinishedEvent | undefined {
  const e = events.find((x) => x.channel === 'verify:finished' && x.payload.verifyId === verifyId);
  return e?.channel === 'verify:finished' ? e.payload : undefined;
}

beforeEach(async () => {
  dir = await makeTempDir('verify-service');
  root = join(dir, 'archive');
  mkdirSync(root);
  events = [];
});
afterEach(async () => {
  await service?.close();
  await removeDir(dir);
});

function start(options: Partial<Parameters<typeof createVerifyService>[0]> = {}): VerifyService {
  service = createVerifyService({ emit: (e) => events.push({ ...e, at: Date.now() }), ...options });
  return service;
}

describe.skipIf(!corpusAvailable())('verify service (real worker thread)', () => {
  it('finds a flipped byte, a deleted copy and an extra file in an archive of real copies', async () => {
    const paths = copyCorpusArchive(root, CORPUS_MEDIA);
    start();
    const clean = await service.start(root);
    expect(clean.ok).toBe(true);
    if (!clean.ok) return;
    const first = await service.wait(clean.value.verifyId);
    expect(first.status).toBe('completed');
    expect(first.report).toMatchObject({ ok: paths.length, missing: [], changed: [], notInManifest: [] });
    expect(verifyProblemCount(first.report!)).toBe(0);

    flipByte(join(root, '2008', '20081011_120301.jpg'), 5000);
    rmSync(join(root, 'unknown', 'photo.png'));
    writeFileSync(join(root, '2019', 'IMG_9999.jpg'), 'someone put this here');
    const again = await service.start(root);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.verifyId).not.toBe(clean.value.verifyId);
    const done = await service.wait(again.value.verifyId);
    expect(done).toMatchObject({ status: 'completed', root, error: null });
    const report = done.report!;
    expect(report.ok).toBe(paths.length - 2);
    expect(report.changed).toEqual([expect.objectContaining({ path: '2008/20081011_120301.jpg', reason: 'content' })]);
    expect(report.missing).toEqual([expect.objectContaining({ path: 'unknown/photo.png' })]);
    expect(report.notInManifest).toEqual([{ path: '2019/IMG_9999.jpg', size: 21 }]);
    expect(verifyProblemCount(report)).toBe(3);
    // The event stream ends with the same finished event, after the run's progress.
    expect(finishedEvent(again.value.verifyId)).toEqual(done);
    const progress = events.filter((e) => e.channel === 'verify:progress' && e.payload.verifyId === again.value.verifyId);
    expect(progress.length).toBeGreaterThan(0);
    expect(events.indexOf(progress.at(-1)!)).toBeLessThan(events.findIndex((e) => e.channel === 'verify:finished' && e.payload.verifyId === again.value.verifyId));
  });
});

describe('verify service', () => {
  it('throttles progress to about ten events a second and reports bytes', async () => {
    writeArchive(root, { '2020/big.mov': Buffer.alloc(24 * 1024 * 1024, 7), '2020/small.jpg': 'x' });
    // The worker reports every chunk; the service alone keeps the events apart.
    start({ chunkSize: 4096, workerProgressIntervalMs: 0 });
    const started = await service.start(root);
    if (!started.ok) throw new Error(started.error.message);
    const done = await service.wait(started.value.verifyId);
    expect(done.report?.ok).toBe(2);
    const progress = events.filter((e) => e.channel === 'verify:progress');
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(95);
    const last = progress.at(-1)!;
    expect(last.channel === 'verify:progress' && last.payload.bytesTotal).toBe(24 * 1024 * 1024 + 1);
  });

  it('cancels a running verification', async () => {
    writeArchive(root, { '2020/big.mov': Buffer.alloc(8 * 1024 * 1024, 9) });
    start({ chunkSize: 4096 });
    const started = await service.start(root);
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.verifyId;
    // The worker sees the control word before its first chunk (verify.test.ts cancels inside a file).
    expect(service.cancel(id)).toEqual({ ok: true, value: { cancelled: true } });
    const done = await service.wait(id);
    expect(done).toMatchObject({ status: 'cancelled', report: null, error: null });
    expect(finishedEvent(id)).toEqual(done);
    expect(service.cancel(id)).toEqual({ ok: true, value: { cancelled: false } });
    expect(service.cancel(999).ok).toBe(false);
  });

  it('answers a folder without a manifest, a missing folder and a relative path at once, with no worker', async () => {
    let spawned = 0;
    start({
      createWorker: () => {
        spawned++;
        throw new Error('no worker expected');
      },
    });
    const none = await service.start(root);
    expect(none).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!none.ok && none.error.message).toMatch(/no MediaParser manifest/);
    expect(await service.start(join(dir, 'gone'))).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await service.start('relative/archive')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(spawned).toBe(0);
  });

  it('reports a worker that dies as a failed verification', async () => {
    writeArchive(root, { 'a.jpg': 'a' });
    start({ createWorker: () => new Worker('process.exit(3)', { eval: true }) });
    const started = await service.start(root);
    if (!started.ok) throw new Error(started.error.message);
    const done = await service.wait(started.value.verifyId);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'worker-died' } });
  });
});

describe('archive:verify through the app core', () => {
  it('answers with a verifyId and reports on the core event stream, with no job', async () => {
    writeArchive(root, { '2020/a.jpg': 'a', '2020/b.jpg': 'b' });
    flipByte(join(root, '2020', 'b.jpg'));
    const core = createAppCore({ dbPath: join(dir, 'library.db'), autoStart: false });
    try {
      const finished = new Promise<VerifyFinishedEvent>((resolve) => {
        core.subscribe((e) => {
          if (e.channel === 'verify:finished') resolve(e.payload);
        });
      });
      const started = await core.handlers['archive:verify']({ root });
      if (!started.ok) throw new Error(started.error.message);
      const done = await finished;
      expect(done).toMatchObject({ verifyId: started.value.verifyId, status: 'completed', root });
      expect(done.report?.changed.map((c) => c.path)).toEqual(['2020/b.jpg']);
      expect(await core.handlers['archive:verify-cancel']({ verifyId: started.value.verifyId })).toEqual({ ok: true, value: { cancelled: false } });
      expect((await core.handlers['archive:verify-cancel']({ verifyId: 99 })).ok).toBe(false);
      expect(await core.handlers['jobs:list']({ limit: 10 })).toEqual({ ok: true, value: [] });
    } finally {
      await core.close();
    }
  });
});
