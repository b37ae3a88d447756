/**
 * The naming template in Chromium against `mediaparser serve`, on real corpus media: typed on the
 * Export screen, names previewed live by the real core, a hostile template refused inline, and
 * the archive on disk built with the template the export saved.
 */
import { expect, test } from '@playwright/test';
import type { Api } from '../shared/contract.js';
import { exportJob, listTree, startServeApp, type ServeApp } from './fixtures/serve-app.js';

type PageWindow = { api: Api };

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp(['exiftool/Canon.jpg', 'exiftool/NikonD70.jpg', 'exiftool/GIF.gif']);
});

test.afterAll(async () => {
  await app?.stop();
});

test('name the archive with a template: live names, inline refusal, the tree on disk', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(app.url);
  const imported = await page.evaluate(async (folder) => {
    const api = (globalThis as unknown as PageWindow).api;
    const started = await api.startImport({ folders: [folder] });
    if (!started.ok) throw new Error(started.error.message);
    for (;;) {
      const job = await api.getJob({ id: started.value.jobId });
      if (job.ok && job.value.status !== 'queued' && job.value.status !== 'running') return job.value.status;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, app.mediaDir);
  expect(imported).toBe('completed');

  await page.getByTestId('nav-export').click();
  await page.getByTestId('output-folder-input').fill(app.outputDir);
  await page.getByTestId('set-output-folder').click();
  await expect(page.getByTestId('name-examples')).toContainText('Canon.jpg → 2003/20031204_064652.jpg');
  await expect(page.getByTestId('name-examples')).toContainText('GIF.gif → unknown/GIF.gif');

  const input = page.getByTestId('name-template');
  await input.fill('{YYYY}/../{name}');
  await expect(page.getByTestId('name-template-problem')).toContainText('outside the archive');
  await expect(page.getByTestId('start-export')).toBeDisabled();

  await input.fill('{YYYY}/{MM}/{YYYY}-{MM}-{DD} {hh}.{mm}.{ss} {name}');
  await expect(page.getByTestId('name-template-problem')).toHaveCount(0);
  await expect(page.getByTestId('name-examples')).toContainText('Canon.jpg → 2003/12/2003-12-04 06.46.52 Canon.jpg');
  await page.getByTestId('start-export').click();
  await expect(page.getByTestId('export-summary')).toBeVisible();
  expect((await exportJob(page)).status).toBe('completed');

  expect(await listTree(app.outputDir)).toEqual([
    '2003/12/2003-12-04 06.46.52 Canon.jpg',
    '2005/01/2005-01-14 08.57.59 NikonD70.jpg',
    'mediaparser-manifest.jsonl',
    'unknown/GIF.gif',
    // A GIF cannot take metadata: its folder tag ("exiftool") goes into an XMP sidecar under its name.
    'unknown/GIF.xmp',
  ]);
  const saved = await page.evaluate(() => (globalThis as unknown as PageWindow).api.getSettings({}));
  expect(saved.ok && saved.value.nameTemplate).toBe('{YYYY}/{MM}/{YYYY}-{MM}-{DD} {hh}.{mm}.{ss} {name}');
  expect(pageErrors).toEqual([]);
});
