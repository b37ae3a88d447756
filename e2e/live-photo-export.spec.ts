/**
 * Archive fidelity in Chromium against `mediaparser serve`, on real corpus media: a Live Photo
 * (an iPhone HEIC and a movie renamed apart from it, paired only by Apple's ContentIdentifier,
 * written into the movie with ExifTool) and an undated photo are imported through the UI; the
 * undated photo gets its date in the file details; the export runs from the Export screen. The
 * archive is then read on disk with ExifTool: the pair shares one base name and the undated
 * photo's copy carries the date typed in the UI.
 */
import { execFileSync } from 'node:child_process';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { filesByName, importFolder, snap, listTree, startServeApp, type ServeApp } from './fixtures/serve-app.js';

/** What `exiftool -ContentIdentifier` reads from the corpus's elodie/photo.heic (its Apple MakerNotes). */
const CONTENT_ID = '76C3E45A-2CCC-498B-9C1A-29C3ADD99D39';
const STILL = 'elodie/photo.heic';
/** The movie, renamed so that no name pairs it with the still. */
const MOVIE = { corpus: 'exiftool/QuickTime.mov', name: 'clip_0815.mov' };
const UNDATED = { path: 'names/IMG_0001.JPG', typed: '2015-05-05T10:20:30', output: '2015/20150505_102030.jpg' };
const PAIR_BASE = '2019/20190526_103320';

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp([STILL, MOVIE.corpus, UNDATED.path]);
  const movie = join(app.mediaDir, 'elodie', MOVIE.name);
  await rename(join(app.mediaDir, MOVIE.corpus), movie);
  // The video half of the Live Photo, as an iPhone writes it: the still's ContentIdentifier and a
  // creation date one second before the still's.
  execFileSync('exiftool', ['-q', '-overwrite_original', `-Keys:ContentIdentifier=${CONTENT_ID}`, '-Keys:CreationDate=2019:05:26 10:33:19+02:00', movie]);
});

test.afterAll(async () => {
  await app?.stop();
});

/** What ExifTool itself reads from a file. */
function exiftool(file: string, ...tags: string[]): Record<string, unknown> {
  return (JSON.parse(execFileSync('exiftool', ['-j', '-G1', ...tags.map((t) => `-${t}`), file], { encoding: 'utf8' })) as Record<string, unknown>[])[0]!;
}

test('a Live Photo and a photo dated in the UI keep their truth in the archive', async ({ page }, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await test.step('import the folder', async () => {
    await page.goto(app.url);
    await importFolder(page, app.mediaDir);
    await expect(page.getByTestId('job-files')).toContainText('3 of 3');
    await snap(page, testInfo, 'live-01-imported');
  });

  const files = await filesByName(page);
  expect([...files.keys()].sort()).toEqual(['IMG_0001.JPG', MOVIE.name, 'photo.heic']);
  const undated = files.get('IMG_0001.JPG')!;
  expect(undated.finalTimestamp ?? undated.detectedTimestamp).toBeNull();

  await test.step('give the undated photo its date in the file details', async () => {
    await page.getByTestId('nav-library').click();
    await page.getByTestId('filter-undated').click();
    await page.getByTestId(`file-card-${undated.id}`).click();
    await expect(page.getByTestId('file-details')).toContainText('IMG_0001.JPG');
    await page.getByTestId('date-input').fill(UNDATED.typed);
    await expect(page.getByTestId('date-input')).toHaveValue(UNDATED.typed);
    await page.getByTestId('save-date').click();
    // The panel first: if the save was refused, its message is in what this assertion prints.
    await expect(page.getByTestId('file-details')).toContainText('Set by you');
    await expect(page.getByTestId(`file-card-${undated.id}`)).toContainText('Checked');
    await snap(page, testInfo, 'live-02-dated');
  });

  await test.step('the preview shows the Live Photo as one item and the date to write', async () => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('output-folder-input').fill(app.outputDir);
    await page.getByTestId('set-output-folder').click();
    await expect(page.getByTestId('export-preview')).toBeVisible();
    await expect(page.getByTestId('preview-groups')).toContainText('1 Live Photo');
    await expect(page.getByTestId('preview-writes')).toContainText('1 get the date you set written in');
    await snap(page, testInfo, 'live-03-preview');
  });

  await test.step('export', async () => {
    await page.getByTestId('start-export').click();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
    await expect(page.getByTestId('export-summary')).toBeVisible();
    await snap(page, testInfo, 'live-04-exported');
  });

  await test.step('the archive on disk, read with ExifTool', async () => {
    const tree = (await listTree(app.outputDir)).filter((p) => p !== 'mediaparser-manifest.jsonl');
    expect(tree).toEqual([UNDATED.output, `${PAIR_BASE}.heic`, `${PAIR_BASE}.mov`]);
    // The pair: one base name, the movie still carrying the identifier that makes it the still's video.
    expect(exiftool(join(app.outputDir, `${PAIR_BASE}.mov`), 'Keys:ContentIdentifier')['Keys:ContentIdentifier']).toBe(CONTENT_ID);
    expect(exiftool(join(app.outputDir, `${PAIR_BASE}.heic`), 'ContentIdentifier')['Apple:ContentIdentifier']).toBe(CONTENT_ID);
    // The date typed in the UI is inside the copy; the original still has none.
    const written = exiftool(join(app.outputDir, UNDATED.output), 'EXIF:DateTimeOriginal');
    expect(written['ExifIFD:DateTimeOriginal']).toBe('2015:05:05 10:20:30');
    expect(exiftool(join(app.mediaDir, UNDATED.path), 'EXIF:DateTimeOriginal')['ExifIFD:DateTimeOriginal']).toBeUndefined();
  });

  expect(pageErrors).toEqual([]);
});
