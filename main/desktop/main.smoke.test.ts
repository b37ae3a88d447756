/**
 * Smoke test of the real bundle: scripts/build-main.mjs builds dist/ into a temp folder, and the
 * bundled main.cjs runs in Node against a recording fake of the `electron` module
 * (testing/fake-electron.cjs), with the real core, a real database, the real bundled workers
 * and real corpus files. It proves the wiring main.ts does (order of start-up, window options,
 * IPC checks, CSP, navigation, thumbnails protocol, tray, notifications, quit and the resume
 * offer) where the Electron binary cannot run. The Playwright _electron spec covers the real thing.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../shared/contract.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORPUS = join(process.env.MEDIAPARSER_CORPUS ?? join(ROOT, '..', 'shared', 'corpus'), 'media');
const SOURCES = ['exiftool/Canon.jpg', 'exiftool/Apple.jpg', 'metadata-extractor/Olympus C860L.jpg'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the child process; the assertions check its shape.
type Loose = any;

interface Report {
  scenario: string;
  error?: string;
  exitCode: number;
  steps: Record<string, Loose>;
  record: Record<string, Loose>;
}

/** The desktop page's policy, directive by directive, written out so a change to it has to be made here too. */
const DESKTOP_POLICY: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', 'mediaparser:'],
  'media-src': ["'self'", 'blob:', 'mediaparser:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'mediaparser:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
};

function parsePolicy(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const directive of policy.split(';')) {
    const [name, ...values] = directive.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

let root: string;
let dist: string;
let userData: string;
let media: string;
let output: string;
let first: Report;
let second: Report;
let noRenderer: Report;

async function launch(scenario: 'first-run' | 'restart' | 'no-renderer'): Promise<Report> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--require',
      join(ROOT, 'test-support/fake-electron.cjs'),
      join(ROOT, 'test-support/smoke-driver.cjs'),
      join(dist, 'desktop', 'main.cjs'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        // The bundle lives in a temp folder; its external packages come from the repo.
        NODE_PATH: join(ROOT, 'node_modules'),
        MEDIAPARSER_USER_DATA: userData,
        MEDIAPARSER_DB: '',
        MEDIAPARSER_E2E: '1',
        MEDIAPARSER_E2E_PICK_SOURCE: media,
        MEDIAPARSER_E2E_PICK_OUTPUT: output,
        SMOKE_SCENARIO: scenario,
        SMOKE_OUTPUT: output,
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('SMOKE-REPORT '));
  if (!line) throw new Error(`no report from the ${scenario} run.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  const report = JSON.parse(line.slice('SMOKE-REPORT '.length)) as Report;
  if (report.error) throw new Error(`${scenario} failed: ${report.error}\nstderr:\n${stderr}`);
  return report;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mp-desktop-smoke-'));
  dist = join(root, 'dist');
  userData = join(root, 'user-data');
  media = join(root, 'media');
  output = join(root, 'output');
  await mkdir(output, { recursive: true });
  for (const rel of SOURCES) {
    await mkdir(dirname(join(media, rel)), { recursive: true });
    // These files are dated by their metadata (or not at all), so their mtimes do not matter.
    await copyFile(join(CORPUS, rel), join(media, rel));
  }
  await run(process.execPath, [join(ROOT, 'scripts/build-main.mjs'), '--out', dist], { cwd: ROOT });
  // The renderer is Vite's build; main only needs the file to exist (the fake window never renders it).
  await mkdir(join(dist, 'renderer'), { recursive: true });
  await writeFile(join(dist, 'renderer', 'index.html'), '<!doctype html><title>MediaParser</title>');
  first = await launch('first-run');
  second = await launch('restart');
  await rm(join(dist, 'renderer'), { recursive: true });
  noRenderer = await launch('no-renderer');
}, 180_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('bundled main process (fake Electron)', () => {
  it('declares the thumbnail scheme privileged before ready and takes the single-instance lock', () => {
    expect(first.record.privilegedBeforeReady).toBe(true);
    expect(first.record.privilegedSchemes).toEqual([
      { scheme: 'mediaparser', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    expect(first.record.singleInstanceLock).toBe(true);
    expect(first.record.protocolHandlers).toEqual(['mediaparser']);
  });

  it('migrates the database in the user-data folder before the first window, which is locked down', () => {
    const [win] = first.record.windows;
    expect(first.record.windows).toHaveLength(1);
    expect(win.dbExisted).toBe(true);
    expect(win.preloadExists).toBe(true);
    expect(win.loadedFile).toBe(join(dist, 'renderer', 'index.html'));
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(first.steps.appInfo).toMatchObject({
      ok: true,
      value: {
        transport: 'ipc',
        nativeDialogs: true,
        dbPath: join(userData, 'mediaparser.db'),
        thumbnailUrl: 'mediaparser://thumb/{id}?size={size}',
      },
    });
  });

  it('binds every contract channel and refuses other senders and invalid requests', () => {
    expect(first.record.ipcHandlers).toEqual([...INVOKE_CHANNELS].sort());
    for (const step of ['untrusted', 'subframe', 'goneFrame', 'otherContents']) {
      expect(first.steps[step], step).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    }
    expect(first.steps.invalid).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('puts the CSP on documents, the same as the page’s own <meta>, and refuses navigation, new windows, webviews and permissions', async () => {
    // Replaced the policy the response carried, whatever its case.
    expect(Object.keys(first.steps.csp.mainFrame.responseHeaders)).toEqual(['Content-Security-Policy']);
    const header: string[] = first.steps.csp.mainFrame.responseHeaders['Content-Security-Policy'];
    expect(header).toHaveLength(1);
    expect(parsePolicy(header[0]!)).toEqual({ ...DESKTOP_POLICY, 'frame-ancestors': ["'none'"] });
    // Without any header (a file:// load the hook misses), the page still holds itself to it.
    const html = await readFile(join(ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.search(/<script\b/i));
    expect(parsePolicy(meta!)).toEqual(DESKTOP_POLICY);
    for (const policy of [header[0]!, meta!]) {
      expect(policy).not.toContain('unsafe-eval');
      expect(parsePolicy(policy)['script-src']).toEqual(["'self'"]);
    }
    expect(first.steps.csp.script).toEqual({});
    expect(first.steps.navigation).toEqual({ evil: true, otherFile: true, ours: false });
    expect(first.steps.windowOpen).toEqual({ https: { action: 'deny' }, file: { action: 'deny' } });
    expect(first.record.shell).toContain('openExternal https://example.com/help');
    expect(first.record.shell.filter((s: string) => s.startsWith('openExternal'))).toHaveLength(1);
    expect(first.steps.webviewBlocked).toBe(true);
    expect(first.steps.permission).toBe(false);
  });

  it('answers the folder pickers from the e2e stub, and reveals the output folder without opening it', () => {
    expect(first.steps.pickSource).toEqual({ ok: true, value: { paths: [media] } });
    expect(first.steps.pickOutput).toEqual({ ok: true, value: { paths: [output] } });
    expect(first.record.openDialogs).toEqual([]);
    expect(first.steps.setSettings).toMatchObject({ ok: true, value: { outputDirectory: output } });
    expect(first.steps.showPath).toEqual({ ok: true, value: { shown: true } });
    expect(first.record.shell).toContain(`showItemInFolder ${output}`);
    expect(first.record.shell.filter((s: string) => s.startsWith('openPath'))).toEqual([]);
  });

  it('imports with the bundled worker, forwards events, and updates tray, taskbar and notifications', () => {
    expect(first.steps.importFinished).toMatchObject({ type: 'import', status: 'completed', filesTotal: SOURCES.length });
    expect(first.steps.fileCount).toBe(SOURCES.length);
    const channels = new Set(first.record.sent.map((s: { channel: string }) => s.channel));
    expect(channels).toEqual(new Set(['job:status', 'job:progress', 'job:finished']));
    expect(first.record.trayTooltips[0]).toBe('MediaParser');
    expect(first.record.trayTooltips).toContain(`Import finished: ${SOURCES.length} files imported`);
    expect(first.record.notifications).toContainEqual({
      title: 'Import finished',
      body: `${SOURCES.length} files imported.`,
    });
    expect(first.record.progressBars[0]).toEqual({ progress: -1, mode: 'none' });
  });

  it('serves thumbnails through the custom protocol', async () => {
    expect(first.steps.thumbnail.status).toBe(200);
    expect(first.steps.thumbnail.type).toMatch(/^image\//);
    const image = await sharp(Buffer.from(first.steps.thumbnail.base64, 'base64')).metadata();
    expect(`image/${image.format}`).toBe(first.steps.thumbnail.type);
    expect(image.width).toBeGreaterThan(0);
    expect(first.steps.missingThumbnail).toBe(404);
  });

  it('pauses the export, offers Resume in the tray, and quits cleanly', () => {
    expect(first.steps.exportStart).toMatchObject({ ok: true, value: { status: 'queued', fileCount: 3 } });
    expect(first.steps.pause).toMatchObject({ ok: true, value: { status: 'paused' } });
    expect(first.record.trayMenus.at(-1)).toContainEqual({ id: 'pause-resume', label: 'Resume', enabled: true });
    expect(first.record.progressBars.at(-1)?.mode).toBe('paused');
    expect(first.record.quitEvents).toEqual(['before-quit', 'prevented', 'before-quit', 'quit']);
    expect(first.exitCode).toBe(0);
  });

  it('offers to resume at the next start and finishes the export when accepted', async () => {
    expect(second.record.messageBoxes).toHaveLength(1);
    expect(second.record.messageBoxes[0]).toMatchObject({
      message: expect.stringMatching(/^Your last export was paused/),
      buttons: ['Resume', 'Not now'],
    });
    expect(second.steps.exportFinished).toMatchObject({ type: 'export', status: 'completed', outputDir: output });
    expect(second.record.notifications.at(-1)).toEqual({
      title: 'Export finished',
      body: `3 files exported to ${output}.`,
    });
    expect(second.record.trayTooltips.at(-1)).toBe('Export finished: 3 files exported');
    // The two dated photos in year folders, the one without a date in unknown/.
    expect((await readdir(output)).sort()).toEqual(['2003', '2016', 'mediaparser-manifest.jsonl', 'unknown']);
    expect(second.record.quitEvents.at(-1)).toBe('quit');
  });

  it('explains a missing renderer build instead of running without a window', () => {
    expect(noRenderer.record.windows).toEqual([]);
    expect(noRenderer.record.errorBoxes).toEqual([
      { title: 'MediaParser cannot start', content: expect.stringContaining('npm run build') },
    ]);
    expect(noRenderer.record.quitEvents.at(-1)).toBe('quit');
  });

  it('logs refused senders to the log file in the logs folder', async () => {
    const log = await readFile(join(userData, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('Refused app:info from an untrusted frame: https://evil.example/');
  });
});
