/**
 * Two real processes on one library. Process 1 (a helper holding the library as the desktop app,
 * with an import frozen while `running`) keeps the writer lock; process 2 is the real CLI
 * (`bin/mediaparser.mjs`): its writes are refused naming process 1 with exit status 75, its
 * reads work and show process 1's job running. After kill -9 of process 1 the job shows
 * `interrupted` at once and process 2 writes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../shared/types.js';
import { copyCorpus, corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';
import { tsxExecArgv } from '../library/worker-factory.js';
import { EXIT_LIBRARY_BUSY } from './main.js';

const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));
const holderScript = fileURLToPath(new URL('../../test-support/holder-child.ts', import.meta.url));

function mediaparser(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], (error, out, err) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, out, err });
    });
  });
}

interface Ready {
  ready: boolean;
  pid: number;
  jobId: number;
  mode: string;
}

/** Starts process 1 and resolves once its import is `running` in the database. */
function startHolder(db: string, folder: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, [...tsxExecArgv(), holderScript, db, 'desktop', folder], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ready: JSON.parse(line) as Ready }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`process 1 exited (${code}) before its job ran`)));
  });
}

describe.skipIf(!corpusAvailable())('one writer per library, two real processes', () => {
  let tmp: string;
  let db: string;
  let first: string;
  let second: string;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    tmp = await makeTempDir('one-writer');
    db = join(tmp, 'library', 'mediaparser.db');
    first = join(tmp, 'first');
    second = join(tmp, 'second');
    await copyCorpus(first, ['exiftool/Canon.jpg', 'exiftool/Sony.jpg']);
    await copyCorpus(second, ['names/IMG_20190514_103000.jpg']);
  });
  afterAll(async () => {
    if (holder && holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    await removeDir(tmp);
  });

  it('refuses the second writer naming the first, reads meanwhile, and takes over after kill -9', async () => {
    const { child, ready } = await startHolder(db, first);
    holder = child;
    expect(ready).toMatchObject({ ready: true, pid: child.pid, mode: 'writer' });

    const refused = await mediaparser(['import', second, '--db', db]);
    expect(refused.code).toBe(EXIT_LIBRARY_BUSY);
    expect(refused.err).toContain(`in use by the MediaParser desktop app (process ${child.pid}, since `);

    const refusedJson = await mediaparser(['set-date', '1', '2020-01-01T00:00:00', '--db', db, '--json']);
    expect(refusedJson.code).toBe(EXIT_LIBRARY_BUSY);
    expect(JSON.parse(refusedJson.out)).toMatchObject({ error: { code: 'library-busy', message: expect.stringContaining(`process ${child.pid}`) } });

    const whileHeld = await mediaparser(['jobs', '--db', db, '--json']);
    expect(whileHeld.code).toBe(0);
    expect(JSON.parse(whileHeld.out) as JobSummary[]).toEqual([expect.objectContaining({ id: ready.jobId, status: 'running' })]);
    expect((await mediaparser(['files', '--db', db, '--json'])).code).toBe(0);

    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;

    const afterKill = await mediaparser(['jobs', '--db', db, '--json']);
    expect(JSON.parse(afterKill.out) as JobSummary[]).toEqual([expect.objectContaining({ id: ready.jobId, status: 'interrupted' })]);

    const imported = await mediaparser(['import', second, '--db', db, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ status: 'completed', fileCount: 1 });
    const resumed = await mediaparser(['resume', String(ready.jobId), '--db', db, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ jobId: ready.jobId, status: 'completed', fileCount: 2 });
  });
});
