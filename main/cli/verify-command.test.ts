/** `mediaparser verify` as a real process (the package bin, its bundled worker) on real copies. */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusArchive, flipByte } from '../../test-support/archive.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { HELP } from './main.js';

const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));

function mediaparser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, MEDIAPARSER_DB: '/nonexistent/never-opened.db' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!corpusAvailable())('mediaparser verify (real process)', () => {
  let dir: string;
  let root: string;
  let paths: string[];

  beforeAll(async () => {
    dir = await makeTempDir('cli-verify');
    root = join(dir, 'archive');
    mkdirSync(root);
    paths = copyCorpusArchive(root, CORPUS_MEDIA);
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('exits 0 for an intact archive (one JSON document), without any database', async () => {
    const { code, stdout } = await mediaparser(['verify', root, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { status: string; counts: Record<string, number>; root: string };
    expect(doc.status).toBe('ok');
    expect(doc.root).toBe(root);
    expect(doc.counts).toMatchObject({ ok: paths.length, missing: 0, changed: 0, notInManifest: 0 });
  });

  it('exits 1 and names a flipped byte, a deleted copy and an extra file', async () => {
    flipByte(join(root, '2008', '20081011_120301.jpg'), 5000);
    rmSync(join(root, 'unknown', 'photo.png'));
    writeFileSync(join(root, '2019', 'IMG_9999.jpg'), 'someone put this here');

    const json = await mediaparser(['verify', root, '--json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as {
      status: string;
      changed: { path: string; reason: string }[];
      missing: { path: string }[];
      notInManifest: { path: string }[];
    };
    expect(doc.status).toBe('problems');
    expect(doc.changed).toEqual([expect.objectContaining({ path: '2008/20081011_120301.jpg', reason: 'content' })]);
    expect(doc.missing.map((m) => m.path)).toEqual(['unknown/photo.png']);
    expect(doc.notInManifest.map((m) => m.path)).toEqual(['2019/IMG_9999.jpg']);

    const text = await mediaparser(['verify', root]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('3 problems');
    expect(text.stdout).toMatch(/Changed[^\n]*\n {2}2008\/20081011_120301\.jpg {2}\(same size, different content\)/);
    expect(text.stdout).toMatch(/Missing[^\n]*\n {2}unknown\/photo\.png/);
    expect(text.stdout).toMatch(/Not in the manifest[^\n]*\n {2}2019\/IMG_9999\.jpg/);
  });

  it('exits 2 with a clear message where there is no manifest, and without an archive argument', async () => {
    const empty = join(dir, 'not-an-archive');
    mkdirSync(empty);
    const none = await mediaparser(['verify', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('There is no MediaParser manifest (mediaparser-manifest.jsonl)');
    const noneJson = await mediaparser(['verify', empty, '--json']);
    expect(noneJson.code).toBe(2);
    expect((JSON.parse(noneJson.stdout) as { error: { code: string } }).error.code).toBe('not-found');
    const missingArg = await mediaparser(['verify']);
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toContain('verify needs the archive folder');
  });

  it('is in the help', () => {
    expect(HELP).toContain('mediaparser verify <archive> [--json]');
  });
});
