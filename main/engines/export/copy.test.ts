import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSafely, isTempName, nodeFs, removeStrayTemps, sha256File, syncDirs, tempNameFor, type CopyControl, type ExportFs } from './copy.js';
import { TargetPlanner } from './targets.js';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mp-copy-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function original(content: string | Buffer): Promise<{ sourcePath: string; size: number; sha256: string }> {
  const sourcePath = path.join(dir, 'original.jpg');
  await fsp.writeFile(sourcePath, content);
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { sourcePath, size: buf.length, sha256: sha(buf) };
}

describe('copyFileSafely', () => {
  it('publishes a verified copy and removes the temp', async () => {
    const src = await original('hello');
    const finalPath = path.join(dir, 'out.jpg');
    const tempPath = path.join(dir, tempNameFor(1, 'ab12', 2));
    const r = await copyFileSafely({ ...src, finalPath, tempPath });
    expect(r).toEqual({ kind: 'published', bytes: 5 });
    expect(await fsp.readFile(finalPath, 'utf8')).toBe('hello');
    await expect(fsp.stat(tempPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never overwrites an existing final file', async () => {
    const src = await original('mine');
    const finalPath = path.join(dir, 'out.jpg');
    await fsp.writeFile(finalPath, 'theirs');
    const r = await copyFileSafely({ ...src, finalPath, tempPath: path.join(dir, tempNameFor(1, 'ab12', 2)) });
    expect(r).toEqual({ kind: 'exists' });
    expect(await fsp.readFile(finalPath, 'utf8')).toBe('theirs');
    expect((await fsp.readdir(dir)).sort()).toEqual(['original.jpg', 'out.jpg']);
  });

  it('reports source-changed when the bytes differ from the import, leaving nothing', async () => {
    const src = await original('abc');
    const r = await copyFileSafely({ ...src, sha256: sha('xyz'), finalPath: path.join(dir, 'out.jpg'), tempPath: path.join(dir, tempNameFor(1, 'ab12', 2)) });
    expect(r).toMatchObject({ kind: 'failed', side: 'source', error: { code: 'source-changed' } });
    expect(await fsp.readdir(dir)).toEqual(['original.jpg']);
  });

  it('replaces a leftover temp of the same file from an earlier crash', async () => {
    const src = await original('fresh');
    const tempPath = path.join(dir, tempNameFor(1, 'ab12', 2));
    await fsp.writeFile(tempPath, 'stale partial');
    const r = await copyFileSafely({ ...src, finalPath: path.join(dir, 'out.jpg'), tempPath });
    expect(r.kind).toBe('published');
    expect(await fsp.readFile(path.join(dir, 'out.jpg'), 'utf8')).toBe('fresh');
  });

  it('stops between chunks on cancel and removes the partial temp', async () => {
    const src = await original(Buffer.alloc(64 * 1024, 7));
    const tempPath = path.join(dir, tempNameFor(1, 'ab12', 2));
    let checks = 0;
    const control: CopyControl = {
      running: () => false,
      checkpoint: async () => {
        checks++;
        // The partial temp is still there while the copy waits.
        expect((await fsp.stat(tempPath)).size).toBe(4096);
        return 'cancel';
      },
    };
    const r = await copyFileSafely({ ...src, finalPath: path.join(dir, 'out.jpg'), tempPath }, { control, chunkSize: 4096, wholeFileLimit: 0 });
    expect(r).toEqual({ kind: 'cancelled' });
    expect(checks).toBe(1);
    expect(await fsp.readdir(dir)).toEqual(['original.jpg']);
  });

  it('fsyncs the temp before any final name points at it', async () => {
    const src = await original('durable');
    const finalPath = path.join(dir, 'out.jpg');
    const tempPath = path.join(dir, tempNameFor(1, 'ab12', 2));
    const calls: string[] = [];
    const tempFds = new Set<number>();
    const fs: ExportFs = {
      ...nodeFs,
      openSync: (p, flags, mode) => {
        const fd = nodeFs.openSync(p, flags, mode);
        if (p === tempPath) tempFds.add(fd);
        return fd;
      },
      writeSync: (fd, b, o, l) => {
        if (tempFds.has(fd)) calls.push('write');
        return nodeFs.writeSync(fd, b, o, l);
      },
      fsync: async (fd) => {
        if (tempFds.has(fd)) calls.push('fsync');
        await nodeFs.fsync(fd);
      },
      linkSync: (a, b) => {
        calls.push('link');
        nodeFs.linkSync(a, b);
      },
    };
    expect(await copyFileSafely({ ...src, finalPath, tempPath }, { fs })).toEqual({ kind: 'published', bytes: 7 });
    expect(calls).toEqual(['write', 'fsync', 'link']);
  });

  it('a failing fsync publishes nothing and leaves no temp; a file system without fsync still gets the copy', async () => {
    const src = await original('not durable');
    const finalPath = path.join(dir, 'out.jpg');
    const failing = (code: string): ExportFs => ({
      ...nodeFs,
      fsync: () => Promise.reject(Object.assign(new Error(`${code}: fsync`), { code })),
    });
    const tempPath = path.join(dir, tempNameFor(1, 'ab12', 2));
    expect(await copyFileSafely({ ...src, finalPath, tempPath }, { fs: failing('EIO') })).toMatchObject({ kind: 'failed', side: 'target', error: { code: 'io' } });
    expect(await copyFileSafely({ ...src, finalPath, tempPath }, { fs: failing('ENOSPC') })).toMatchObject({ kind: 'failed', error: { code: 'disk-full' } });
    expect(await fsp.readdir(dir)).toEqual(['original.jpg']);
    expect(await copyFileSafely({ ...src, finalPath, tempPath }, { fs: failing('EINVAL') })).toEqual({ kind: 'published', bytes: 11 });
  });

  it.skipIf(process.platform === 'win32')('fails at once, without blocking, when the original is now a FIFO, a folder or a device', async () => {
    const fifo = path.join(dir, 'fifo.jpg');
    execFileSync('mkfifo', [fifo]);
    const folder = path.join(dir, 'folder.jpg');
    await fsp.mkdir(folder);
    for (const [sourcePath, kind] of [[fifo, 'FIFO'], [folder, 'folder'], ['/dev/null', 'device']] as const) {
      const t0 = performance.now();
      const r = await copyFileSafely({ sourcePath, size: 5, sha256: sha('hello'), finalPath: path.join(dir, 'out.jpg'), tempPath: path.join(dir, tempNameFor(1, 'ab12', 2)) });
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(r).toMatchObject({ kind: 'failed', side: 'source', error: { code: 'source-changed' } });
      if (r.kind === 'failed') expect(r.error.detail).toContain(kind);
    }
    expect((await fsp.readdir(dir)).sort()).toEqual(['fifo.jpg', 'folder.jpg']);
  });

  it('hashes files in chunks', async () => {
    const buf = Buffer.alloc(10_000, 9);
    await fsp.writeFile(path.join(dir, 'x'), buf);
    expect(await sha256File(path.join(dir, 'x'), undefined, 1000)).toBe(sha(buf));
  });
});

describe('removeStrayTemps', () => {
  it('removes only our temps (of other runs, or of one run) in the root and its direct subfolders', async () => {
    await fsp.mkdir(path.join(dir, '2020', 'deeper'), { recursive: true });
    await fsp.writeFile(path.join(dir, '2020', tempNameFor(3, 'aa', 1)), '');
    await fsp.writeFile(path.join(dir, '2020', tempNameFor(3, 'bb', 1)), '');
    await fsp.writeFile(path.join(dir, tempNameFor(4, 'bb', 'probe')), '');
    await fsp.writeFile(path.join(dir, '.mediaparser-3-9.tmp'), ''); // an older version's name
    await fsp.writeFile(path.join(dir, '2020', 'deeper', tempNameFor(3, 'aa', 2)), '');
    await fsp.writeFile(path.join(dir, '2020', 'photo.tmp'), '');
    await fsp.writeFile(path.join(dir, '2020', '.mediaparser-notes.tmp'), '');
    // A run starting removes what other runs left, never its own temps.
    expect(await removeStrayTemps(dir, { exceptRun: 'bb' })).toBe(2);
    expect((await fsp.readdir(path.join(dir, '2020'))).sort()).toEqual(['.mediaparser-3-bb-1.tmp', '.mediaparser-notes.tmp', 'deeper', 'photo.tmp']);
    expect(await fsp.readdir(path.join(dir, '2020', 'deeper'))).toEqual(['.mediaparser-3-aa-2.tmp']);
    // A run stopping removes its own.
    expect(await removeStrayTemps(dir, { run: 'bb' })).toBe(2);
    expect((await fsp.readdir(path.join(dir, '2020'))).sort()).toEqual(['.mediaparser-notes.tmp', 'deeper', 'photo.tmp']);
    expect(isTempName('.mediaparser-3-aa-2.tmp', 'aa')).toBe(true);
    expect(isTempName('.mediaparser-3-aa-2.tmp', 'bb')).toBe(false);
    expect(isTempName('.mediaparser-3-2.tmp')).toBe(true);
    expect(isTempName('.mediaparser-x.tmp')).toBe(false);
  });
});

describe('syncDirs', () => {
  it('fsyncs each folder once and ignores what platforms refuse for folders, but not real I/O errors', () => {
    const a = path.join(dir, 'a');
    const synced: string[] = [];
    const fds = new Map<number, string>();
    const track = (fsyncError?: string): ExportFs => ({
      ...nodeFs,
      openSync: (p, flags, mode) => {
        const fd = nodeFs.openSync(p, flags, mode);
        fds.set(fd, String(p));
        return fd;
      },
      fsyncSync: (fd) => {
        if (fsyncError) throw Object.assign(new Error(fsyncError), { code: fsyncError });
        synced.push(fds.get(fd)!);
        nodeFs.fsyncSync(fd);
      },
    });
    nodeFs.mkdirSync(a);
    syncDirs([a, dir, a], track());
    expect(synced).toEqual([a, dir]);
    for (const code of ['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP']) expect(() => syncDirs([a], track(code))).not.toThrow();
    expect(() => syncDirs([a], track('EIO'))).toThrow(/EIO/);
    expect(() => syncDirs([path.join(dir, 'gone')])).toThrow(/ENOENT/);
  });
});

describe('TargetPlanner', () => {
  it('assigns names in order, case-insensitively against the disk, and adopts identical content', async () => {
    const out = path.join(dir, 'out');
    await fsp.mkdir(path.join(out, '2024'), { recursive: true });
    await fsp.writeFile(path.join(out, '2024', '20241231_220000.JPG'), 'existing');
    const planner = new TargetPlanner(out);
    const t = { local: '2024-12-31T22:00:00.000', offset: '-05:00' };
    const same = await planner.plan({ fileId: 1, originalName: 'a.jpg', size: 8, sha256: sha('existing'), timestamp: t });
    expect(same).toEqual({ kind: 'identical-on-disk', companions: [], absPath: path.join(out, '2024', '20241231_220000.JPG'), relPath: '2024/20241231_220000.JPG' });
    const other = await planner.plan({ fileId: 2, originalName: 'b.jpg', size: 3, sha256: sha('new'), timestamp: t });
    expect(other).toMatchObject({ kind: 'copy', relPath: '2024/20241231_220000_001.jpg' });
    const dup = await planner.plan({ fileId: 3, originalName: 'c.jpg', size: 3, sha256: sha('new'), timestamp: t });
    expect(dup.kind).toBe('identical-in-flight');
    const undated = await planner.plan({ fileId: 4, originalName: 'x.png', size: 1, sha256: sha('x'), timestamp: null });
    expect(undated).toMatchObject({ kind: 'copy', relPath: 'unknown/x.png' });
    expect((await fsp.stat(path.join(out, 'unknown'))).isDirectory()).toBe(true);
    if (other.kind === 'copy') await planner.release(other.reservation);
    const again = await planner.plan({ fileId: 5, originalName: 'd.jpg', size: 2, sha256: sha('dd'), timestamp: t });
    expect(again).toMatchObject({ kind: 'copy', relPath: '2024/20241231_220000_001.jpg' });
  });
});
