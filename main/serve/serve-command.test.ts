import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPaths } from '../library/db/library-lock.js';
import { copyCorpus, corpusAvailable } from '../../test-support/corpus.js';
import type { RunningServer } from './server.js';
import { runServeCommand } from './serve-command.js';

const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));

function mediaparser(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }));
  });
}

describe('runServeCommand', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-serve-cmd-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the user to build the renderer when it is missing, and exits 1', async () => {
    const errors: string[] = [];
    const code = await runServeCommand({ dbPath: join(dir, 'db.sqlite'), staticDir: join(dir, 'missing'), printError: (l) => errors.push(l) });
    expect(code).toBe(1);
    expect(errors.join('\n')).toContain('npm run build:renderer');
  });

  it('prints the URL with the token, serves the real core, and stops cleanly', async () => {
    await writeFile(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    let onListening!: (s: RunningServer) => void;
    const listening = new Promise<RunningServer>((resolve) => (onListening = resolve));
    const run = runServeCommand({
      dbPath: join(dir, 'db', 'mediaparser.db'),
      staticDir: dir,
      port: 0,
      print: (l) => lines.push(l),
      until,
      onListening,
    });
    const server = await listening;
    expect(lines[0]).toMatch(/^MediaParser is serving on http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(lines[0]).toContain(server.url);

    const res = await fetch(`http://127.0.0.1:${server.port}/api/app:info`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const info = (await res.json()) as { ok: boolean; value: { transport: string; nativeDialogs: boolean; thumbnailUrl: string } };
    expect(info).toMatchObject({ ok: true, value: { transport: 'http', nativeDialogs: false, thumbnailUrl: '/thumb/{id}?size={size}' } });
    const pick = (await (
      await fetch(`http://127.0.0.1:${server.port}/api/dialog:pick-folder`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        body: '{"purpose":"output"}',
      })
    ).json()) as { ok: boolean; error?: { code: string } };
    expect(pick).toMatchObject({ ok: false, error: { code: 'unsupported' } });

    stop();
    expect(await run).toBe(0);
    expect(lines.at(-1)).toBe('Stopped.');
    await expect(fetch(`http://127.0.0.1:${server.port}/`)).rejects.toThrow();
  });

  it.skipIf(!corpusAvailable())(
    'holds the library: a second serve is refused naming it (75), CLI writes run inside it',
    async () => {
      await writeFile(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
      const dbPath = join(dir, 'db', 'mediaparser.db');
      const photos = join(dir, 'photos');
      await copyCorpus(photos, ['exiftool/Canon.jpg', 'exiftool/Sony.jpg']);
      let stop!: () => void;
      const until = new Promise<void>((r) => (stop = r));
      let onListening!: (s: RunningServer) => void;
      const listening = new Promise<RunningServer>((resolve) => (onListening = resolve));
      const run = runServeCommand({ dbPath, staticDir: dir, port: 0, print: () => {}, until, onListening });
      const server = await listening;
      const address = `http://127.0.0.1:${server.port}/`;

      const errors: string[] = [];
      const second = await runServeCommand({ dbPath, staticDir: dir, port: 0, print: () => {}, printError: (l) => errors.push(l), until });
      expect(second).toBe(75);
      expect(errors.join('\n')).toContain(`in use by \`mediaparser serve\` at ${address} (process ${process.pid}, since `);
      expect(errors.join('\n')).not.toContain(server.token);
      expect((await stat(lockPaths(dbPath).token)).mode & 0o077).toBe(0);

      // The CLI hands its job to this process: the import runs here and the CLI reports it.
      const imported = await mediaparser(['import', photos, '--db', dbPath, '--json']);
      expect(imported.code).toBe(0);
      const doc = JSON.parse(imported.out) as { jobId: number; status: string; fileCount: number };
      expect(doc).toMatchObject({ status: 'completed', fileCount: 2 });
      const jobs = (await (
        await fetch(`${address}api/jobs:list`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
          body: '{}',
        })
      ).json()) as { ok: boolean; value: { id: number; status: string }[] };
      expect(jobs.value).toEqual([expect.objectContaining({ id: doc.jobId, status: 'completed' })]);
      const discarded = await mediaparser(['discard', '1', '--db', dbPath]);
      expect(discarded).toMatchObject({ code: 0, out: expect.stringContaining('File 1 discarded') });
      expect(discarded.err).toContain(`This library is open in \`mediaparser serve\` at ${address}`);

      stop();
      expect(await run).toBe(0);
      expect(existsSync(lockPaths(dbPath).token)).toBe(false);
      expect(existsSync(lockPaths(dbPath).info)).toBe(false);
    },
    60_000,
  );
});
