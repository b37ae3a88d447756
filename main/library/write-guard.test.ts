/**
 * A core opened while another holds the library: reads work, every write and job start is
 * refused naming the holder, nothing is marked interrupted, and it takes over once the holder
 * has closed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type Handlers, type InvokeChannel } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';
import { createAppCore, type AppCore } from './app-core.js';
import { createJob } from './db/jobs-repo.js';
import { lockPaths } from './db/library-lock.js';
import { makeTempDir, removeDir } from '../../test-support/corpus.js';
import { channelWrites } from './write-guard.js';

/** One valid request per channel that writes (the guard answers before any handler runs). */
const WRITES: { [C in InvokeChannel]?: Parameters<Handlers[C]>[0] } = {
  'import:start': { folders: ['/'] },
  'files:set-date': { id: 1, timestamp: '2020-01-01T00:00:00' },
  'files:set-date-bulk': { ids: [1], timestamp: null, spacing: 'same' },
  'files:discard': { id: 1 },
  'files:restore': { id: 1 },
  'files:discard-bulk': { ids: [1] },
  'files:restore-bulk': { ids: [1] },
  'duplicates:resolve': { group: 1, keepId: 1 },
  'similar:resolve-all': { keep: [] },
  'jobs:export': { outputDir: '/tmp' },
  'jobs:pause': { id: 1 },
  'jobs:resume': { id: 1 },
  'jobs:cancel': { id: 1 },
  'settings:set': { timeZone: 'Europe/Paris' },
  'dialog:pick-folder': { purpose: 'output', multiple: false },
  'dates:shift-apply': { target: { kind: 'files', ids: [1] }, change: { kind: 'offset', offset: '+1h' } },
  'dates:shift-undo': { shiftId: 1 },
};

async function call<C extends InvokeChannel>(core: AppCore, channel: C, request: Parameters<Handlers[C]>[0]): Promise<Result<unknown>> {
  return (core.handlers[channel] as (r: typeof request) => Promise<Result<unknown>>)(request);
}

describe('a core without the writer lock', () => {
  let tmp: string;
  let dbPath: string;
  const opened: AppCore[] = [];
  const open = (options: Partial<Parameters<typeof createAppCore>[0]> = {}): AppCore => {
    const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs'), ...options });
    opened.push(core);
    return core;
  };

  beforeEach(async () => {
    tmp = await makeTempDir('write-guard');
    dbPath = join(tmp, 'mediaparser.db');
  });
  afterEach(async () => {
    for (const core of opened.splice(0)) await core.close();
    await removeDir(tmp);
  });

  it('reads, refuses every write naming the holder, leaves running jobs alone, and takes over after the holder closes', async () => {
    const holder = open({ writer: { kind: 'desktop', command: 'MediaParser desktop app' } });
    expect(holder.access).toEqual({ mode: 'writer', holder: null });
    const running = createJob(holder.db.db, 'import', { sourceFolders: ['/x'] }, 'running');

    const reader = open();
    expect(reader.access.mode).toBe('reader');
    expect(reader.access.holder).toMatchObject({ pid: process.pid, kind: 'desktop' });
    expect(reader.interruptedAtStart).toEqual([]);

    for (const [channel, request] of Object.entries(WRITES) as [InvokeChannel, never][]) {
      const result = await call(reader, channel, request);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'library-busy' } });
      if (!result.ok) expect(result.error.message).toContain(`MediaParser desktop app (process ${process.pid}`);
    }
    const settings = await call(reader, 'settings:get', {});
    expect(settings).toMatchObject({ ok: true, value: { timeZone: expect.not.stringMatching(/^Europe\/Paris$/) } });
    // Reads, including choosing a source folder (no setting written), go through.
    expect(await call(reader, 'dialog:pick-folder', { purpose: 'source', multiple: false })).toMatchObject({ error: { code: 'unsupported' } });
    expect(await call(reader, 'files:list', { filter: 'all', offset: 0, limit: 10 })).toMatchObject({ ok: true, value: { total: 0 } });
    expect(await call(reader, 'jobs:get', { id: running.id })).toMatchObject({ ok: true, value: { status: 'running' } });

    await holder.close();
    opened.splice(opened.indexOf(holder), 1);
    // The next look at the jobs takes the free lock: the dead writer's job is interrupted at once.
    expect(await call(reader, 'jobs:list', { limit: 10 })).toMatchObject({ ok: true, value: [{ id: running.id, status: 'interrupted' }] });
    expect(reader.access).toEqual({ mode: 'writer', holder: null });
    expect(reader.interruptedAtStart).toEqual([running.id]);
    expect(await call(reader, 'settings:set', { timeZone: 'Europe/Paris' })).toMatchObject({ ok: true, value: { timeZone: 'Europe/Paris' } });
  });

  it('a write takes the lock once its holder has closed', async () => {
    const holder = open();
    const reader = open();
    expect(await call(reader, 'settings:set', { timeZone: 'Asia/Tokyo' })).toMatchObject({ ok: false, error: { code: 'library-busy' } });
    await holder.close();
    opened.splice(opened.indexOf(holder), 1);
    expect(await call(reader, 'settings:set', { timeZone: 'Asia/Tokyo' })).toMatchObject({ ok: true });
    expect(reader.access.mode).toBe('writer');
    // ...and keeps it: a new core is now the reader.
    expect(open().access.mode).toBe('reader');
  });

  it("'read' access never keeps the lock, but marks a dead writer's jobs interrupted", async () => {
    const first = open({ autoStart: false });
    const running = createJob(first.db.db, 'export', { importJobId: 1 }, 'running');
    await first.close();
    opened.splice(0);

    const lister = open({ access: 'read' });
    expect(lister.interruptedAtStart).toEqual([running.id]);
    expect(await call(lister, 'jobs:get', { id: running.id })).toMatchObject({ ok: true, value: { status: 'interrupted' } });
    expect(await call(lister, 'settings:set', { timeZone: 'Asia/Tokyo' })).toMatchObject({ ok: false });
    // It holds nothing: a writer opens next to it.
    expect(open().access.mode).toBe('writer');
  });

  it('an in-memory library needs no lock', async () => {
    dbPath = ':memory:';
    expect(open().access.mode).toBe('writer');
    expect(open().access.mode).toBe('writer');
    expect(existsSync(lockPaths(':memory:').lock)).toBe(false);
  });

  it('classifies every channel of the contract', () => {
    for (const channel of INVOKE_CHANNELS) {
      const request = (WRITES as Record<string, never>)[channel] ?? ({} as never);
      expect(channelWrites(channel, request), channel).toBe(channel in WRITES);
    }
  });
});
