/**
 * A power cut while ExifTool writes the corrected date into a copy: the export process and its
 * ExifTool are killed (SIGKILL, the whole process group) the moment ExifTool's temp appears; after
 * the restart and resume there is no partial file, no temp, and the copy carries the date.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { copyFile, mkdir, open, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../shared/types.js';
import { createAppCore, type AppCore } from './app-core.js';
import { allFiles, importAndWait, unwrap } from '../../test-support/app-core.js';
import { exiftoolJson } from '../../test-support/exiftool-reference.js';
import { CORPUS_MEDIA, corpusAvailable, listTree, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { tsxExecArgv } from './worker-factory.js';

const MDAT_BYTES = 160 * 1024 * 1024;

/** Imports `src` into a library at `dbPath`, sets the date of its one file and closes the library; the import's id. */
async function importAndDate(dbPath: string, thumbs: string, src: string, timestamp: string): Promise<number> {
  const core = createAppCore({ dbPath, thumbnailCacheDir: thumbs });
  try {
    const importJobId = await importAndWait(core, src);
    const file = (await allFiles(core))[0]!;
    unwrap(await core.handlers['files:set-date']({ id: file.id, timestamp }));
    return importJobId;
  } finally {
    await core.close();
  }
}

/**
 * Runs the export in a child process (its own process group) and kills the group, ExifTool with
 * it, the moment a name `isTemp` accepts appears in `dir`; waits for the child to end; that name.
 */
async function exportKilledAtTemp(dbPath: string, importJobId: number, out: string, dir: string, isTemp: (name: string) => boolean, tooLate: string): Promise<string> {
  const script = fileURLToPath(new URL('../../test-support/export-child.ts', import.meta.url));
  const child = spawn(process.execPath, [...tsxExecArgv(), script, dbPath, String(importJobId), out], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const sawTemp = await new Promise<string>((resolve, reject) => {
    const watcher = watch(dir, (_event, name) => {
      if (name && isTemp(String(name))) {
        watcher.close();
        process.kill(-child.pid!, 'SIGKILL');
        resolve(String(name));
      }
    });
    child.on('exit', () => {
      watcher.close();
      reject(new Error(tooLate));
    });
  });
  await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
  return sawTemp;
}

/** Resumes the library's interrupted export and waits for it. */
async function resumeInterruptedExport(core: AppCore): Promise<JobSummary> {
  const exportJob = unwrap(await core.handlers['jobs:list']({ limit: 10 })).find((j) => j.type === 'export')!;
  expect(exportJob.status).toBe('interrupted');
  unwrap(await core.handlers['jobs:resume']({ id: exportJob.id }));
  const done = await core.waitForJob(exportJob.id);
  expect(done.status).toBe('completed');
  return done;
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

    const importJobId = await importAndDate(dbPath, join(tmp, 'thumbs'), src, '1990-01-01T12:00:00+01:00');

    // Kill the export (and the ExifTool it started: same process group) when ExifTool's temp appears.
    const sawTemp = await exportKilledAtTemp(dbPath, importJobId, out, join(out, '1990'), (name) => name.endsWith('_exiftool_tmp'), 'the export finished before ExifTool started writing');
    expect(sawTemp).toMatch(/^\.mediaparser-.*\.tmp_exiftool_tmp$/);
    // Nothing but temps in the archive: the final name was never published half-written.
    expect((await listTree(out)).filter((p) => !p.includes('.mediaparser-'))).toEqual([]);

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs') });
    try {
      await resumeInterruptedExport(core);
      const file = (await allFiles(core))[0]!;
      expect(relative(out, file.outputPath!).split(sep).join('/')).toBe('1990/19900101_120000.mov');
      expect(await listTree(out)).toEqual(['1990/19900101_120000.mov']);
      const tags = exiftoolJson(file.outputPath!, 'Keys:CreationDate', 'QuickTime:CreateDate');
      expect(tags['Keys:CreationDate']).toBe('1990:01:01 12:00:00+01:00');
      expect(tags['QuickTime:CreateDate']).toBe('1990:01:01 11:00:00');
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
    const importJobId = await importAndDate(dbPath, join(tmp, 'thumbs-xmp'), src, '2021-04-10T11:44:00+02:00');

    // Kill the export (and its ExifTool) the moment the sidecar's temp appears in the archive.
    const sawTemp = await exportKilledAtTemp(dbPath, importJobId, out, out, (name) => name.endsWith('.xmp'), 'the export finished before the XMP sidecar was made');
    expect(sawTemp).toMatch(/^\.mediaparser-.*\.tmp\.xmp$/);
    // The sidecar never shows under its final name half-made: absent, or whole (it reads the date).
    for (const p of (await listTree(out)).filter((f) => f.endsWith('.xmp') && !f.includes('.mediaparser-'))) {
      expect(exiftoolJson(join(out, p), 'XMP-exif:DateTimeOriginal')['XMP-exif:DateTimeOriginal']).toBe('2021:04:10 11:44:00+02:00');
    }

    const core = createAppCore({ dbPath, thumbnailCacheDir: join(tmp, 'thumbs-xmp') });
    try {
      expect((await resumeInterruptedExport(core)).errorCount).toBe(0);
      expect(await listTree(out)).toEqual(['2021/20210410_114400.nef', '2021/20210410_114400.xmp']);
      expect(exiftoolJson(join(out, '2021', '20210410_114400.xmp'), 'XMP-exif:DateTimeOriginal')['XMP-exif:DateTimeOriginal']).toBe('2021:04:10 11:44:00+02:00');
    } finally {
      await core.close();
    }
  });
});
