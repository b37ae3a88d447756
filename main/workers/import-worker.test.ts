import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeOffset, toUtcMs, utcToZone } from '../../shared/capture-time.js';
import { corpusCopy, CORPUS_DIR, oracleMtimeMs } from '../../test-support/corpus-fixture.js';
import { importWorkerData } from '../../test-support/import-data.js';
import { likelyNeedsExiftool } from '../engines/import/reader-choice.js';
import { implausibility, parseMetaDate, subSecToMs } from '../engines/import/timestamps.js';
import { runImport } from './import-worker.js';
import type { ImportedFile, ImportWorkerData, ImportWorkerMessage } from '../protocol/workers.js';
import { CONTROL_CANCEL, CONTROL_PAUSE, CONTROL_RUN } from '../protocol/workers.js';

const OPTIONS = { timeZone: 'Europe/Berlin', useFileDatesAsLastResort: false };

function workerData(roots: string[], over: Partial<ImportWorkerData> = {}): ImportWorkerData {
  return importWorkerData(roots, { options: OPTIONS, ...over });
}

/**
 * Runs the import loop on `data`, keeping every message it posts; `react` sees each one once kept
 * (with all kept so far) and may signal the control word.
 */
function controlledImport(
  data: ImportWorkerData,
  react: (m: ImportWorkerMessage, messages: ImportWorkerMessage[], control: Int32Array) => void,
  deps?: Parameters<typeof runImport>[3],
): { messages: ImportWorkerMessage[]; control: Int32Array; run: Promise<void> } {
  const control = new Int32Array(data.control);
  const messages: ImportWorkerMessage[] = [];
  const run = runImport(
    data,
    (m) => {
      messages.push(m);
      react(m, messages, control);
    },
    control,
    deps,
  );
  return { messages, control, run };
}

const fileCount = (messages: ImportWorkerMessage[]): number => messages.filter((m) => m.type === 'file').length;

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('runImport on the corpus', () => {
  const corpus = corpusCopy();
  const messages: ImportWorkerMessage[] = [];
  const byRel = new Map<string, ImportedFile>();

  beforeAll(async () => {
    const data = workerData([corpus.media]);
    await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
    for (const m of messages) if (m.type === 'file') byRel.set(path.relative(corpus.media, m.file.path).split(path.sep).join('/'), m.file);
  });

  it('reports scanned totals, every file, and finishes with done', () => {
    const total = Object.keys(corpus.oracle).length;
    expect(messages.find((m) => m.type === 'scanned')).toEqual({
      type: 'scanned',
      total,
      totalBytes: Object.keys(corpus.oracle).reduce((s, rel) => s + statSync(path.join(corpus.media, rel)).size, 0),
      skipped: { count: 0, hidden: 0, system: 0, examples: [] },
    });
    expect(messages.filter((m) => m.type === 'file-failed')).toEqual([]);
    expect(byRel.size).toBe(total);
    expect(messages.filter((m) => m.type === 'file-started')).toHaveLength(total);
    expect(messages.at(-1)).toEqual({ type: 'done' });
  });

  it('dates every file with a valid DateTimeOriginal at that local time', () => {
    let checked = 0;
    for (const [rel, rec] of Object.entries(corpus.oracle)) {
      const dto = parseMetaDate(rec.DateTimeOriginal);
      if (!dto || implausibility(dto, Date.now()) !== null) continue;
      const f = byRel.get(rel)!;
      expect(f.detected, rel).not.toBeNull();
      expect(f.detected!.local.slice(0, 19), rel).toBe(dto.local.slice(0, 19));
      const ms = subSecToMs(rec.SubSecTimeOriginal);
      if (ms !== null) expect(f.detected!.local.slice(20), rel).toBe(String(ms).padStart(3, '0'));
      if (rec.OffsetTimeOriginal) expect(f.detected!.offset, rel).toBe(normalizeOffset(rec.OffsetTimeOriginal));
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("dates 100% of the files with a valid oracle date at the oracle's local time", () => {
    /** QuickTime-family movies: their header dates are UTC and land in a zone. */
    const UTC_HEADER_TYPES = new Set(['MOV', 'MP4', '3GP', 'M4V']);
    /** Movies whose GPS position names their zone (their `GPSCoordinates`, read with ExifTool). */
    const GPS_ZONE: Record<string, string> = { 'metadata-extractor/with-gps.mp4': 'Europe/London' };
    const plausible = (raw: string | null) => {
      const p = parseMetaDate(raw);
      return p && implausibility(p, Date.now()) === null ? p : null;
    };
    /** Offsets ExifTool finds where the import does not look (maker notes); the local time is the same. */
    const OFFSET_UNREAD = new Set(['exiftool/FLIR.jpg']);
    let checked = 0;
    for (const [rel, rec] of Object.entries(corpus.oracle)) {
      const f = byRel.get(rel)!;
      const dto = plausible(rec.DateTimeOriginal);
      const create = plausible(rec.CreateDate);
      const modify = plausible(rec.ModifyDate);
      const movie = UTC_HEADER_TYPES.has(rec.FileType);
      const date = dto ?? create ?? (movie ? null : modify);
      if (!date) continue;
      checked++;
      expect.soft(f.detected, rel).not.toBeNull();
      if (movie && date.offset === null) {
        const instant = Date.parse(date.local + 'Z');
        if (f.detectedSource === 'quicktime-creation-date' || f.detectedSource === 'quicktime-content-create-date') {
          // The movie states its local time with its offset (not in the oracle): the same moment, within the clip's length.
          expect.soft(Math.abs(toUtcMs(f.detected!)! - instant), rel).toBeLessThanOrEqual(5 * 60_000);
          continue;
        }
        expect.soft(f.detected, rel).toEqual(utcToZone(instant, GPS_ZONE[rel] ?? OPTIONS.timeZone));
        continue;
      }
      // Explicit offsets kept as written; local times stay local.
      expect.soft(f.detected!.local.slice(0, 19), rel).toBe(date.local.slice(0, 19));
      const ms = date === dto ? subSecToMs(rec.SubSecTimeOriginal) : null;
      if (ms !== null && !date.hasFraction) expect.soft(f.detected!.local.slice(20), rel).toBe(String(ms).padStart(3, '0'));
      const offset = date.offset ?? (date === dto ? normalizeOffset(rec.OffsetTimeOriginal) : null);
      if (offset !== null && !OFFSET_UNREAD.has(rel)) expect.soft(f.detected!.offset, rel).toBe(offset);
    }
    expect(checked).toBeGreaterThanOrEqual(73);
  });

  it('dates the names/ copies from their file names, as names.tsv reads them', () => {
    const rows = readFileSync(path.join(CORPUS_DIR, 'names.tsv'), 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      const [rel, mtimeSet, reading] = row.split('\t') as [string, string, string];
      const f = byRel.get(rel)!;
      expect(f, rel).toBeDefined();
      // The mtime is always offered as a candidate.
      const mtime = f.candidates.find((c) => c.source === 'file-mtime');
      expect(mtime?.raw, rel).toBe(new Date(Date.parse(mtimeSet.replace(' UTC', 'Z').replace(' ', 'T'))).toISOString());
      if (reading === '-') {
        expect(f.detected, rel).toBeNull();
        expect(f.confidence, rel).toBe('none');
        continue;
      }
      const m = /^(\S+)(?: (\S+))?/.exec(reading)!;
      const dateOnly = reading.includes('date only');
      expect(f.detectedSource, rel).toBe(dateOnly ? 'filename-date' : 'filename-datetime');
      const time = dateOnly ? '00:00:00' : m[2]!;
      expect(f.detected!.local, rel).toBe(`${m[1]}T${time.length === 8 ? time + '.000' : time}`);
      expect(f.confidence, rel).toBe('low');
    }
    for (const rel of ['names/DSC_0042.JPG', 'names/IMG_0001.JPG', 'names/IMG_20191332_250000.jpg']) {
      expect(byRel.get(rel)!.detected, rel).toBeNull();
    }
  });

  it('does not date the traps by ICC profile or PNG text dates', () => {
    for (const rel of ['immich/silver_fir.jpg', 'exiftool/GIF.gif', 'immich/density_plot.png']) {
      expect(byRel.get(rel)!.detected, rel).toBeNull();
    }
    expect(byRel.get('immich/density_plot.png')!.candidates.map((c) => c.source)).toContain('png-creation-time');
  });

  it('handles the bogus dates as the issue says', () => {
    expect(byRel.get('metadata-extractor/Oppo R7 Plus.jpg')!.detected?.local).toBe('2018-07-16T17:52:22.000');
    expect(byRel.get('metadata-extractor/Issue 609.jpg')!.detectedSource).toBe('exif-modify-date');
    for (const rel of ['metadata-extractor/Olympus C860L.jpg', 'metadata-extractor/Nikon E900 (1).jpg', 'metadata-extractor/FujiFilm DX-5.jpg', 'metadata-extractor/cm7n0g04.png', 'exiv2/small_video.mp4']) {
      expect(byRel.get(rel)!.detected, rel).toBeNull();
    }
    expect(byRel.get('exifr/issue-exifr-13.jpg')!.detected?.local).toBe('2019-10-03T09:10:11.000');
  });

  it('converts UTC QuickTime dates to the configured zone', () => {
    // 2005:08:11 14:03:54 UTC is 16:03:54 in Berlin (summer time).
    const mov = byRel.get('exiftool/QuickTime.mov')!;
    expect(mov.detectedSource).toBe('quicktime-create-date');
    expect(mov.detected).toEqual({ local: '2005-08-11T16:03:54.000', offset: '+02:00' });
    const apple = byRel.get('metadata-extractor/with-gps.mov')!;
    expect(apple.detected).toEqual({ local: '2019-07-24T11:25:40.000', offset: '+03:00' });
  });

  it('records type, size, dimensions and hashes as the oracle has them; a .nef holding a JPEG is a JPEG', () => {
    for (const [rel, rec] of Object.entries(corpus.oracle)) {
      const f = byRel.get(rel)!;
      expect(f.sha256, rel).toBe(rec.sha256);
      expect(f.size, rel).toBe(statSync(path.join(corpus.media, rel)).size);
      expect(f.mediaType, rel).toBe(rec.MIMEType.startsWith('video/') ? 'video' : 'image');
    }
    expect(byRel.get('metadata-extractor/Issue 247-1.nef')!.mime).toBe('image/jpeg');
    expect(byRel.get('exiftool/Nikon.nef')!.mime).toBe('image/x-nikon-nef');
    expect(byRel.get('exif-samples/DSCN0010.jpg')).toMatchObject({ width: 640, height: 480 });
    expect(byRel.get('metadata-extractor/with-gps.mp4')).toMatchObject({ width: 1920, height: 1080 });
  });

  it('extracts tags below the import root', () => {
    expect(byRel.get('tags/Holiday 2019/Beach {beach,family}.jpg')!.tags).toEqual(['tags', 'holiday 2019', 'beach', 'family']);
  });

  it('leaves the originals untouched (bytes and mtimes)', () => {
    for (const [rel, rec] of Object.entries(corpus.oracle)) {
      const file = path.join(corpus.media, rel);
      expect(sha256(file), rel).toBe(rec.sha256);
      expect(statSync(file).mtimeMs, rel).toBe(oracleMtimeMs(rec.FileModifyDate));
    }
  });
});

describe('runImport control', () => {
  const corpus = corpusCopy('exiftool');

  it('pauses between files, resumes, and still imports everything once', async () => {
    const data = workerData([corpus.media]);
    let onPaused: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (onPaused = resolve));
    const { messages, control, run } = controlledImport(
      data,
      (m, messages, control) => {
        if (m.type === 'file' && fileCount(messages) === 2) Atomics.store(control, 0, CONTROL_PAUSE);
        if (m.type === 'paused') onPaused();
      },
      { concurrency: 2 },
    );
    await paused;
    const atPause = messages.length;
    Atomics.store(control, 0, CONTROL_RUN);
    Atomics.notify(control, 0);
    await run;
    const types = messages.map((m) => m.type);
    // Files go on arriving after the pause, up to the end.
    expect(types.slice(atPause)).toContain('file');
    // Nothing started while paused, and the files in flight finished before 'paused'.
    const pausedAt = types.indexOf('paused');
    const started = types.slice(0, pausedAt).filter((t) => t === 'file-started').length;
    const finished = types.slice(0, pausedAt).filter((t) => t === 'file' || t === 'file-failed').length;
    expect(started).toBe(finished);
    const files = messages.filter((m): m is Extract<ImportWorkerMessage, { type: 'file' }> => m.type === 'file').map((m) => m.file.path);
    expect(new Set(files).size).toBe(files.length);
    expect(files.length).toBe((messages.find((m) => m.type === 'scanned') as { total: number }).total);
    expect(types.at(-1)).toBe('done');
  });

  it('cancels between files and skips paths already recorded', async () => {
    const all = (await (async () => {
      const data = workerData([corpus.media]);
      const got: string[] = [];
      await runImport(data, (m) => m.type === 'file' && got.push(m.file.path), new Int32Array(data.control));
      return got;
    })()).sort();
    const skipPaths = all.slice(0, 5);
    const data = workerData([corpus.media], { skipPaths });
    const { messages, run } = controlledImport(
      data,
      (m, messages, control) => {
        if (m.type === 'file' && fileCount(messages) === 3) Atomics.store(control, 0, CONTROL_CANCEL);
      },
      { concurrency: 1 },
    );
    await run;
    expect(messages.find((m) => m.type === 'scanned')).toMatchObject({ total: all.length - 5 });
    const files = messages.filter((m): m is Extract<ImportWorkerMessage, { type: 'file' }> => m.type === 'file').map((m) => m.file.path);
    expect(files).toHaveLength(3);
    expect(files.some((f) => skipPaths.includes(f))).toBe(false);
    expect(messages.at(-1)).toEqual({ type: 'cancelled' });
  });

  it('a cancel while paused ends the import', async () => {
    const data = workerData([corpus.media]);
    const { messages, run } = controlledImport(
      data,
      (m, messages, control) => {
        if (m.type === 'file' && fileCount(messages) === 1) Atomics.store(control, 0, CONTROL_PAUSE);
        if (m.type === 'paused') {
          Atomics.store(control, 0, CONTROL_CANCEL);
          Atomics.notify(control, 0);
        }
      },
      { concurrency: 1 },
    );
    await run;
    const types = messages.map((m) => m.type);
    expect(types.slice(-2)).toEqual(['paused', 'cancelled']);
    expect(types.filter((t) => t === 'file')).toHaveLength(1);
  });

  it('with the default pool, files waiting for ExifTool do not block the others, and a pause still lets every started file finish', async () => {
    const data = workerData([corpus.media]);
    let onPaused: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (onPaused = resolve));
    let videoFinishedAt = -1;
    const { messages, control, run } = controlledImport(
      data,
      (m, messages, control) => {
        // Videos that wait for ExifTool (AVI and AVCHD clips are read in-process, at once).
        if (m.type === 'file' && m.file.mediaType === 'video' && likelyNeedsExiftool(m.file.path) && videoFinishedAt < 0) {
          videoFinishedAt = fileCount(messages);
        }
        if (m.type === 'file' && fileCount(messages) === 5) Atomics.store(control, 0, CONTROL_PAUSE);
        if (m.type === 'paused') onPaused();
      },
    );
    await paused;
    const types = messages.map((m) => m.type);
    const started = types.filter((t) => t === 'file-started').length;
    expect(types.filter((t) => t === 'file' || t === 'file-failed').length).toBe(started);
    // Videos are started first (ExifTool's queue) but photos finished while they waited.
    const firstStarted = messages.find((m): m is Extract<ImportWorkerMessage, { type: 'file-started' }> => m.type === 'file-started')!;
    expect(likelyNeedsExiftool(firstStarted.path)).toBe(true);
    expect(videoFinishedAt === -1 || videoFinishedAt > 1).toBe(true);
    Atomics.store(control, 0, CONTROL_RUN);
    Atomics.notify(control, 0);
    await run;
    const files = messages.filter((m): m is Extract<ImportWorkerMessage, { type: 'file' }> => m.type === 'file').map((m) => m.file.path);
    expect(new Set(files).size).toBe(files.length);
    expect(files.length).toBe((messages.find((m) => m.type === 'scanned') as { total: number }).total);
    expect(messages.at(-1)).toEqual({ type: 'done' });
  });

  it('an unexpected exception becomes one fatal message', async () => {
    const data = workerData([42 as unknown as string]);
    const messages: ImportWorkerMessage[] = [];
    await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'fatal', error: { code: 'internal' } });
  });

  it('reports a missing source folder as a failure and still finishes', async () => {
    const data = workerData([path.join(corpus.media, 'does-not-exist')]);
    const messages: ImportWorkerMessage[] = [];
    await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
    expect(messages.find((m) => m.type === 'file-failed')).toMatchObject({ error: { code: 'not-found' } });
    expect(messages.find((m) => m.type === 'scanned')).toEqual({ type: 'scanned', total: 0, totalBytes: 0, skipped: { count: 0, hidden: 0, system: 0, examples: [] } });
    expect(messages.at(-1)).toEqual({ type: 'done' });
  });

  it('counts and lists the hidden and system entries it leaves out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-skipped-'));
    try {
      const jpeg = path.join(CORPUS_DIR, 'media', 'exiftool', 'Canon.jpg');
      copyFileSync(jpeg, path.join(dir, 'IMG_0001.jpg'));
      copyFileSync(jpeg, path.join(dir, '.hidden.jpg'));
      copyFileSync(jpeg, path.join(dir, '._IMG_0001.jpg'));
      writeFileSync(path.join(dir, '.DS_Store'), 'junk');
      writeFileSync(path.join(dir, 'Thumbs.db'), 'junk');
      mkdirSync(path.join(dir, '@eaDir', 'IMG_0001.jpg'), { recursive: true });
      copyFileSync(jpeg, path.join(dir, '@eaDir', 'IMG_0001.jpg', 'SYNOPHOTO_THUMB_XL.jpg'));
      mkdirSync(path.join(dir, '.thumbnails'));
      const data = workerData([dir]);
      const messages: ImportWorkerMessage[] = [];
      await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
      const scanned = messages.find((m): m is Extract<ImportWorkerMessage, { type: 'scanned' }> => m.type === 'scanned')!;
      expect(scanned.total).toBe(1);
      // A skipped folder counts once, whatever it holds.
      expect(scanned.skipped).toEqual({
        count: 6,
        hidden: 1,
        system: 5,
        examples: ['.DS_Store', '._IMG_0001.jpg', '.hidden.jpg', '.thumbnails', '@eaDir', 'Thumbs.db'].map((n) => path.join(dir, n)),
      });
      expect(messages.filter((m) => m.type === 'file-failed')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the real worker thread', () => {
  const corpus = corpusCopy('names');

  it('runs as a worker_threads entry and exits after done (ExifTool ended)', async () => {
    const data = workerData([corpus.media], { options: { timeZone: 'UTC', useFileDatesAsLastResort: true } });
    // On Node 20, `execArgv: ['--import', 'tsx']` does not reach a worker's module loader; a
    // tiny bootstrap that registers tsx inside the worker does.
    // (Eval'd worker code resolves bare specifiers from the working directory: the repo root.)
    const tsxApi = 'tsx/esm/api';
    const entry = new URL('./import-worker.ts', import.meta.url).href;
    const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: data });
    const messages: ImportWorkerMessage[] = [];
    worker.on('message', (m: ImportWorkerMessage) => messages.push(m));
    const code = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', resolve);
    });
    expect(code).toBe(0);
    expect(messages.at(-1)).toEqual({ type: 'done' });
    // Per-file messages come in batches.
    expect(messages.some((m) => m.type === 'batch')).toBe(true);
    const unbatched = messages.flatMap((m): ImportWorkerMessage[] => (m.type === 'batch' ? m.messages : [m]));
    const files = unbatched.filter((m): m is Extract<ImportWorkerMessage, { type: 'file' }> => m.type === 'file').map((m) => m.file);
    expect(files).toHaveLength(21);
    // With "use file dates as a last resort", the mtime dates a file that has nothing else.
    const dsc = files.find((f) => f.name === 'DSC_0042.JPG')!;
    expect(dsc.detectedSource).toBe('file-mtime');
    expect(dsc.detected).toEqual({ local: '2012-12-21T21:12:00.000', offset: '+00:00' });
    expect(dsc.confidence).toBe('low');
  });
});
