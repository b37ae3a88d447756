/**
 * Camera clock correction in Chromium against `mediaparser serve`, on real photos whose times
 * ExifTool re-wrote (a camera session, a later outing, a phone beside it): from the details
 * panel "this photo was really taken at" on its session, and from the selection an offset;
 * each previewed, applied and undone.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { Api } from '../shared/contract.js';
import type { FileSummary, JobFinishedEvent } from '../shared/types.js';
import { buildClockFixture } from '../test-support/clock-fixture.js';
import { startServeApp, type ServeApp } from './fixtures/serve-app.js';

type PageWindow = { api: Api };

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp([]);
  await buildClockFixture(app.mediaDir);
});

test.afterAll(async () => {
  await app?.stop();
});

async function timesByName(page: Page): Promise<Map<string, FileSummary>> {
  const result = await page.evaluate(() => (globalThis as unknown as PageWindow).api.listFiles({ filter: 'all', limit: 1000 }));
  if (!result.ok) throw new Error(result.error.message);
  return new Map(result.value.items.map((f) => [f.originalName, f]));
}

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const timeOf = async (page: Page, name: string): Promise<string | null> => {
  const f = (await timesByName(page)).get(name)!;
  return f.finalTimestamp ?? f.detectedTimestamp;
};

test('fix a camera clock: preview, apply and undo, from a photo and from a selection', async ({ page }, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Tall enough that the timeline renders every card of this small library (it is virtualised).
  await page.setViewportSize({ width: 1280, height: 1600 });
  await page.goto(app.url);

  await test.step('import the folders', async () => {
    const finished = await page.evaluate(async (folder) => {
      const api = (globalThis as unknown as PageWindow).api;
      const seen: JobFinishedEvent[] = [];
      let jobId = -1;
      return new Promise<JobFinishedEvent>((resolve, reject) => {
        const done = (): void => {
          const e = seen.find((s) => s.jobId === jobId);
          if (e) {
            off();
            resolve(e);
          }
        };
        const off = api.onJobFinished((e) => {
          seen.push(e);
          done();
        });
        void api.startImport({ folders: [folder] }).then((r) => {
          if (!r.ok) return reject(new Error(r.error.message));
          jobId = r.value.jobId;
          done();
        });
      });
    }, app.mediaDir);
    expect(finished.status).toBe('completed');
  });

  const files = await timesByName(page);
  const anchor = files.get('canon-2.jpg')!;
  const before = new Map([...files].map(([name, f]) => [name, f.finalTimestamp ?? f.detectedTimestamp]));

  await test.step('from the details panel: this photo was really taken at 19:30, applied to its session', async () => {
    await page.getByTestId('nav-library').click();
    await page.getByTestId(`file-card-${anchor.id}`).click();
    await expect(page.getByTestId('file-details')).toContainText('canon-2.jpg');
    await page.getByTestId('file-details').getByTestId('open-clock-fix').click();
    const dialog = page.getByTestId('clock-fix');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('clock-scope-session')).toBeChecked();
    await dialog.getByTestId('clock-mode-actual').check();
    await dialog.getByTestId('clock-actual').fill('2003-12-04T19:30:00');
    await dialog.getByTestId('clock-preview').click();
    const rows = dialog.getByTestId('clock-preview-row');
    await expect(rows).toHaveCount(3);
    await expect(dialog.getByTestId('clock-preview-table')).toContainText('+1h 30m');
    await expect(rows.nth(0)).toContainText('canon-1.jpg');
    await expect(rows.nth(0)).toContainText('2003-12-04 08:16:52');
    await expect(rows.nth(0)).toContainText('2003/20031204_081652.jpg');
    await expect(rows.nth(2)).toContainText('2003/20031205_103000.jpg');
    await snap(page, testInfo, 'clock-fix-preview');
    // A preview changes nothing.
    expect(await timeOf(page, 'canon-1.jpg')).toBe(before.get('canon-1.jpg'));

    await dialog.getByTestId('clock-apply').click();
    await expect(dialog.getByTestId('clock-applied')).toContainText('Corrected 3 files by +1h 30m');
    await expect(page.getByTestId('details-date')).toContainText('2003-12-04 19:30:00');
    expect(await timeOf(page, 'canon-1.jpg')).toBe('2003-12-04T08:16:52');
    expect(await timeOf(page, 'canon-3.jpg')).toBe('2003-12-05T10:30:00');
    expect(await timeOf(page, 'canon-4.jpg')).toBe(before.get('canon-4.jpg'));
    expect(await timeOf(page, 'canon-5.jpg')).toBe(before.get('canon-5.jpg'));

    await dialog.getByTestId('clock-undo').click();
    await expect(dialog.getByTestId('clock-undone')).toContainText('3 files are back at their earlier time');
    await expect(page.getByTestId('details-date')).toContainText('2003-12-04 18:00:00');
    const after = await timesByName(page);
    for (const [name, f] of after) {
      expect(f.finalTimestamp ?? f.detectedTimestamp, name).toBe(before.get(name));
      expect(f.reviewedAt, name).toBeNull();
    }
    await dialog.getByTestId('clock-close').click();
    await expect(dialog).toHaveCount(0);
  });

  await test.step('from the selection: move two files by -8h', async () => {
    const later = files.get('canon-4.jpg')!;
    const phone = files.get('phone-1.jpg')!;
    await page.getByTestId(`file-card-${later.id}`).click();
    await page.getByTestId(`file-card-${phone.id}`).click({ modifiers: ['ControlOrMeta'] });
    await expect(page.getByTestId('selection-count')).toContainText('2 selected');
    await page.getByRole('toolbar', { name: 'Selected files' }).getByTestId('open-clock-fix').click();
    const dialog = page.getByTestId('clock-fix');
    await expect(dialog.getByTestId('clock-scope-selected')).toBeChecked();
    await dialog.getByTestId('clock-offset').fill('-8 hours');
    await dialog.getByTestId('clock-preview').click();
    await expect(dialog.getByTestId('clock-problem')).toContainText('not a clock correction');
    await expect(dialog.getByTestId('clock-apply')).toBeDisabled();
    await dialog.getByTestId('clock-offset').fill('-8h');
    await dialog.getByTestId('clock-preview').click();
    await expect(dialog.getByTestId('clock-preview-row')).toHaveCount(2);
    await expect(dialog.getByTestId('clock-preview-table')).toContainText('2003/20031208_020000.jpg');
    await dialog.getByTestId('clock-apply').click();
    await expect(dialog.getByTestId('clock-applied')).toContainText('Corrected 2 files by -8h');
    expect(await timeOf(page, 'canon-4.jpg')).toBe('2003-12-08T02:00:00');
    await expect(page.getByTestId(`file-card-${later.id}`).locator('.card-date')).toHaveText('2003-12-08 02:00');
    await dialog.getByTestId('clock-undo').click();
    await expect(dialog.getByTestId('clock-undone')).toContainText('2 files are back');
    expect(await timeOf(page, 'canon-4.jpg')).toBe(before.get('canon-4.jpg'));
    expect(await timeOf(page, 'phone-1.jpg')).toBe(before.get('phone-1.jpg'));
  });

  expect(pageErrors).toEqual([]);
});
