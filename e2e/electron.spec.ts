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
import { copyCorpus, exportJob, listTree, oracle, REPO_ROOT, sha256 } from './fixtures/serve-app.js';

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

/** Dated photos from several years, names-only dates, and undated files: enough that a pause lands mid-export. */
const SOURCES = [
  'exif-samples/DSCN0010.jpg',
  'exiftool/Canon.jpg',
  'exiftool/NikonD70.jpg',
  'exiftool/Kodak.jpg',
  'lychee/hochuferweg.jpg',
  'metadata-extractor/Apple iPhone 4.jpg',
  'metadata-extractor/Samsung SM-J327T1.jpg',
  'metadata-extractor/Nikon D5000.jpg',
  'immich/empty_gps.jpg',
  'names/IMG_20190514_103000.jpg',
  'names/Screenshot_2021-07-04-18-30-00.png',
  'names/IMG_0001.JPG',
  'names/DSC_0042.JPG',
] as const;
/** The undated file dated by hand in the details pane, and where that date puts it. */
const DATED_BY_HAND = { name: 'IMG_0001.JPG', typed: '2015-05-05T10:20:30', output: '2015/20150505_102030.jpg' };
/** The file discarded in review; its bytes must not reach the archive. */
const DISCARDED = 'exiftool/Kodak.jpg';

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
        // The database must be this run's, in its user-data folder, whatever the shell has set.
        MEDIAPARSER_DB: '',
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

  test('import -> review -> export -> pause -> resume in the window, then the archive on disk', async ({}, testInfo) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
    });
    const snap = async (name: string) => {
      const path = testInfo.outputPath(`electron-${name}.png`);
      await page.screenshot({ path });
      await testInfo.attach(`electron-${name}`, { path, contentType: 'image/png' });
    };
    const files = async () => {
      const result = await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).api.listFiles({ filter: 'all', limit: 1000 }),
      );
      if (!result.ok) throw new Error(result.error.message);
      return new Map(result.value.items.map((f) => [f.originalName, f]));
    };

    await test.step('import through the (stubbed) native folder picker', async () => {
      await page.getByTestId('nav-import').click();
      await page.getByTestId('pick-source-folder').click();
      await expect(page.getByTestId('source-folder-list')).toContainText(mediaDir);
      await snap('01-import');
      await page.getByTestId('start-import').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
      await expect(page.getByTestId('job-files')).toContainText(`${SOURCES.length} of ${SOURCES.length}`);
    });

    const byName = await files();
    const undated = byName.get(DATED_BY_HAND.name)!;
    const discarded = byName.get(DISCARDED.split('/').pop()!)!;
    expect(undated.finalTimestamp ?? undated.detectedTimestamp).toBeNull();

    await test.step('review: date an undated file (its preview comes through mediaparser://)', async () => {
      await page.getByTestId('nav-library').click();
      await page.getByTestId('filter-undated').click();
      await page.getByTestId(`file-card-${undated.id}`).click();
      await expect(page.getByTestId('file-details')).toContainText(DATED_BY_HAND.name);
      const preview = page.getByTestId('file-details').getByAltText(`Preview of ${DATED_BY_HAND.name}`);
      await expect
        .poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBeGreaterThan(0);
      await page.getByTestId('date-input').fill(DATED_BY_HAND.typed);
      await page.getByTestId('save-date').click();
      await expect.poll(async () => (await files()).get(DATED_BY_HAND.name)?.finalTimestamp).toMatch(/^2015-05-05T10:20:30/);
      await snap('02-details-dated');
    });

    await test.step('review: discard one file', async () => {
      await page.getByTestId('filter-all').click();
      await page.getByTestId(`file-card-${discarded.id}`).click();
      await page.getByTestId('discard-file').click();
      await expect(page.getByTestId('restore-file')).toBeVisible();
      await expect.poll(async () => (await files()).get(discarded.originalName)?.discarded).toBe(true);
    });

    await test.step('output folder through the (stubbed) native picker, kept in settings', async () => {
      await page.getByTestId('nav-export').click();
      await page.getByTestId('pick-output-folder').click();
      await expect(page.getByTestId('output-folder')).toHaveText(outputDir);
      const settings = await page.evaluate(() => (globalThis as unknown as PageGlobals).api.getSettings({}));
      expect(settings).toMatchObject({ ok: true, value: { outputDirectory: outputDir } });
      await expect(page.getByTestId('preview-file-count')).toHaveText(String(SOURCES.length - 1));
      await snap('03-export-preview');
    });

    await test.step('export, pause, resume, finish', async () => {
      await page.getByTestId('start-export').click();
      // Booting the worker and copying a dozen files takes far longer than a click.
      await page.getByTestId('pause-job').click();
      await expect.poll(async () => (await exportJob(page)).status).toBe('paused');
      const job = await exportJob(page);
      expect(job.filesDone, 'the pause landed before the export finished').toBeLessThan(SOURCES.length - 1);
      // The taskbar progress bar and tray follow the job in main.
      await expect(page.getByTestId('resume-job')).toBeVisible();
      await snap('04-export-paused');
      await page.getByTestId('resume-job').click();
      await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
      await expect(page.getByTestId('export-summary')).toBeVisible();
      await expect(page.getByTestId('show-in-folder')).toBeVisible();
      const finished = await waitFinished(job.id);
      expect(finished).toMatchObject({ type: 'export', status: 'completed', errorCount: 0, outputDir });
      const seq = (await page.evaluate(() => (globalThis as unknown as PageGlobals).__statuses))
        .filter((e) => e.jobId === job.id)
        .map((e) => e.status);
      expect(seq.slice(seq.indexOf('paused') + 1), seq.join(' > ')).toContain('running');
      await snap('05-export-summary');
    });

    await test.step('the archive on disk and the untouched originals', async () => {
      const tree = await listTree(outputDir);
      expect(tree).toHaveLength(SOURCES.length - 1);
      expect(tree).toContain(DATED_BY_HAND.output);
      expect(tree).toContain('2003/20031204_064652.jpg');
      for (const p of tree.filter((t) => !t.startsWith('unknown/'))) {
        const m = /^(\d{4})\/(\d{4})\d{4}_\d{6}\.[a-z0-9]+$/.exec(p);
        expect(m, p).not.toBeNull();
        expect(m![1]).toBe(m![2]);
      }
      const records = await oracle();
      for (const p of tree) expect(await sha256(join(outputDir, p)), p).not.toBe(records[DISCARDED]!.sha256);
      expect(await sha256(join(outputDir, DATED_BY_HAND.output))).toBe(records[`names/${DATED_BY_HAND.name}`]!.sha256);
      expect((await listTree(mediaDir)).sort()).toEqual([...SOURCES].sort());
      for (const rel of SOURCES) expect(await sha256(join(mediaDir, rel)), rel).toBe(records[rel]!.sha256);
    });

    expect(pageErrors).toEqual([]);
  });
});
