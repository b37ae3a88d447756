/**
 * A picture for every file, and near-duplicates, in Chromium against `mediaparser serve` on real
 * corpus media: an HEVC HEIC (which sharp cannot decode: its own thumbnail item, through ffmpeg),
 * a NEF (its embedded preview), an MP4 (a poster frame; it plays in the details panel through range
 * requests) and a camera JPEG with a chat app's smaller re-encode of it. After the import the app
 * compares the pictures in the background; "Similar pictures" then groups the re-encode with its
 * original, suggests the original, and "Resolve all" discards the re-encode.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { filesByName, importFolder, snap, CORPUS_MEDIA, startServeApp, type ServeApp } from './fixtures/serve-app.js';
import type { Api } from '../shared/contract.js';

const HEIC = 'immich/IMG_2682.heic';
const NEF = 'metadata-extractor/Issue 247-1.nef';
const MP4 = 'exiv2/small_video.mp4';
const JPEG = 'exif-samples/DSCN0010.jpg';
const REENCODE = 'IMG-20240101-WA0001.jpg';

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp([HEIC, NEF, MP4, JPEG]);
  // What a chat app sends on: smaller, recompressed, no metadata.
  await mkdir(join(app.mediaDir, 'chat'), { recursive: true });
  await sharp(join(CORPUS_MEDIA, JPEG)).resize({ width: 320 }).jpeg({ quality: 45 }).toFile(join(app.mediaDir, 'chat', REENCODE));
});

test.afterAll(async () => {
  await app?.stop();
});

/** The decoded width of a card's thumbnail (0 while it loads; -1 when the card shows no <img>). */
function thumbWidth(page: Page, id: number): Promise<number> {
  return page.evaluate((fileId) => {
    const img = document.querySelector<HTMLImageElement>(`[data-testid="file-card-${fileId}"] img`);
    return img ? (img.complete ? img.naturalWidth : 0) : -1;
  }, id);
}

test('every file gets a picture, the video plays, and the near-duplicate is resolved', async ({ page }, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await test.step('import the folder', async () => {
    await page.goto(app.url);
    await importFolder(page, app.mediaDir);
    await expect(page.getByTestId('job-files')).toContainText('5 of 5');
  });

  const files = await filesByName(page);
  expect([...files.keys()].sort()).toEqual(['DSCN0010.jpg', 'IMG_2682.heic', REENCODE, 'Issue 247-1.nef', 'small_video.mp4'].sort());

  await test.step('the library shows a real picture for each file: HEIC, RAW, video, JPEG', async () => {
    // Tall enough that the grid (one day per row here) lays out every card at once.
    await page.setViewportSize({ width: 1280, height: 2600 });
    await page.getByTestId('nav-library').click();
    await page.getByTestId('filter-all').click();
    for (const [name, f] of files) {
      await expect(page.getByTestId(`file-card-${f.id}`)).toBeVisible();
      await expect.poll(() => thumbWidth(page, f.id), { message: `${name}'s thumbnail`, timeout: 30_000 }).toBeGreaterThan(0);
    }
    await snap(page, testInfo, 'pictures-01-library');
  });

  await test.step('the video plays in the details panel, streamed with range requests', async () => {
    const video = files.get('small_video.mp4')!;
    const ranges: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/media/${video.id}`) && r.headers()['range']) ranges.push(r.headers()['range']!);
    });
    await page.getByTestId(`file-card-${video.id}`).click();
    const player = page.getByTestId('details-video');
    await expect(player).toBeVisible();
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      void v.play();
    });
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(ranges.length, 'the <video> asked for byte ranges').toBeGreaterThan(0);
    await snap(page, testInfo, 'pictures-02-video');
    await page.keyboard.press('Escape');
  });

  await test.step('the re-encode is grouped with its original once the pictures are compared, and resolved', async () => {
    const section = page.getByTestId('similar-section');
    // Compared in the background after the import: the section appears when that is done. The
    // library's own answer first, so a failure says how many pictures were left to compare.
    await expect
      .poll(
        async () => {
          const answer = await page.evaluate(() => (globalThis as unknown as { api: Api }).api.listSimilar({}));
          return JSON.stringify(answer.ok ? { groups: answer.value.groups.length, pending: answer.value.pending } : answer.error);
        },
        { timeout: 60_000, message: 'the library groups the re-encode with its original' },
      )
      .toBe(JSON.stringify({ groups: 1, pending: 0 }));
    await expect(section).toBeVisible({ timeout: 15_000 });
    await section.locator('summary').click();
    const group = section.getByTestId('similar-group');
    await expect(group).toHaveCount(1);
    await expect(group).toContainText('DSCN0010.jpg');
    await expect(group).toContainText(REENCODE);
    await expect(group.locator('.similar-keep')).toContainText('DSCN0010.jpg');
    await snap(page, testInfo, 'pictures-03-similar');
    await section.getByTestId('similar-resolve-all').click();
    await expect(page.getByTestId('similar-done')).toContainText('discarded 1');
    const after = await filesByName(page);
    expect(after.get(REENCODE)!.discarded).toBe(true);
    expect(after.get('DSCN0010.jpg')!.discarded).toBe(false);
  });

  expect(pageErrors).toEqual([]);
});
