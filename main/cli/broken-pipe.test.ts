/** The real `mediaparser` process writing into a pipe whose reader went away (`| head -1`). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../library/db/jobs-repo.js';
import { openDatabase } from '../library/db/open-db.js';
import { makeTempDir, removeDir } from '../../test-support/corpus.js';

const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  firstLine: string;
}

/** Runs the CLI, keeps the first stdout chunk, then closes the reading end of `closeEarly`. */
function runWithClosedPipe(args: string[], closeEarly: 'stdout' | 'stderr'): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstLine = '';
    if (closeEarly === 'stderr') {
      // Closed before the child has even started, so its first write to stderr already fails.
      child.stderr.destroy();
      child.stdout.on('data', () => undefined);
    } else {
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', (chunk: Buffer) => {
        firstLine = chunk.toString().split('\n')[0] ?? '';
        child.stdout.destroy(); // what `head -1` does after its first line
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, firstLine }));
  });
}

describe('mediaparser with a pipe closed early', () => {
  let tmp: string;
  let db: string;

  beforeAll(async () => {
    tmp = await makeTempDir('cli-epipe');
    db = join(tmp, 'mediaparser.db');
    // Enough jobs that the listing overflows the pipe's buffer after the reader has gone.
    const opened = openDatabase(db);
    opened.sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) createJob(opened.db, 'import', { sourceFolders: [`/photos/folder-${i}`] }, 'completed');
    })();
    opened.close();
  });
  afterAll(() => removeDir(tmp));

  it('`jobs | head -1` prints its first line and exits 0 without a stack trace', async () => {
    const ended = await runWithClosedPipe(['jobs', '--db', db], 'stdout');
    expect(ended.firstLine).toMatch(/^\s+3000\s+import\s+completed/);
    expect(ended.stderr).toBe('');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(0);
  });

  it('a closed stderr still ends with the command’s own exit status (2 for a usage error)', async () => {
    const ended = await runWithClosedPipe(['frobnicate', '--db', db], 'stderr');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(2);
  });
});
