/**
 * Reviewing a family library in Chromium against `mediaparser serve`, on real corpus media:
 * the import summary, "Review the files" landing in Needs review, keyboard triage (accept, type a
 * scan's date, discard, undo, next/previous, the keys sheet), the timeline (day headers, year
 * scrubber, no reflow when details open), and axe-core on every screen in light and dark mode.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { Api } from '../shared/contract.js';
import type { FileSummary } from '../shared/types.js';
import { importFolder, snap, startServeApp, type ServeApp } from './fixtures/serve-app.js';

const MEDIA = [
  'exif-samples/DSCN0010.jpg',
  'exiftool/Canon.jpg',
  'exiftool/NikonD70.jpg',
  'exiftool/Kodak.jpg',
  'metadata-extractor/Apple iPhone 4.jpg',
  'names/IMG_20190514_103000.jpg',
  'names/Screenshot_2021-07-04-18-30-00.png',
  'names/IMG_0001.JPG',
  'names/DSC_0042.JPG',
  'names/IMG_20191332_250000.jpg',
] as const;

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp(MEDIA);
});

test.afterAll(async () => {
  await app?.stop();
});

type PageWindow = { api: Api };

async function list(page: Page, filter: 'all' | 'needs-review' | 'undated'): Promise<FileSummary[]> {
  const result = await page.evaluate((f) => (globalThis as unknown as PageWindow).api.listFiles({ filter: f, limit: 1000 }), filter);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.items;
}

async function file(page: Page, id: number): Promise<FileSummary> {
  const result = await page.evaluate((fileId) => (globalThis as unknown as PageWindow).api.getFile({ id: fileId }), id);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Serious and critical axe-core violations on the page as it is now, with where they are. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('import summary, keyboard triage, timeline and no reflow', async ({ page }, testInfo) => {
  await page.goto(app.url);
  // The Library is opened before the import: it must not stay "No files here." afterwards.
  await page.getByTestId('nav-library').click();
  await expect(page.getByTestId('library-count')).toHaveText('No files here.');

  await test.step('import, summary in numbers, Review the files opens Needs review', async () => {
    await importFolder(page, app.mediaDir);
    await expect(page.getByTestId('import-summary')).toContainText(`${MEDIA.length} new`);
    await expect(page.getByTestId('import-summary')).toContainText('0 already known');
    await snap(page, testInfo, 'review-01-import-summary');
    await page.getByTestId('go-to-library').click();
    await expect(page.getByTestId('filter-needs-review')).toHaveAttribute('aria-pressed', 'true');
  });

  const review = await list(page, 'needs-review');
  expect(review.length).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('review-progress')).toHaveText(`0 of ${review.length} reviewed`);
  await expect(page.getByTestId('filter-needs-review')).toContainText(String(review.length));

  await test.step('keyboard triage: J, A, T with a scan date, X, Z, K, ?', async () => {
    const [first, second, third] = review as [FileSummary, FileSummary, FileSummary];
    await page.keyboard.press('j');
    await expect(page.getByTestId('details-title')).toHaveText(first.originalName);
    await snap(page, testInfo, 'review-02-first-open');
    // A: accept the suggestion when there is one; else T and a date known only to the day.
    if (first.detectedTimestamp) await page.keyboard.press('a');
    else {
      await page.keyboard.press('t');
      await page.keyboard.type('1987-12-25');
      await page.keyboard.press('Enter');
    }
    await expect(page.getByTestId('details-title')).toHaveText(second.originalName);
    await expect(page.getByTestId('review-progress')).toHaveText(`1 of ${review.length} reviewed`);
    await expect(page.getByTestId(`file-card-${first.id}`)).toContainText('Checked');

    await page.keyboard.press('t');
    await expect(page.getByTestId('date-input')).toBeFocused();
    await page.getByTestId('date-input').fill('1987-12');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('details-title')).toHaveText(third.originalName);
    await expect(page.getByTestId('details-title')).toBeFocused();
    expect((await file(page, second.id)).finalTimestamp).toBe('1987-12');

    await page.keyboard.press('x');
    await expect.poll(async () => (await file(page, third.id)).discarded).toBe(true);
    await expect(page.getByTestId('review-progress')).toHaveText(`3 of ${review.length} reviewed`);
    await page.keyboard.press('z');
    await expect.poll(async () => (await file(page, third.id)).discarded).toBe(false);
    await expect(page.getByTestId('details-title')).toHaveText(third.originalName);
    await expect(page.getByTestId('review-progress')).toHaveText(`2 of ${review.length} reviewed`);

    await page.keyboard.press('k');
    await expect(page.getByTestId('details-title')).toHaveText(second.originalName);
    await expect(page.getByTestId('details-precision')).toContainText('month');
    await snap(page, testInfo, 'review-03-month-precision');

    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcuts-sheet')).toBeVisible();
    await expect(page.getByTestId('close-shortcuts')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('close-shortcuts')).toBeFocused();
    await snap(page, testInfo, 'review-04-shortcuts');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcuts-sheet')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('file-details')).toHaveCount(0);
    await expect(page.getByTestId(`file-card-${second.id}`)).toBeFocused();
  });

  await test.step('timeline: day headers, years, suspicious days; details open without reflow or jump', async () => {
    await page.getByTestId('filter-all').click();
    await expect(page.getByTestId('library-count')).toHaveText(`${MEDIA.length} files`);
    await expect(page.locator('.month-header').first()).toBeVisible();
    await expect(page.getByTestId('year-scrubber').getByRole('button').first()).toBeVisible();
    const grid = page.getByTestId('file-grid');
    await grid.evaluate((el) => (el.scrollTop = 40));
    // A card wholly on screen (one may be under the top edge after the scroll).
    const area = (await grid.boundingBox())!;
    const cards = grid.locator('[data-testid^="file-card-"]');
    let index = -1;
    for (let i = 0; i < (await cards.count()) && index < 0; i++) {
      const box = await cards.nth(i).boundingBox();
      if (box && box.y >= area.y && box.y + box.height <= area.y + area.height) index = i;
    }
    expect(index, 'a card wholly inside the grid').toBeGreaterThanOrEqual(0);
    const card = cards.nth(index);
    const target = await file(page, Number((await card.getAttribute('data-testid'))!.replace('file-card-', '')));
    const before = await card.boundingBox();
    const scrollBefore = await grid.evaluate((el) => el.scrollTop);
    // A click where the card is, without Playwright first scrolling it fully into view.
    await page.mouse.click(before!.x + before!.width / 2, before!.y + 20);
    await expect(page.getByTestId('details-title')).toHaveText(target.originalName);
    expect(await card.boundingBox()).toEqual(before);
    expect(await grid.evaluate((el) => el.scrollTop)).toBe(scrollBefore);
    await snap(page, testInfo, 'review-05-timeline-details');
    await page.getByTestId('search').fill('IMG_');
    await expect(page.getByTestId('library-count')).toHaveText(/^\d+ files$/);
    await expect.poll(async () => (await page.getByTestId('library-count').textContent()) !== `${MEDIA.length} files`).toBe(true);
  });
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violations on any screen (${scheme})`, async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(app.url);
    const found: string[] = [];
    const check = async (where: string): Promise<void> => {
      for (const v of await seriousViolations(page)) found.push(`${where}: ${v}`);
      await snap(page, testInfo, `axe-${scheme}-${where}`);
    };
    for (const screen of ['import', 'library', 'export', 'jobs', 'settings'] as const) {
      await page.getByTestId(`nav-${screen}`).click();
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      if (screen === 'library') await expect(page.getByTestId('library-count')).not.toHaveText('Loading…');
      await check(screen);
    }
    await page.getByTestId('nav-library').click();
    const all = await list(page, 'all');
    if (all[0]) {
      await page.getByTestId(`file-card-${all[0].id}`).click();
      await expect(page.getByTestId('file-details')).toBeVisible();
      await check('library-details');
    }
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcuts-sheet')).toBeVisible();
    await check('shortcuts');
    expect(found).toEqual([]);
  });
}

test('the browser notices a stopped server, and a page without its token explains what to do', async ({ page }, testInfo) => {
  const own = await startServeApp(['exiftool/Canon.jpg']);
  try {
    await page.goto(own.url);
    await page.getByTestId('nav-export').click();
    await expect(page.getByTestId('pick-output-folder')).toBeEnabled();
    await expect(page.getByTestId('connection-lost')).toHaveCount(0);
  } finally {
    await own.stop();
  }
  await expect(page.getByTestId('connection-lost')).toBeVisible();
  await expect(page.getByTestId('pick-output-folder')).toBeDisabled();
  await snap(page, testInfo, 'connection-lost');

  // An old tab's address after a restart: the server answers with a page a person can act on.
  await page.goto(`${app.origin}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Open MediaParser with its current address');
  await snap(page, testInfo, 'token-page');
});

test('output picker: New folder in the in-page browser; axe inside the modal', async ({ page }, testInfo) => {
  await page.goto(app.url);
  await page.getByTestId('nav-export').click();
  await page.getByTestId('pick-output-folder').click();
  const dialog = page.getByTestId('folder-browser');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('folder-browser-go-input').fill(app.root);
  await dialog.getByTestId('folder-browser-go').click();
  await expect(dialog.getByTestId('folder-browser-path')).toHaveText(app.root);
  await dialog.getByTestId('folder-browser-new-name').fill('Family archive');
  await dialog.getByTestId('folder-browser-create').click();
  await expect(dialog.getByTestId('folder-browser-path')).toHaveText(`${app.root}/Family archive`);
  expect(await seriousViolations(page)).toEqual([]);
  await snap(page, testInfo, 'folder-browser-new-folder');
  // Tab never leaves the modal.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains((d.ownerDocument as unknown as { activeElement: unknown }).activeElement as never))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('pick-output-folder')).toBeFocused();
});
