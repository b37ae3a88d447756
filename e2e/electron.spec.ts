/**
 * The desktop app itself, through Playwright's `_electron`: the real main process, preload and
 * IPC on a fresh user-data folder, with the native folder pickers stubbed in main
 * (MEDIAPARSER_E2E=1 + MEDIAPARSER_E2E_PICK_SOURCE/_OUTPUT). The import -> review -> export ->
 * pause -> resume flow is driven through `window.api`, which is exactly what the UI calls; the
 * click-by-click UI flow is covered by the Chromium specs against serve mode.
 *
 * Runs wherever the Electron binary is installed; skipped, saying why, where it is not (the
 * npm package may be installed with ELECTRON_SKIP_BINARY_DOWNLOAD, which leaves types only).
 * Never `require('electron')` here: without a binary that call tries to download one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { API_METHODS, type Api } from '../shared/contract.js';
import type { JobFinishedEvent, JobStatusEvent } from '../shared/types.js';
import { copyCorpus, listTree, oracle, REPO_ROOT, sha256 } from './fixtures/serve-app.js';

/** Where the electron package keeps its binary, without triggering its download-on-require. */
function findElectron(): { executable: string } | { reason: string } {
  const pkg = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason: `Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): ${pathFile} does not exist. Run "npx install-electron" to enable this spec.`,
    };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const executable = join(base, relative);
  if (!existsSync(executable)) return { reason: `Electron binary not installed: ${executable} does not exist.` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'No display for Electron (DISPLAY/WAYLAND_DISPLAY unset); run the tests under xvfb-run.' };
  }
  return { executable };
}

const found = findElectron();
const skipReason = 'reason' in found ? found.reason : null;
if (skipReason) console.log(`[electron.spec] skipped: ${skipReason}`);

/** The corpus files imported: two dated photos, one to discard, one with only zero dates. */
const DATED = ['exiftool/Canon.jpg', 'exiftool/Apple.jpg'];
const DISCARD = 'exiftool/Google.jpg';
const UNDATED = 'metadata-extractor/Olympus C860L.jpg';
const SOURCES = [...DATED, DISCARD, UNDATED];
const TYPED_DATE = '2001-02-03T04:05:06';

/** The page's globals as these tests use them (the node tsconfig has no DOM lib). */
type PageGlobals = {
  api: Api;
  __finished: Record<number, JobFinishedEvent>;
  __statuses: JobStatusEvent[];
  require?: unknown;
  process?: unknown;
  open: (url: string) => unknown;
  desktopFiles: { pathForFile(file: unknown): string | null };
};

test.describe('desktop app (Electron)', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  test.describe.configure({ mode: 'serial' });

  let root: string;
  let mediaDir: string;
  let outputDir: string;
  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    if ('reason' in found) return;
    // test:e2e builds the renderer; the main-process bundle is built here so the spec never runs a stale one.
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-main.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (!existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
      throw new Error('dist/renderer/index.html is missing: run "npm run build:renderer" first.');
    }
    root = await mkdtemp(join(tmpdir(), 'mediaparser-electron-e2e-'));
    mediaDir = join(root, 'media');
    outputDir = join(root, 'output');
    await mkdir(outputDir, { recursive: true });
    await copyCorpus(SOURCES, mediaDir);

    app = await electron.launch({
      executablePath: found.executable,
      // Chromium refuses its OS sandbox as root (CI containers); the page keeps sandbox: true.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT],
      cwd: REPO_ROOT,
      env: {
        ...(process.env as Record<string, string>),
        MEDIAPARSER_USER_DATA: join(root, 'user-data'),
        MEDIAPARSER_E2E: '1',
        MEDIAPARSER_E2E_PICK_SOURCE: mediaDir,
        MEDIAPARSER_E2E_PICK_OUTPUT: outputDir,
      },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.__finished = {};
      w.__statuses = [];
      w.api.onJobFinished((event) => {
        w.__finished[event.jobId] = event;
      });
      w.api.onJobStatus((event) => {
        w.__statuses.push(event);
      });
    });
  });

  test.afterAll(async () => {
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function waitFinished(jobId: number): Promise<JobFinishedEvent> {
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).__finished[id] !== undefined, jobId, {
      timeout: 90_000,
    });
    return page.evaluate((id) => (globalThis as unknown as PageGlobals).__finished[id]!, jobId);
  }

  test('the window is locked down: no Node, exactly the contract API, no new windows', async () => {
    const globals = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { require: typeof w.require, process: typeof w.process, keys: Object.keys(w.api).sort() };
    });
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', keys: API_METHODS });
    const desktopFiles = await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).desktopFiles));
    expect(desktopFiles).toEqual(['pathForFile']);

    // The CSP main sets on the file:// document is in force: no eval, no inline script.
    const csp = await page.evaluate(() => {
      let evalAllowed = true;
      try {
        (0, eval)('1');
      } catch {
        evalAllowed = false;
      }
      return { evalAllowed };
    });
    expect(csp).toEqual({ evalAllowed: false });

    const windowsBefore = app.windows().length;
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(windowsBefore);

    const pageUrl = () =>
      app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    const ours = await pageUrl();
    expect(ours).toMatch(/\/dist\/renderer\/index\.html/);

    // Navigation away is refused by main: a listener added after main's own hook sees the event
    // already prevented (listeners run in the order they were added).
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      (globalThis as unknown as { navigationRefused: Promise<boolean> }).navigationRefused = new Promise((resolve) => {
        contents.once('will-frame-navigate', (event) => resolve(event.defaultPrevented));
      });
    });
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    expect(await app.evaluate(() => (globalThis as unknown as { navigationRefused: Promise<boolean> }).navigationRefused)).toBe(true);
    expect(await pageUrl()).toBe(ours);

    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.getAppInfo({}));
    expect(info).toMatchObject({ ok: true, value: { transport: 'ipc', nativeDialogs: true } });
    if (info.ok) expect(info.value.dbPath).toBe(join(root, 'user-data', 'mediaparser.db'));
  });

  test('import -> review -> export -> pause -> resume, then the output tree on disk', async ({}, testInfo) => {
    // Source folder from the (stubbed) native picker.
    const picked = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).api.pickFolder({ purpose: 'source', multiple: true }),
    );
    expect(picked).toEqual({ ok: true, value: { paths: [mediaDir] } });

    const started = await page.evaluate(
      (folders) => (globalThis as unknown as PageGlobals).api.startImport({ folders }),
      [mediaDir],
    );
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const imported = await waitFinished(started.value.jobId);
    expect(imported).toMatchObject({ type: 'import', status: 'completed', filesTotal: SOURCES.length });
    await page.screenshot({ path: testInfo.outputPath('electron-after-import.png') });

    // Review: date the undated file, discard one.
    const all = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.listFiles({ filter: 'all' }));
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(all.value.total).toBe(SOURCES.length);
    const byName = new Map(all.value.items.map((f) => [f.originalName, f]));
    const undated = byName.get('Olympus C860L.jpg')!;
    const discard = byName.get('Google.jpg')!;
    expect(undated.finalTimestamp ?? undated.detectedTimestamp).toBeNull();

    const dated = await page.evaluate(
      ([id, timestamp]) => (globalThis as unknown as PageGlobals).api.setFileDate({ id, timestamp }),
      [undated.id, TYPED_DATE] as const,
    );
    expect(dated).toMatchObject({ ok: true, value: { id: undated.id } });
    const discarded = await page.evaluate(
      (id) => (globalThis as unknown as PageGlobals).api.discardFile({ id }),
      discard.id,
    );
    expect(discarded).toMatchObject({ ok: true, value: { discarded: true } });

    // Thumbnails come through the custom protocol.
    const thumb = await page.evaluate(async (id) => {
      const response = await fetch(`mediaparser://thumb/${id}?size=small`);
      return { status: response.status, type: response.headers.get('content-type') };
    }, byName.get('Canon.jpg')!.id);
    expect(thumb.status).toBe(200);
    expect(thumb.type).toMatch(/^image\//);

    // Output folder from the picker, persisted in settings.
    const output = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).api.pickFolder({ purpose: 'output', multiple: false }),
    );
    expect(output).toEqual({ ok: true, value: { paths: [outputDir] } });
    await page.evaluate((dir) => (globalThis as unknown as PageGlobals).api.setSettings({ outputDirectory: dir }), outputDir);
    const settings = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.getSettings({}));
    expect(settings).toMatchObject({ ok: true, value: { outputDirectory: outputDir } });

    const preview = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.previewExport({}));
    expect(preview).toMatchObject({ ok: true, value: { fileCount: SOURCES.length - 1, undatedCount: 0 } });

    // Export, paused at once and resumed. A tiny export may finish before the pause lands;
    // then there is nothing to resume and the job must simply be complete.
    const exportJob = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.startExport({}));
    expect(exportJob).toMatchObject({ ok: true, value: { status: 'queued', fileCount: SOURCES.length - 1 } });
    if (!exportJob.ok) return;
    const jobId = exportJob.value.jobId;
    const paused = await page.evaluate((id) => (globalThis as unknown as PageGlobals).api.pauseJob({ id }), jobId);
    if (paused.ok) {
      await page.waitForFunction(
        (id) => {
          const w = globalThis as unknown as PageGlobals;
          return w.__statuses.some((s) => s.jobId === id && s.status === 'paused') || w.__finished[id] !== undefined;
        },
        jobId,
      );
      const job = await page.evaluate((id) => (globalThis as unknown as PageGlobals).api.getJob({ id }), jobId);
      if (job.ok && job.value.status === 'paused') {
        await page.screenshot({ path: testInfo.outputPath('electron-export-paused.png') });
        const resumed = await page.evaluate((id) => (globalThis as unknown as PageGlobals).api.resumeJob({ id }), jobId);
        expect(resumed.ok).toBe(true);
      }
    }
    const done = await waitFinished(jobId);
    expect(done).toMatchObject({ type: 'export', status: 'completed', errorCount: 0, outputDir });
    await page.screenshot({ path: testInfo.outputPath('electron-export-done.png') });

    // The output tree: year folders, capture-time names, the typed date used, the discarded file absent.
    const tree = await listTree(outputDir);
    expect(tree).toHaveLength(SOURCES.length - 1);
    expect(tree).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^2003\/20031204_064652\.jpe?g$/i),
        expect.stringMatching(/^2016\/20160928_181805\.jpe?g$/i),
        expect.stringMatching(/^2001\/20010203_040506\.jpe?g$/i),
      ]),
    );
    const records = await oracle();
    const outputHashes = await Promise.all(tree.map((rel) => sha256(join(outputDir, rel))));
    expect(outputHashes).not.toContain(records[DISCARD]!.sha256);
    // Originals untouched.
    for (const rel of SOURCES) expect(await sha256(join(mediaDir, rel))).toBe(records[rel]!.sha256);
  });
});
