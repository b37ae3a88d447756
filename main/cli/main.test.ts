/** The CLI on real files: help, JSON documents, exit codes, review commands. */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpus, corpusAvailable, listTree, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { main } from './main.js';
import { renderProgressLine } from './progress-line.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), isTTY: false });
  return { code, out, err };
}

describe('mediaparser CLI', () => {
  it('prints help through the package bin (what `npx mediaparser --help` runs)', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toContain('mediaparser import <folder>');
    expect(stdout).toContain('mediaparser serve');
  });

  it('rejects unknown commands and bad ids with exit status 2', async () => {
    const tmp = await makeTempDir('cli-usage');
    try {
      expect((await cli(['frobnicate', '--db', join(tmp, 'db.sqlite')])).code).toBe(2);
      const bad = await cli(['discard', 'abc', '--db', join(tmp, 'db.sqlite')]);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('fileId');
      const missing = await cli(['import', join(tmp, 'nope'), '--db', join(tmp, 'db.sqlite'), '--json']);
      expect(missing.code).toBe(2);
      expect(JSON.parse(missing.out).error.code).toBe('not-found');
    } finally {
      await removeDir(tmp);
    }
  });

  it('renders a progress line with counts, percent, speed and ETA', () => {
    const line = renderProgressLine(
      'Exporting',
      { jobId: 1, type: 'export', status: 'running', filesDone: 1234, filesTotal: 5000, bytesDone: 25, bytesTotal: 100, currentFile: '/a/b/IMG_1.jpg', errorCount: 0, bytesPerSecond: 2_500_000, etaSeconds: 180 },
      120,
    );
    expect(line).toContain('1,234/5,000');
    expect(line).toContain('25%');
    expect(line).toContain('2.5 MB/s');
    expect(line).toContain('3 min left');
    expect(line).toContain('IMG_1.jpg');
  });
});

describe.skipIf(!corpusAvailable())('mediaparser CLI on real media', () => {
  let tmp: string;
  let db: string;
  let src: string;
  beforeAll(async () => {
    tmp = await makeTempDir('cli');
    db = join(tmp, 'mediaparser.db');
    src = join(tmp, 'photos');
    await copyCorpus(src, ['exiftool/Canon.jpg', 'exiftool/Sony.jpg', 'names/IMG_0001.JPG', 'names/IMG_20190514_103000.jpg']);
  });
  afterAll(() => removeDir(tmp));

  it('imports, reviews and exports with JSON documents and exit status 0', async () => {
    const imp = await cli(['import', src, '--db', db, '--json']);
    expect(imp.code).toBe(0);
    const impDoc = JSON.parse(imp.out);
    expect(impDoc).toMatchObject({ status: 'completed', fileCount: 4, errors: 0 });

    const files = JSON.parse((await cli(['files', '--db', db, '--json'])).out) as Record<string, unknown>[];
    expect(files).toHaveLength(4);
    for (const key of ['id', 'originalPath', 'sha256', 'detectedTimestamp', 'timestampSource', 'confidence', 'finalTimestamp', 'discarded', 'outputPath', 'error']) {
      expect(files[0]).toHaveProperty(key);
    }
    const undated = files.find((f) => String(f.originalPath).endsWith('IMG_0001.JPG'))!;
    expect(undated.detectedTimestamp).toBeNull();
    const sony = files.find((f) => String(f.originalPath).endsWith('Sony.jpg'))!;

    expect((await cli(['set-date', String(undated.id), '2024-12-31T22:00:00-05:00', '--db', db])).code).toBe(0);
    expect((await cli(['set-date', String(undated.id), '2024-02-30T10:00:00', '--db', db])).code).toBe(2);
    expect((await cli(['discard', String(sony.id), '--db', db])).code).toBe(0);

    const out = join(tmp, 'archive');
    const exp = await cli(['export', '--out', out, '--db', db, '--json']);
    expect(exp.code).toBe(0);
    const expDoc = JSON.parse(exp.out);
    expect(expDoc).toMatchObject({ jobId: impDoc.jobId + 1, status: 'completed', fileCount: 3, copied: 3, alreadyThere: 0, renamed: 0, failed: 0, outputDir: out });
    const tree = await listTree(out);
    expect(tree).toContain('2024/20241231_220000.jpg');
    expect(tree).toContain('2019/20190514_103000.jpg');
    expect(tree).toHaveLength(3);
    expect(await listTree(out, true)).toContain('mediaparser-manifest.jsonl');

    const after = JSON.parse((await cli(['files', '--db', db, '--json'])).out) as { id: number; finalTimestamp: string; outputPath: string | null }[];
    expect(after.find((f) => f.id === undated.id)!.finalTimestamp).toBe('2024-12-31T22:00:00-05:00');
    expect(after.find((f) => f.id === sony.id)!.outputPath).toBeNull();
    expect(after.find((f) => f.id === undated.id)!.outputPath!.split(sep).slice(-2).join('/')).toBe('2024/20241231_220000.jpg');

    const jobs = JSON.parse((await cli(['jobs', '--db', db, '--json'])).out) as { id: number; status: string }[];
    expect(jobs.map((j) => j.status)).toEqual(['completed', 'completed']);
  });

  it('keeps state per archive: a second archive gets every file, a deleted one is rebuilt, a re-dated copy is renamed once', async () => {
    const out = join(tmp, 'archive');
    const again = JSON.parse((await cli(['export', '--out', out, '--db', db, '--json'])).out);
    expect(again).toMatchObject({ status: 'completed', copied: 0, alreadyThere: 3, renamed: 0, failed: 0 });
    const text = await cli(['export', '--out', out, '--db', db]);
    expect(text.err).toContain('Nothing new to copy: all 3 files are already in');

    const backup = join(tmp, 'backup');
    expect(JSON.parse((await cli(['export', '--out', backup, '--db', db, '--json'])).out)).toMatchObject({ copied: 3, alreadyThere: 0 });
    expect(await listTree(backup)).toHaveLength(3);

    const files = JSON.parse((await cli(['files', '--db', db, '--json'])).out) as { id: number; discarded: boolean; outputPath: string | null }[];
    const moved = files.find((f) => !f.discarded && f.outputPath?.includes('2019'))!;
    const before = await listTree(out);
    expect((await cli(['set-date', String(moved.id), '2011-11-11T11:11:11', '--db', db])).code).toBe(0);
    expect(JSON.parse((await cli(['export', '--out', out, '--db', db, '--json'])).out)).toMatchObject({ copied: 0, alreadyThere: 2, renamed: 1 });
    const renamed = await listTree(out);
    expect(renamed).toHaveLength(before.length);
    expect(renamed).toContain('2011/20111111_111111.jpg');
    expect(renamed).not.toContain('2019/20190514_103000.jpg');

    await removeDir(out);
    expect(JSON.parse((await cli(['export', '--out', out, '--db', db, '--json'])).out)).toMatchObject({ copied: 3, alreadyThere: 0 });
    expect(await listTree(out)).toEqual(renamed);
  });

  it('identical originals, one with folder tags written into its copy: they share that copy and verify finds it intact', async () => {
    const dir = await makeTempDir('cli-shared-copy');
    try {
      const photos = join(dir, 'photos');
      // Canon.jpg and untagged.jpg hold the same bytes; `Holiday {beach}` gives one of them a tag.
      await copyCorpus(join(photos, 'Holiday {beach}'), ['exiftool/Canon.jpg']);
      await copyCorpus(join(photos, 'plain'), ['tags/Misc/untagged.jpg']);
      const libraryDb = join(dir, 'db.sqlite');
      expect((await cli(['import', photos, '--db', libraryDb, '--json'])).code).toBe(0);
      const archive = join(dir, 'archive');
      const exp = JSON.parse((await cli(['export', '--out', archive, '--db', libraryDb, '--json'])).out);
      expect(exp).toMatchObject({ copied: 1, alreadyThere: 1, failed: 0 });
      const verify = await cli(['verify', archive, '--json']);
      expect(verify.code, verify.out).toBe(0);
    } finally {
      await removeDir(dir);
    }
  });

  it('names the hidden and system entries an import skipped', async () => {
    const dir = await makeTempDir('cli-skipped');
    try {
      const photos = join(dir, 'photos');
      await copyCorpus(photos, ['exiftool/Canon.jpg']);
      await writeFile(join(photos, '.hidden.jpg'), 'not looked at');
      await writeFile(join(photos, 'Thumbs.db'), 'windows thumbnail cache');
      const imp = JSON.parse((await cli(['import', photos, '--db', join(dir, 'db.sqlite'), '--json'])).out);
      expect(imp).toMatchObject({ status: 'completed', fileCount: 1, new: 1, alreadyKnown: 0, skipped: 2 });
      expect([...imp.skippedExamples].sort()).toEqual([join(photos, '.hidden.jpg'), join(photos, 'Thumbs.db')]);
      const again = await cli(['import', photos, '--db', join(dir, 'db.sqlite')]);
      expect(again.err).toContain('0 new, 1 already known, 2 skipped');
      expect(again.err).toContain(`skipped: ${join(photos, 'Thumbs.db')}`);
    } finally {
      await removeDir(dir);
    }
  });

  it('fails an export whose output folder cannot exist, with a non-zero status', async () => {
    const exp = await cli(['export', '--out', join(tmp, 'no', 'such', 'drive'), '--db', db, '--json']);
    expect(exp.code).toBe(1);
    expect(JSON.parse(exp.out).status).toBe('failed');
  });
});
