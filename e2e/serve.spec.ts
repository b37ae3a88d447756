/**
 * The whole family workflow in Chromium against `mediaparser serve`, on real corpus media:
 * import -> review (date an undated file, discard one) -> output folder -> export -> pause ->
 * resume -> finished; then the archive on disk and the untouched originals are checked.
 */
import { execFileSync } from 'node:child_process';
import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Api } from '../shared/contract.js';
import type { FileSummary, JobStatusEvent } from '../shared/types.js';
import { filesByName, snap, CORPUS_MEDIA, exportJob, listTree, oracle, sha256, startServeApp, type ServeApp } from './fixtures/serve-app.js';

/** 16 corpus files (plus the large clip below): dated photos from many years, a video, names-only dates, and three with no date at all. */
const MEDIA = [
  'exif-samples/DSCN0010.jpg',
  'exifr/IMG_20180725_163423-tiny.jpg',
  'exiftool/Canon.jpg',
  'exiftool/NikonD70.jpg',
  'exiftool/Kodak.jpg',
  'lychee/hochuferweg.jpg',
  'metadata-extractor/Apple iPhone 4.jpg',
  'metadata-extractor/Samsung SM-J327T1.jpg',
  'metadata-extractor/Nikon D5000.jpg',
  'metadata-extractor/with-gps.mov',
  'immich/empty_gps.jpg',
  'names/IMG_20190514_103000.jpg',
  'names/Screenshot_2021-07-04-18-30-00.png',
  'names/IMG_0001.JPG',
  'names/DSC_0042.JPG',
  'names/IMG_20191332_250000.jpg',
] as const;

/**
 * A large clip (an MP4 header, then zeros) whose file-name date puts it first in export order:
 * copying and verifying it takes far longer than a click, so the pause lands in the middle of it.
 */
const BIG_CLIP = { name: 'VID_19900102_030405.mp4', size: 256 * 1024 * 1024, output: '1990/19900102_030405.mp4' };

/** The undated file the reviewer dates by hand, and where that date must put it. */
const DATED_BY_HAND = { name: 'IMG_0001.JPG', typed: '2015-05-05T10:20:30', output: '2015/20150505_102030.jpg' };
/** The file the reviewer discards; it must not reach the archive. */
const DISCARDED = 'Kodak.jpg';

/** Where every other file must land (the video's time depends on which QuickTime date wins, so only its day is fixed). */
const EXPECTED_OUTPUT: (string | RegExp)[] = [
  BIG_CLIP.output,
  '2003/20031204_064652.jpg',
  '2005/20050114_085759.jpg',
  '2008/20081022_162839.jpg',
  '2011/20110113_143339.jpg',
  '2011/20110312_153611.jpg',
  DATED_BY_HAND.output,
  '2018/20180725_163423.jpg',
  '2018/20180818_163810.jpg',
  '2019/20190514_103000.jpg',
  /^2019\/20190724_\d{6}\.mov$/,
  '2019/20190926_163800.jpg',
  '2021/20210704_183000.png',
  '2025/20250601_165926.jpg',
  /^unknown\/DSC_0042\.jpe?g$/i,
  /^unknown\/IMG_20191332_250000\.jpe?g$/i,
];

type PageWindow = { api: Api; __statuses?: JobStatusEvent[] };

let app: ServeApp;

test.beforeAll(async () => {
  app = await startServeApp(MEDIA);
  // A real MP4 with no dates of its own (its name dates it, and that date is written into its
  // copy), grown to 256 MB by a second, trailing `mdat` box (ExifTool streams media data; it
  // refuses to rewrite a free box that large): a sparse file, quick to make.
  const clip = join(app.mediaDir, BIG_CLIP.name);
  const movie = await readFile(join(CORPUS_MEDIA, 'names', 'VID_20200229_235959.mp4'));
  const fh = await open(clip, 'w');
  await fh.write(movie, 0, movie.length, 0);
  const padding = Buffer.alloc(8);
  padding.writeUInt32BE(BIG_CLIP.size - movie.length, 0);
  padding.write('mdat', 4, 'latin1');
  await fh.write(padding, 0, padding.length, movie.length);
  await fh.close();
  await truncate(clip, BIG_CLIP.size);
});

test.afterAll(async () => {
  await app?.stop();
});

/** Files as main sees them, through the same `window.api` the UI uses. */
async function fileById(page: Page, id: number): Promise<FileSummary> {
  const result = await page.evaluate((fileId) => (globalThis as unknown as PageWindow).api.getFile({ id: fileId }), id);
  if (!result.ok) throw new Error(`files:get failed: ${result.error.message}`);
  return result.value;
}

test('import, review, export with pause and resume, and the archive on disk', async ({ page }, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
  });

  const originals = new Map<string, { sha: string; mtimeMs: number }>();
  for (const rel of MEDIA) {
    const info = await stat(join(app.mediaDir, rel));
    originals.set(rel, { sha: await sha256(join(app.mediaDir, rel)), mtimeMs: info.mtimeMs });
  }

  await test.step('import the folder typed into the source folder field', async () => {
    await page.goto(app.url);
    await page.getByTestId('nav-import').click();
    await page.getByTestId('source-folder-input').fill(app.mediaDir);
    await page.getByTestId('add-source-folder').click();
    await expect(page.getByTestId('source-folder-list')).toContainText(app.mediaDir);
    await snap(page, testInfo, '01-import');
    await page.getByTestId('start-import').click();
    await expect(page.getByTestId('job-progress')).toBeVisible();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
    await expect(page.getByTestId('job-files')).toContainText(`${MEDIA.length + 1} of ${MEDIA.length + 1}`);
    await snap(page, testInfo, '02-import-finished');
  });

  const files = await filesByName(page);
  expect([...files.keys()].sort()).toEqual([...MEDIA.map((m) => m.split('/').pop()!), BIG_CLIP.name].sort());
  const undated = files.get(DATED_BY_HAND.name)!;
  const discarded = files.get(DISCARDED)!;
  expect(undated.finalTimestamp ?? undated.detectedTimestamp).toBeNull();

  await test.step('review: give an undated file its date', async () => {
    await page.getByTestId('nav-library').click();
    await page.getByTestId('filter-undated').click();
    await expect(page.getByTestId(`file-card-${undated.id}`)).toBeVisible();
    await expect(page.getByTestId(`file-card-${discarded.id}`)).toHaveCount(0);
    await snap(page, testInfo, '03-library-undated');
    await page.getByTestId(`file-card-${undated.id}`).click();
    await expect(page.getByTestId('file-details')).toContainText(DATED_BY_HAND.name);
    // Thumbnails come through serve mode's /thumb route (the session cookie authorises <img>).
    const preview = page.getByTestId('file-details').getByAltText(`Preview of ${DATED_BY_HAND.name}`);
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await page.getByTestId('date-input').fill(DATED_BY_HAND.typed);
    await page.getByTestId('save-date').click();
    await expect.poll(async () => (await fileById(page, undated.id)).finalTimestamp).toMatch(/^2015-05-05T10:20:30/);
    // In "No date" a saved date moves the review on to the next file; the dated card stays put, checked.
    await expect(page.getByTestId(`file-card-${undated.id}`)).toContainText('Checked');
    await snap(page, testInfo, '04-details-dated');
  });

  await test.step('review: discard one file', async () => {
    await page.getByTestId('filter-all').click();
    await page.getByTestId(`file-card-${discarded.id}`).click();
    await expect(page.getByTestId('file-details')).toContainText(DISCARDED);
    await page.getByTestId('discard-file').click();
    await expect(page.getByTestId('restore-file')).toBeVisible();
    expect((await fileById(page, discarded.id)).discarded).toBe(true);
    await page.getByTestId('filter-discarded').click();
    await expect(page.getByTestId(`file-card-${discarded.id}`)).toBeVisible();
    await snap(page, testInfo, '05-library-discarded');
  });

  await test.step('choose the output folder and check the preview', async () => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('output-folder-input').fill(app.outputDir);
    await page.getByTestId('set-output-folder').click();
    await expect(page.getByTestId('output-folder')).toHaveText(app.outputDir);
    await expect(page.getByTestId('export-preview')).toBeVisible();
    await expect(page.getByTestId('preview-file-count')).toHaveText(String(MEDIA.length));
    await expect(page.getByTestId('preview-undated')).toContainText('2');
    await snap(page, testInfo, '06-export-preview');
  });

  let exportJobId = 0;
  await test.step('export, pause, resume, finish', async () => {
    // Record every status main pushes, to prove the job really went running -> paused -> running.
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      w.__statuses = [];
      w.api.onJobStatus((e) => w.__statuses!.push(e));
    });
    await page.getByTestId('start-export').click();
    // The large clip goes first and takes far longer to copy than a click, so this pause lands mid-job.
    await page.getByTestId('pause-job').click();
    // The UI shows "paused" optimistically; main confirms once the worker has stopped.
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'paused');
    await expect.poll(async () => (await exportJob(page)).status).toBe('paused');
    const job = await exportJob(page);
    exportJobId = job.id;
    expect(job.filesDone, 'the pause landed before the export finished').toBeLessThan(MEDIA.length);
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'paused');
    await expect(page.getByTestId('resume-job')).toBeVisible();
    await snap(page, testInfo, '07-export-paused');

    await page.getByTestId('resume-job').click();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
    await expect(page.getByTestId('export-summary')).toBeVisible();
    await expect(page.getByTestId('export-summary')).toContainText(String(MEDIA.length));
    // A browser cannot open the server's file manager: the archive's path is there to copy instead.
    await expect(page.getByTestId('copy-path')).toBeVisible();
    await expect(page.getByTestId('archive-path')).toHaveValue(app.outputDir);
    await snap(page, testInfo, '08-export-summary');

    const statuses = await page.evaluate(() =>
      ((globalThis as unknown as PageWindow).__statuses ?? []).map((e) => ({ jobId: e.jobId, status: e.status })),
    );
    const seq = statuses.filter((s) => s.jobId === exportJobId).map((s) => s.status);
    const paused = seq.indexOf('paused');
    expect(paused, `status sequence ${seq.join(' > ')}`).toBeGreaterThanOrEqual(0);
    expect(seq.slice(paused + 1), `status sequence ${seq.join(' > ')}`).toContain('running');
    expect(seq.at(-1)).toBe('completed');
  });

  await test.step('the archive on disk', async () => {
    const all = await listTree(app.outputDir);
    // The archive's manifest lists every copy; the rest are the copies themselves.
    expect(all).toContain('mediaparser-manifest.jsonl');
    const tree = all.filter((p) => p !== 'mediaparser-manifest.jsonl');
    expect(tree).toHaveLength(EXPECTED_OUTPUT.length);
    for (const expected of EXPECTED_OUTPUT) {
      const hit = tree.filter((p) => (typeof expected === 'string' ? p === expected : expected.test(p)));
      expect(hit, `${String(expected)} in ${tree.join(', ')}`).toHaveLength(1);
    }
    // Every name in a year folder is YYYYMMDD_HHMMSS.ext of that year.
    for (const p of tree.filter((t) => !t.startsWith('unknown/'))) {
      const m = /^(\d{4})\/(\d{4})\d{4}_\d{6}\.[a-z0-9]+$/.exec(p);
      expect(m, p).not.toBeNull();
      expect(m![1]).toBe(m![2]);
    }
    // The discarded file is nowhere in the archive (its bytes are unique in this set).
    const discardedSha = (await oracle())['exiftool/Kodak.jpg']!.sha256;
    for (const p of tree) expect(await sha256(join(app.outputDir, p)), p).not.toBe(discardedSha);
    // The date typed by hand is written into the copy (read back by ExifTool itself); the original has none.
    const tags = (file: string): Record<string, string> =>
      (JSON.parse(execFileSync('exiftool', ['-j', '-DateTimeOriginal', '-CreateDate', file], { encoding: 'utf8' })) as Record<string, string>[])[0]!;
    expect(tags(join(app.outputDir, DATED_BY_HAND.output)).DateTimeOriginal).toBe(DATED_BY_HAND.typed.replace(/-/g, ':').replace('T', ' '));
    expect(tags(join(app.mediaDir, 'names', DATED_BY_HAND.name)).DateTimeOriginal).toBeUndefined();
    // The clip dated by its name carries that date too (QuickTime dates are UTC: compare the day).
    expect(tags(join(app.outputDir, BIG_CLIP.output)).CreateDate).toMatch(/^1990:01:0[12] /);
  });

  await test.step('verify the archive from the Export screen; a flipped byte is found', async () => {
    await page.getByTestId('verify-start').click();
    await expect(page.getByTestId('verify-summary')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('verify-count-changed')).toHaveText('0 changed');
    await expect(page.getByTestId('verify-count-missing')).toHaveText('0 missing');
    const victim = join(app.outputDir, DATED_BY_HAND.output);
    const bytes = await readFile(victim);
    bytes[bytes.length - 1]! ^= 0xff;
    await writeFile(victim, bytes);
    await page.getByTestId('verify-start').click();
    await expect(page.getByTestId('verify-count-changed')).toHaveText('1 changed', { timeout: 60_000 });
    await snap(page, testInfo, '09-verify-archive');
  });

  await test.step('the originals are unchanged', async () => {
    expect((await listTree(app.mediaDir)).sort()).toEqual([...MEDIA, BIG_CLIP.name].sort());
    const records = await oracle();
    for (const rel of MEDIA) {
      const now = await sha256(join(app.mediaDir, rel));
      expect(now, rel).toBe(originals.get(rel)!.sha);
      expect(now, rel).toBe(records[rel]!.sha256);
      expect((await stat(join(app.mediaDir, rel))).mtimeMs, rel).toBe(originals.get(rel)!.mtimeMs);
    }
  });

  expect(pageErrors).toEqual([]);
});
