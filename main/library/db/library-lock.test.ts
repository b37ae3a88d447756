/** The writer lock on its own: refusal, release, who-holds-it, and the refusal sentence. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { acquireLibraryLock, libraryBusyMessage, lockPaths, readHolder, readHolderToken, type LibraryLock, type WriterInfo } from './library-lock.js';

describe('library writer lock', () => {
  let tmp: string;
  let dbPath: string;
  const held: LibraryLock[] = [];
  const take = (kind: 'desktop' | 'serve' | 'cli', command = 'mediaparser import /photos') => {
    const attempt = acquireLibraryLock(dbPath, { kind, command });
    if (attempt.ok) held.push(attempt.lock);
    return attempt;
  };

  beforeEach(async () => {
    tmp = await makeTempDir('lock');
    dbPath = join(tmp, 'library', 'mediaparser.db');
  });
  afterEach(async () => {
    for (const lock of held.splice(0)) lock.release();
    await removeDir(tmp);
  });

  it('refuses a second holder at once and names the first; release lets the next one in', () => {
    const first = take('cli');
    expect(first.ok).toBe(true);
    const second = take('desktop');
    expect(second).toEqual({
      ok: false,
      holder: expect.objectContaining({ pid: process.pid, kind: 'cli', command: 'mediaparser import /photos', hostname: hostname() }),
    });
    // A refusal takes nothing: the first holder still holds it.
    expect(take('serve').ok).toBe(false);

    const info = JSON.parse(readFileSync(lockPaths(dbPath).info, 'utf8')) as WriterInfo;
    expect(info.pid).toBe(process.pid);
    if (first.ok) first.lock.release();
    expect(existsSync(lockPaths(dbPath).info)).toBe(false);
    const third = take('serve', 'mediaparser serve');
    expect(third.ok).toBe(true);
    expect(readHolder(dbPath)).toMatchObject({ pid: process.pid, kind: 'serve' });
  });

  it('publishes facts learnt later (serve address) to refused processes', () => {
    const first = take('serve', 'mediaparser serve');
    if (!first.ok) throw new Error('not acquired');
    first.lock.update({ url: 'http://127.0.0.1:4321/', token: 'secret-token' });
    expect(readHolderToken(dbPath)).toBe('secret-token');
    expect(statSync(lockPaths(dbPath).token).mode & 0o077).toBe(0);
    expect(readFileSync(lockPaths(dbPath).info, 'utf8')).not.toContain('secret-token');
    const refused = take('cli');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.holder?.url).toBe('http://127.0.0.1:4321/');
    expect(libraryBusyMessage(refused.holder)).toContain('`mediaparser serve` at http://127.0.0.1:4321/');
    first.lock.release();
    expect(readHolderToken(dbPath)).toBeNull();
  });

  it('ignores a holder file left by a process of this host that is gone', async () => {
    const child = await promisify(execFile)(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout);
    const stale: WriterInfo = { pid: deadPid, kind: 'desktop', command: 'x', hostname: hostname(), startedAt: new Date().toISOString() };
    take('cli'); // creates the folder
    held.pop()?.release();
    writeFileSync(lockPaths(dbPath).info, JSON.stringify(stale));
    expect(readHolder(dbPath)).toBeNull();
    writeFileSync(lockPaths(dbPath).info, JSON.stringify({ ...stale, pid: process.pid }));
    expect(readHolder(dbPath)).toMatchObject({ pid: process.pid, kind: 'desktop' });
  });

  it('says who holds the library, since when, and what to do', () => {
    const now = new Date(2026, 11, 1, 15, 0, 0);
    const base = { pid: 1234, command: 'mediaparser export --out /a', hostname: hostname(), startedAt: new Date(2026, 11, 1, 14, 2).toISOString() };
    expect(libraryBusyMessage({ ...base, kind: 'desktop' }, now)).toBe(
      'This library is in use by the MediaParser desktop app (process 1234, since 14:02). Close it, or work in that window, and try again.',
    );
    expect(libraryBusyMessage({ ...base, kind: 'cli' }, now)).toContain('by `mediaparser export --out /a` (process 1234, since 14:02)');
    expect(libraryBusyMessage({ ...base, kind: 'cli', startedAt: new Date(2026, 10, 30, 9, 5).toISOString() }, now)).toContain(
      'since 2026-11-30 09:05',
    );
    expect(libraryBusyMessage({ ...base, kind: 'serve', hostname: 'nas' }, now)).toContain('(process 1234 on nas, since 14:02)');
    expect(libraryBusyMessage(null)).toContain('another MediaParser process');
  });
});
