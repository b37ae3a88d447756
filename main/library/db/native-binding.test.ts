/**
 * Which better-sqlite3 build a process loads: the choice on real files, the real database opener
 * in a child process that says it is Electron, and `npm start`'s preparation script run offline.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { chooseNativeBinding, electronBindingPath, type BindingTarget } from './native-binding.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'prepare-electron-native.mjs');
const require = createRequire(import.meta.url);
const NODE_MODULES = dirname(dirname(require.resolve('better-sqlite3/package.json')));
const SQLITE_VERSION = (require('better-sqlite3/package.json') as { version: string }).version;
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

describe('chooseNativeBinding', () => {
  let tmp: string;
  const target: BindingTarget = { electron: '45.5.0', version: '12.11.1', platform: 'linux', arch: 'x64' };
  beforeEach(async () => {
    tmp = await makeTempDir('native-binding');
  });
  afterEach(() => removeDir(tmp));

  async function place(t: BindingTarget & { electron: string }): Promise<string> {
    const path = electronBindingPath(tmp, t);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, 'addon');
    return path;
  }

  it('keeps better-sqlite3’s own lookup under Node, even with an Electron build present', async () => {
    await place({ ...target, electron: '45.5.0' });
    expect(chooseNativeBinding(tmp, { ...target, electron: undefined }, existsSync)).toBeUndefined();
  });

  it('picks the Electron build under Electron when it exists, under node_modules/.cache', async () => {
    const path = await place({ ...target, electron: '45.5.0' });
    expect(chooseNativeBinding(tmp, target, existsSync)).toBe(path);
    expect(path.startsWith(join(tmp, '.cache', 'mediaparser', 'electron-native') + '/')).toBe(true);
    expect(path.endsWith('/better_sqlite3.node')).toBe(true);
  });

  it('falls back to the module in place (the packaged app, rebuilt by electron-builder) when there is none', () => {
    expect(chooseNativeBinding(tmp, target, existsSync)).toBeUndefined();
  });

  it('never takes a build made for another Electron, better-sqlite3, platform or architecture', async () => {
    await place({ ...target, electron: '44.0.0' });
    await place({ ...target, electron: '45.5.0', version: '12.10.0' });
    await place({ ...target, electron: '45.5.0', platform: 'darwin' });
    await place({ ...target, electron: '45.5.0', arch: 'arm64' });
    expect(chooseNativeBinding(tmp, target, existsSync)).toBeUndefined();
  });

  it('names the same file as the script `npm start` runs to prepare it', async () => {
    const script = (await import(pathToFileURL(SCRIPT).href)) as { electronBindingPath: typeof electronBindingPath };
    const t = { ...target, electron: '45.5.0' };
    expect(script.electronBindingPath('/x/node_modules', t)).toBe(electronBindingPath('/x/node_modules', t));
  });
});

describe('openDatabase under a process that reports Electron', () => {
  // A version no real Electron has, so the file this test places never meets a real one.
  const electron = '0.0.0-mediaparser-test';
  const planted = electronBindingPath(NODE_MODULES, { electron, version: SQLITE_VERSION, platform: process.platform, arch: process.arch });
  let tmp: string;
  beforeEach(async () => {
    tmp = await makeTempDir('native-binding-open');
  });
  afterEach(async () => {
    await rm(dirname(planted), { recursive: true, force: true });
    await removeDir(tmp);
  });

  /** Opens a database in a child process; `electron` set makes it look like Electron's Node. */
  function openInChild(asElectron: boolean): Promise<{ code: number | null; stderr: string }> {
    const code = [
      asElectron ? `Object.defineProperty(process.versions, 'electron', { value: ${JSON.stringify(electron)} });` : '',
      `const { openDatabase } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'main/library/db/open-db.ts')).href)});`,
      `openDatabase(${JSON.stringify(join(tmp, 'db.sqlite'))}).close();`,
    ].join('\n');
    const register = pathToFileURL(join(ROOT, 'main/protocol/register-tsx.mjs')).href;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', register, '--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stderr }));
    });
  }

  it('loads the planted Electron build (here an invalid file, so the error names it) and the Node build otherwise', async () => {
    await mkdir(dirname(planted), { recursive: true });
    await writeFile(planted, 'not a shared library');
    const asElectron = await openInChild(true);
    expect(asElectron.code).not.toBe(0);
    expect(asElectron.stderr).toContain(planted);
    const asNode = await openInChild(false);
    expect(asNode.stderr).toBe('');
    expect(asNode.code).toBe(0);
  });
});

describe('scripts/prepare-electron-native.mjs', () => {
  let tmp: string;
  let mirror: Server;
  let mirrorUrl: string;
  const requested: string[] = [];
  beforeEach(async () => {
    tmp = await makeTempDir('native-prepare');
    // Stands in for GitHub and electronjs.org with nothing to offer: offline, deterministically.
    mirror = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => mirror.close(resolve));
    await removeDir(tmp);
  });

  async function runOffline(): Promise<{ code: number; stderr: string }> {
    const env = {
      ...process.env,
      npm_config_better_sqlite3_binary_host: mirrorUrl,
      npm_config_dist_url: mirrorUrl,
      npm_config_devdir: join(tmp, 'gyp'),
      // As npm sets it from a user's config: must not make node-gyp build against Node's headers.
      npm_config_nodedir: '/usr',
    };
    try {
      const { stderr } = await promisify(execFile)(process.execPath, [SCRIPT, '--cache-root', tmp], { env });
      return { code: 0, stderr };
    } catch (e) {
      const failed = e as { code: number; stderr: string };
      return { code: failed.code, stderr: failed.stderr };
    }
  }

  const target = () => electronBindingPath(tmp, { electron: ELECTRON_VERSION, version: SQLITE_VERSION, platform: process.platform, arch: process.arch });

  it('offline, says exactly which file is missing, where it goes and how to get it, and exits 1', async () => {
    requested.length = 0;
    const { code, stderr } = await runOffline();
    expect(code).toBe(1);
    expect(stderr).toContain(`better-sqlite3 (the SQLite driver) has no build for Electron ${ELECTRON_VERSION}`);
    expect(stderr).toContain(`It belongs at ${target()}`);
    expect(stderr).toMatch(/Downloading it failed: .*No prebuilt binaries found/);
    expect(stderr).toMatch(new RegExp(`Compiling it failed: .*${mirrorUrl.replace(/\./g, '\\.')}/v${ELECTRON_VERSION}/`));
    expect(stderr).toContain(`${mirrorUrl}/v${SQLITE_VERSION}/better-sqlite3-v${SQLITE_VERSION}-electron-v`);
    expect(stderr).toContain('run `npm start` again');
    // It asked for the Electron build and for Electron's headers, nothing for the system Node.
    expect(requested.some((u) => u.includes('-electron-v'))).toBe(true);
    expect(requested.some((u) => u.startsWith(`/v${ELECTRON_VERSION}/`))).toBe(true);
    // Nothing half-made is left behind.
    expect(await readdir(dirname(dirname(target())))).toEqual([]);
  }, 60_000);

  it('is satisfied by a build already in place, leaving only the Electron binary to report', async () => {
    await mkdir(dirname(target()), { recursive: true });
    await writeFile(target(), 'addon');
    const { code, stderr } = await runOffline();
    expect(stderr).not.toContain('better-sqlite3');
    const electronInstalled = existsSync(join(NODE_MODULES, 'electron', 'path.txt'));
    expect(code).toBe(electronInstalled ? 0 : 1);
    if (!electronInstalled) expect(stderr).toContain('node node_modules/electron/install.js');
  });
});
