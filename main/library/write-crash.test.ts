/**
 * A power cut while ExifTool writes the corrected date into a copy: the export process and its
 * ExifTool are killed (SIGKILL, the whole process group) the moment ExifTool's temp appears; after
 * the restart and resume there is no partial file, no temp, and the copy carries the date.
 */
import { execFileSync, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { copyFile, mkdir, open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from './app-core.js';
import { CORPUS_MEDIA, corpusAvailable, listTree, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { tsxExecArgv } from './worker-factory.js';

const require = createRequire(import.meta.url);
const EXIFTOOL = join(dirname(require.resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');
const MDAT_BYTES = 160 * 1024 * 1024;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe.skipIf(!corpusAvailable())('a crash during a metadata write', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await makeTempDir('write-crash');
  });
  afterAll(async () => {
    await removeDir(tmp);
  });

  it('leaves no partial file; the resumed export writes the date', async () => {
    const src = join(tmp, 'media');
    const out = join(tmp, 'archive');
    const dbPath = join(tmp, 'db', 'mediaparser.db');
    await mkdir(src);
    await mkdir(join(out, '1990'), { recursive: true });
    // A real QuickTime movie with a large media atom appended: ExifTool rewrites all of it, which
    // gives the kill time to land inside the write.
    const movie = join(src, 'long.mov');
    await copyFile(join(CORPUS_MEDIA, 'exiftool', 'QuickTime.mov'), movie);
    const fh = await open(movie, 'a');
    const header = Buffer.alloc(8);
    header.writeUInt32BE(MDAT_BYTES + 8, 0);
    header.write('mdat', 4, 'latin1');
    await fh.write(header);
    await fh.truncate((await fh.stat()).size + MDAT_BYTES);
    await fh.close();

    let importJobId: number;
    {
      const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs') });
      importJobId = unwrap(await core.handlers['import:start']({ folders: [src] })).jobId;
      expect((await core.waitForJob(importJobId)).status).toBe('completed');
      const file = unwrap(await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 10 })).items[0]!;
      unwrap(await core.handlers['files:set-date']({ id: file.id, timestamp: '1990-01-01T12:00:00+01:00' }));
      await core.close();
    }

    // Kill the export (and the ExifTool it started: same process group) when ExifTool's temp appears.
    const script = fileURLToPath(new URL('../../test-support/export-child.ts', import.meta.url));
    const child = spawn(process.execPath, [...tsxExecArgv(), script, dbPath, String(importJobId), out], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
    const sawTemp = await new Promise<string>((resolve, reject) => {
      const watcher = watch(join(out, '1990'), (_event, name) => {
        if (name && String(name).endsWith('_exiftool_tmp')) {
          watcher.close();
          process.kill(-child.pid!, 'SIGKILL');
          resolve(String(name));
        }
      });
      child.on('exit', () => {
        watcher.close();
        reject(new Error('the export finished before ExifTool started writing'));
      });
    });
    expect(sawTemp).toMatch(/^\.mediaparser-.*\.tmp_exiftool_tmp$/);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
    // Nothing but temps in the archive: the final name was never published half-written.
    expect((await listTree(out)).filter((p) => !p.includes('.mediaparser-'))).toEqual([]);

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs') });
    try {
      const exportJob = unwrap(await core.handlers['jobs:list']({ limit: 10 })).find((j) => j.type === 'export')!;
      expect(exportJob.status).toBe('interrupted');
      unwrap(await core.handlers['jobs:resume']({ id: exportJob.id }));
      expect((await core.waitForJob(exportJob.id)).status).toBe('completed');
      const file = unwrap(await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 10 })).items[0]!;
      expect(relative(out, file.outputPath!).split(sep).join('/')).toBe('1990/19900101_120000.mov');
      expect(await listTree(out)).toEqual(['1990/19900101_120000.mov']);
      const tags = JSON.parse(execFileSync('perl', [EXIFTOOL, '-j', '-G1', '-Keys:CreationDate', '-QuickTime:CreateDate', file.outputPath!], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(tags[0]!['Keys:CreationDate']).toBe('1990:01:01 12:00:00+01:00');
      expect(tags[0]!['QuickTime:CreateDate']).toBe('1990:01:01 11:00:00');
      expect((await stat(file.outputPath!)).size).toBeGreaterThan(MDAT_BYTES);
    } finally {
      await core.close();
    }
  });
  it('a crash while an XMP sidecar is made leaves no partial sidecar; the resumed export makes it', async () => {
    const src = join(tmp, 'raw');
    const out = join(tmp, 'archive-xmp');
    const dbPath = join(tmp, 'db-xmp', 'mediaparser.db');
    await mkdir(src);
    await mkdir(out);
    await copyFile(join(CORPUS_MEDIA, 'exiftool', 'Nikon.nef'), join(src, 'DSC_0001.NEF'));
    let importJobId: number;
    {
      const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs-xmp') });
      importJobId = unwrap(await core.handlers['import:start']({ folders: [src] })).jobId;
      expect((await core.waitForJob(importJobId)).status).toBe('completed');
      const file = unwrap(await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 10 })).items[0]!;
      unwrap(await core.handlers['files:set-date']({ id: file.id, timestamp: '2021-04-10T11:44:00+02:00' }));
      await core.close();
    }

    // Kill the export (and its ExifTool) the moment the sidecar's temp appears in the archive.
    const script = fileURLToPath(new URL('../../test-support/export-child.ts', import.meta.url));
    const child = spawn(process.execPath, [...tsxExecArgv(), script, dbPath, String(importJobId), out], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
    const sawTemp = await new Promise<string>((resolve, reject) => {
      const watcher = watch(out, (_event, name) => {
        if (name && String(name).endsWith('.xmp')) {
          watcher.close();
          process.kill(-child.pid!, 'SIGKILL');
          resolve(String(name));
        }
      });
      child.on('exit', () => {
        watcher.close();
        reject(new Error('the export finished before the XMP sidecar was made'));
      });
    });
    expect(sawTemp).toMatch(/^\.mediaparser-.*\.tmp\.xmp$/);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
    // The sidecar never shows under its final name half-made: absent, or whole (it reads the date).
    for (const p of (await listTree(out)).filter((f) => f.endsWith('.xmp') && !f.includes('.mediaparser-'))) {
      const tags = JSON.parse(execFileSync('perl', [EXIFTOOL, '-j', '-G1', '-XMP-exif:DateTimeOriginal', join(out, p)], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(tags[0]!['XMP-exif:DateTimeOriginal']).toBe('2021:04:10 11:44:00+02:00');
    }

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs-xmp') });
    try {
      const exportJob = unwrap(await core.handlers['jobs:list']({ limit: 10 })).find((j) => j.type === 'export')!;
      expect(exportJob.status).toBe('interrupted');
      unwrap(await core.handlers['jobs:resume']({ id: exportJob.id }));
      const done = await core.waitForJob(exportJob.id);
      expect(done.status).toBe('completed');
      expect(done.errorCount).toBe(0);
      expect(await listTree(out)).toEqual(['2021/20210410_114400.nef', '2021/20210410_114400.xmp']);
      const tags = JSON.parse(execFileSync('perl', [EXIFTOOL, '-j', '-G1', '-XMP-exif:DateTimeOriginal', join(out, '2021', '20210410_114400.xmp')], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(tags[0]!['XMP-exif:DateTimeOriginal']).toBe('2021:04:10 11:44:00+02:00');
    } finally {
      await core.close();
    }
  });
});
