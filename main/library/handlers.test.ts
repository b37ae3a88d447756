/** The contract's handlers against a real import: filters, review, duplicates, settings, folders. */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../shared/types.js';
import type { AppCore } from './app-core.js';
import { allFiles, importAndWait, openLibrary, unwrap } from '../../test-support/app-core.js';
import { copyCorpus, corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';

describe.skipIf(!corpusAvailable())('handlers', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  let importJobId: number;
  let files: FileSummary[];
  const byName = (name: string): FileSummary => files.find((f) => f.originalName === name)!;

  beforeAll(async () => {
    tmp = await makeTempDir('handlers');
    src = join(tmp, 'photos');
    await copyCorpus(src, [
      'exiftool/Canon.jpg',
      'tags/Misc/untagged.jpg', // same bytes as Canon.jpg
      'tags/Holiday 2019/Beach {beach,family}.jpg',
      'names/IMG_0001.JPG',
      'names/IMG_20190514_103000.jpg',
      'immich/silver_fir.jpg', // same bytes as IMG_20190514_103000.jpg
    ]);
    core = openLibrary(tmp);
    importJobId = await importAndWait(core, src);
    files = await allFiles(core);
  });

  afterAll(async () => {
    await core.close();
    await removeDir(tmp);
  });

  it('lists with filters: needs review, undated, duplicates, by tag, paging', async () => {
    const list = async (filter: 'needs-review' | 'undated' | 'duplicates' | 'all', extra = {}) =>
      unwrap(await core.handlers['files:list']({ filter, offset: 0, limit: 100, ...extra }));
    expect(files).toHaveLength(6);
    expect((await list('undated')).items.map((f) => f.originalName).sort()).toEqual(['IMG_0001.JPG', 'silver_fir.jpg']);
    const review = (await list('needs-review')).items.map((f) => f.originalName);
    expect(review).toContain('IMG_20190514_103000.jpg'); // file-name date only: LOW
    expect(review).not.toContain('Canon.jpg');
    const dups = (await list('duplicates')).items;
    expect(dups).toHaveLength(4);
    expect(new Set(dups.map((d) => d.duplicateGroup)).size).toBe(2);
    const beach = await list('all', { tag: 'beach' });
    expect(beach.items.map((f) => f.originalName)).toEqual(['Beach {beach,family}.jpg']);
    const page = await list('all', { offset: 2, limit: 2 } as object);
    expect(page.total).toBe(6);
    expect(page.items.map((f) => f.id)).toEqual(files.slice(2, 4).map((f) => f.id));
    const tags = unwrap(await core.handlers['tags:list']({}));
    expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining(['beach', 'family']));
  });

  it('counts every filter, lists folders, narrows by folder and name, and gives the timeline days', async () => {
    const counts = unwrap(await core.handlers['files:counts']({}));
    expect(counts.filters.all).toBe(6);
    expect(counts.filters.duplicates).toBe(4);
    expect(counts.filters.undated).toBe(2);
    expect(counts.folders).toContainEqual({ path: join(src, 'tags', 'Holiday 2019'), count: 1 });
    const inTags = unwrap(await core.handlers['files:counts']({ folder: join(src, 'tags') }));
    expect(inTags.filters.all).toBe(2);
    const listed = unwrap(await core.handlers['files:list']({ filter: 'all', folder: join(src, 'tags'), offset: 0, limit: 10 }));
    expect(listed.items.map((f) => f.originalName).sort()).toEqual(['Beach {beach,family}.jpg', 'untagged.jpg']);
    // A folder's name is not a name search: "Holiday" is in a folder, not in a file name.
    expect(unwrap(await core.handlers['files:list']({ filter: 'all', search: 'Holiday', offset: 0, limit: 10 })).total).toBe(0);
    expect(unwrap(await core.handlers['files:list']({ filter: 'all', search: 'beach', offset: 0, limit: 10 })).total).toBe(1);
    const { days } = unwrap(await core.handlers['files:timeline']({ filter: 'all' }));
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(6);
    expect(days.at(-1)).toMatchObject({ day: null, count: 2 });
    const dated = days.filter((d) => d.day !== null).map((d) => d.day!);
    expect(dated).toEqual([...dated].sort());
    // The list's order is the timeline's order: the first file falls on the first day.
    expect((files[0]!.finalTimestamp ?? files[0]!.detectedTimestamp)!.slice(0, 10)).toBe(days[0]!.day);
  });

  it("an import's summary counts new, already known, failed and skipped files", async () => {
    const first = unwrap(await core.handlers['jobs:get']({ id: importJobId }));
    expect(first.importStats).toEqual({ new: 6, known: 0, failed: 0, skipped: 0, skippedExamples: [] });
    const again = unwrap(await core.handlers['import:start']({ folders: [src] })).jobId;
    await core.waitForJob(again);
    expect(unwrap(await core.handlers['jobs:get']({ id: again })).importStats).toEqual({ new: 0, known: 6, failed: 0, skipped: 0, skippedExamples: [] });
  });

  it('creates a folder for an archive; the preview catches a missing parent before Start', async () => {
    const made = unwrap(await core.handlers['fs:make-dir']({ parent: tmp, name: 'New archive' }));
    expect(made.path).toBe(join(tmp, 'New archive'));
    const again = await core.handlers['fs:make-dir']({ parent: tmp, name: 'New archive' });
    expect(!again.ok && again.error.code).toBe('conflict');
    const slash = await core.handlers['fs:make-dir']({ parent: tmp, name: 'a/b' });
    expect(!slash.ok && slash.error.code).toBe('invalid-argument');
    const missing = await core.handlers['fs:make-dir']({ parent: join(tmp, 'nope'), name: 'x' });
    expect(!missing.ok && missing.error.code).toBe('not-found');

    expect(unwrap(await core.handlers['export:preview']({ outputDir: made.path })).outputProblem).toBeNull();
    // Missing but its parent exists: the export creates it.
    expect(unwrap(await core.handlers['export:preview']({ outputDir: join(made.path, 'later') })).outputProblem).toBeNull();
    const orphan = unwrap(await core.handlers['export:preview']({ outputDir: join(tmp, 'no', 'such', 'place') }));
    expect(orphan.outputProblem).toMatch(/Neither/);
  });

  it('file details carry every date candidate and the duplicate group', async () => {
    const d = unwrap(await core.handlers['files:get']({ id: byName('Canon.jpg').id }));
    expect(d.candidates.some((c) => c.source === 'exif-datetime-original')).toBe(true);
    expect(d.candidates.some((c) => c.source === 'file-mtime')).toBe(true);
    expect(d.duplicates.map((x) => x.originalName)).toEqual(['untagged.jpg']);
    const missing = await core.handlers['files:get']({ id: 99999 });
    expect(!missing.ok && missing.error.code).toBe('not-found');
  });

  it('validates dates: impossible dates are refused, offsets kept', async () => {
    const id = byName('IMG_0001.JPG').id;
    const bad = await core.handlers['files:set-date']({ id, timestamp: '2021-02-30T10:00:00' });
    expect(!bad.ok && bad.error.code).toBe('invalid-argument');
    const good = unwrap(await core.handlers['files:set-date']({ id, timestamp: '2024-12-31T22:00:00-05:00' }));
    expect(good.finalTimestamp).toBe('2024-12-31T22:00:00-05:00');
    expect(good.reviewedAt).not.toBeNull();
    const cleared = unwrap(await core.handlers['files:set-date']({ id, timestamp: null }));
    expect(cleared.finalTimestamp).toBeNull();
  });

  it('a date known only to the day, month or year is kept with its precision and named with what is known', async () => {
    const id = byName('IMG_0001.JPG').id;
    for (const text of ['1987-12-25', '1987-12', '1987']) {
      const set = unwrap(await core.handlers['files:set-date']({ id, timestamp: text }));
      expect(set.finalTimestamp).toBe(text);
      expect(unwrap(await core.handlers['files:get']({ id })).finalTimestamp).toBe(text);
    }
    const out = join(tmp, 'precision-out');
    await mkdir(out, { recursive: true });
    const preview = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    expect(preview.perYear).toContainEqual({ year: '1987', count: 1 });
    const wrong = await core.handlers['files:set-date']({ id, timestamp: '1987-13' });
    expect(!wrong.ok && wrong.error.code).toBe('invalid-argument');
    unwrap(await core.handlers['files:set-date']({ id, timestamp: null }));
  });

  it('bulk dating keeps name order one second apart, or gives one identical time when asked', async () => {
    const picked = [byName('silver_fir.jpg'), byName('IMG_0001.JPG'), byName('Canon.jpg')];
    const ids = picked.map((f) => f.id);
    expect(unwrap(await core.handlers['files:set-date-bulk']({ ids, timestamp: '2001-02-03T04:05:59+01:00', spacing: 'sequence' })).updated).toBe(3);
    const dated = async () => Object.fromEntries(
      await Promise.all(picked.map(async (f) => [f.originalName, unwrap(await core.handlers['files:get']({ id: f.id })).finalTimestamp] as const)),
    );
    expect(await dated()).toEqual({
      'Canon.jpg': '2001-02-03T04:05:59+01:00',
      'IMG_0001.JPG': '2001-02-03T04:06:00+01:00',
      'silver_fir.jpg': '2001-02-03T04:06:01+01:00',
    });
    unwrap(await core.handlers['files:set-date-bulk']({ ids, timestamp: '2001-02-03T04:05:06', spacing: 'same' }));
    expect(new Set(Object.values(await dated()))).toEqual(new Set(['2001-02-03T04:05:06']));
    unwrap(await core.handlers['files:set-date-bulk']({ ids, timestamp: '1990-06', spacing: 'sequence' }));
    expect(new Set(Object.values(await dated()))).toEqual(new Set(['1990-06']));
    unwrap(await core.handlers['files:set-date-bulk']({ ids, timestamp: null, spacing: 'same' }));
  });

  it('resolves a duplicate group by keeping one and discarding the rest; restore brings one back', async () => {
    const keep = byName('untagged.jpg');
    const r = unwrap(await core.handlers['duplicates:resolve']({ group: keep.duplicateGroup!, keepId: keep.id }));
    expect(r).toEqual({ kept: keep.id, discarded: 1 });
    const discarded = unwrap(await core.handlers['files:list']({ filter: 'discarded', offset: 0, limit: 10 })).items;
    expect(discarded.map((f) => f.originalName)).toEqual(['Canon.jpg']);
    unwrap(await core.handlers['files:restore-bulk']({ ids: [byName('Canon.jpg').id] }));
    expect(unwrap(await core.handlers['files:list']({ filter: 'discarded', offset: 0, limit: 10 })).total).toBe(0);
    const wrong = await core.handlers['duplicates:resolve']({ group: keep.duplicateGroup!, keepId: byName('IMG_0001.JPG').id });
    expect(!wrong.ok && wrong.error.code).toBe('invalid-argument');
  });

  it('settings: defaults, time-zone validation, absolute output folder', async () => {
    const s = unwrap(await core.handlers['settings:get']({}));
    expect(s.useFileDatesAsLastResort).toBe(false);
    expect(s.timeZone.length).toBeGreaterThan(0);
    const badTz = await core.handlers['settings:set']({ timeZone: 'Mars/Olympus_Mons' });
    expect(!badTz.ok && badTz.error.code).toBe('invalid-argument');
    const rel = await core.handlers['settings:set']({ outputDirectory: 'relative/dir' });
    expect(!rel.ok && rel.error.code).toBe('invalid-argument');
    const set = unwrap(await core.handlers['settings:set']({ timeZone: 'America/New_York', outputDirectory: join(tmp, 'out') }));
    expect(set).toMatchObject({ timeZone: 'America/New_York', outputDirectory: join(tmp, 'out') });
    expect(unwrap(await core.handlers['settings:get']({})).timeZone).toBe('America/New_York');
    // Time zone from GPS: on by default, and it can be turned off.
    expect(s.useGpsTimeZone).toBe(true);
    unwrap(await core.handlers['settings:set']({ useGpsTimeZone: false }));
    expect(unwrap(await core.handlers['settings:get']({})).useGpsTimeZone).toBe(false);
  });

  it('lists folders for the in-page folder browser (no hidden ones)', async () => {
    await mkdir(join(tmp, 'browse', 'b'), { recursive: true });
    await mkdir(join(tmp, 'browse', 'a'));
    await mkdir(join(tmp, 'browse', '.hidden'));
    const r = unwrap(await core.handlers['fs:list-dirs']({ path: join(tmp, 'browse') }));
    expect(r.dirs.map((d) => d.name)).toEqual(['a', 'b']);
    expect(r.parent).toBe(tmp);
    const missing = await core.handlers['fs:list-dirs']({ path: join(tmp, 'nope') });
    expect(!missing.ok && missing.error.code).toBe('not-found');
  });

  it('previews an export in numbers: new, already there, to rename; per archive, checked on disk', async () => {
    const out = join(tmp, 'preview-out');
    await mkdir(out);
    const before = unwrap(await core.handlers['export:preview']({ outputDir: out }));
    const kept = unwrap(await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 100 })).items.filter((f) => !f.discarded);
    expect(before).toMatchObject({ fileCount: kept.length, newCount: kept.length, alreadyThere: 0, toRename: 0, problems: 0 });
    expect(before.newBytes).toBe(kept.reduce((n, f) => n + f.size, 0));
    expect(before.perYear.reduce((n, y) => n + y.count, 0) + before.undatedCount).toBe(kept.length);
    expect(before.freeBytes).toBeGreaterThan(0);
    // Canon.jpg and its byte-identical copy share a second: one output, no suffix.
    expect(before.collisionCount).toBe(0);

    const started = unwrap(await core.handlers['jobs:export']({ outputDir: out }));
    const job = await core.waitForJob(started.jobId);
    expect(job.status).toBe('completed');
    expect(job.stats).toMatchObject({ failed: 0, renamed: 0 });
    expect(job.stats!.copied + job.stats!.alreadyThere).toBe(kept.length);
    expect(unwrap(await core.handlers['export:preview']({ outputDir: out }))).toMatchObject({ newCount: 0, alreadyThere: kept.length, toRename: 0 });

    // A date fixed after the export: that copy will be renamed, not copied again.
    const dated = kept.find((f) => f.originalName === 'Beach {beach,family}.jpg')!;
    unwrap(await core.handlers['files:set-date']({ id: dated.id, timestamp: '2011-11-11T11:11:11' }));
    // A copy deleted from the archive counts as new again.
    const other = unwrap(await core.handlers['files:get']({ id: kept.find((f) => f.originalName === 'IMG_0001.JPG')!.id }));
    await rm(other.outputPath!);
    expect(unwrap(await core.handlers['export:preview']({ outputDir: out }))).toMatchObject({ newCount: 1, alreadyThere: kept.length - 2, toRename: 1 });
    // Another archive (a backup drive) holds nothing yet.
    expect(unwrap(await core.handlers['export:preview']({ outputDir: join(tmp, 'backup') }))).toMatchObject({ newCount: kept.length, alreadyThere: 0 });
  });

  it('app info names the transport and the thumbnail URL template', async () => {
    const info = unwrap(await core.handlers['app:info']({}));
    expect(info.transport).toBe('http');
    expect(info.thumbnailUrl).toContain('{id}');
    expect(info.dbPath).toBe(join(tmp, 'db', 'mediaparser.db'));
  });
});
