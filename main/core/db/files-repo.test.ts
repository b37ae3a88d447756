/** Export results live in file_outputs: recorded in batches, read back through every query, forgotten when content changes. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportedFile } from '../../workers/protocol.js';
import { makeTempDir, removeDir } from '../testing/corpus.js';
import { copyJobFiles, createJob } from './jobs-repo.js';
import { FilesRepo } from './files-repo.js';
import { openDatabase, type OpenDb } from './open-db.js';

function imported(name: string, sha256: string, local: string | null): ImportedFile {
  return {
    path: `/photos/${name}`,
    root: '/photos',
    name,
    size: 100,
    mtimeMs: 0,
    sha256,
    mediaType: 'image',
    mime: 'image/jpeg',
    width: null,
    height: null,
    candidates: [],
    detected: local === null ? null : { local, offset: null },
    detectedSource: local === null ? null : 'exif-datetime-original',
    confidence: local === null ? 'none' : 'medium',
    tags: [],
    warning: null,
  };
}

describe('FilesRepo export results', () => {
  let tmp: string;
  let db: OpenDb;
  let repo: FilesRepo;
  let importJob: number;
  let exportJob: number;
  let ids: Record<string, number>;

  beforeEach(async () => {
    tmp = await makeTempDir('files-repo');
    db = openDatabase(join(tmp, 'm.db'));
    repo = new FilesRepo(db.sqlite);
    importJob = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    repo.recordImported(importJob, [
      { kind: 'ok', file: imported('a.jpg', 'aa', '2020-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('b.jpg', 'bb', '2021-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('c.jpg', 'cc', null) },
    ]);
    exportJob = createJob(db.db, 'export', { outputDir: '/out' }, 'queued').id;
    copyJobFiles(db.db, importJob, exportJob);
    ids = Object.fromEntries(
      (db.sqlite.prepare('SELECT original_name AS n, id FROM files').all() as { n: string; id: number }[]).map((r) => [r.n, r.id]),
    );
  });
  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  it('records outputs and failures, and every query sees them', () => {
    repo.recordExported(exportJob, [], [{ fileId: ids['b.jpg']!, message: 'The original file is no longer there.' }]);
    expect(repo.get(ids['b.jpg']!)?.error).toMatch(/no longer there/);

    repo.recordExported(exportJob, [
      { fileId: ids['a.jpg']!, outputPath: '/out/2020/20200101_100000.jpg' },
      { fileId: ids['b.jpg']!, outputPath: '/out/2021/20210101_100000.jpg' },
    ], []);

    expect(repo.get(ids['a.jpg']!)?.outputPath).toBe('/out/2020/20200101_100000.jpg');
    // A later success clears the earlier error of the same file.
    expect(repo.get(ids['b.jpg']!)).toMatchObject({ outputPath: '/out/2021/20210101_100000.jpg', error: null });
    expect(repo.countExported(exportJob)).toEqual({ files: 2, bytes: 200 });
    expect(repo.countExportable(exportJob)).toEqual({ files: 1, bytes: 100 });
    expect(repo.exportPage(exportJob, null, 10).items.map((i) => i.originalName)).toEqual(['c.jpg']);
    const exported = repo.list({ filter: 'exported', offset: 0, limit: 10 });
    expect(exported.total).toBe(2);
    expect(exported.items.map((f) => f.originalName).sort()).toEqual(['a.jpg', 'b.jpg']);
    const row = db.sqlite.prepare('SELECT job_id FROM file_outputs WHERE file_id = ?').pluck().get(ids['a.jpg']);
    expect(row).toBe(exportJob);
  });

  it('keeps an output across a re-import of the same content and forgets it when the content changed', () => {
    repo.recordExported(exportJob, [
      { fileId: ids['a.jpg']!, outputPath: '/out/2020/20200101_100000.jpg' },
      { fileId: ids['b.jpg']!, outputPath: '/out/2021/20210101_100000.jpg' },
    ], []);
    const again = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    repo.recordImported(again, [
      { kind: 'ok', file: imported('a.jpg', 'aa', '2020-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('b.jpg', 'b2', '2021-01-01T10:00:00.000') },
    ]);
    expect(repo.get(ids['a.jpg']!)?.outputPath).toBe('/out/2020/20200101_100000.jpg');
    expect(repo.get(ids['b.jpg']!)?.outputPath).toBeNull();
  });

  it('drops the output with its file', () => {
    repo.recordExported(exportJob, [{ fileId: ids['a.jpg']!, outputPath: '/out/2020/20200101_100000.jpg' }], []);
    db.sqlite.prepare('DELETE FROM files WHERE id = ?').run(ids['a.jpg']);
    expect(db.sqlite.prepare('SELECT COUNT(*) FROM file_outputs').pluck().get()).toBe(0);
  });
});

describe('FilesRepo.exportPage', () => {
  let tmp: string;
  let db: OpenDb;
  let repo: FilesRepo;
  beforeEach(async () => {
    tmp = await makeTempDir('export-page');
    db = openDatabase(join(tmp, 'm.db'));
    repo = new FilesRepo(db.sqlite);
  });
  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  /** Every page of a job, with some files exported between pages like a running export does. */
  function pageAll(jobId: number, limit: number): string[] {
    const names: string[] = [];
    let cursor = null;
    for (;;) {
      const page = repo.exportPage(jobId, cursor, limit);
      names.push(...page.items.map((i) => i.originalName));
      repo.recordExported(jobId, page.items.slice(0, 1).map((i) => ({ fileId: i.fileId, outputPath: `/out/${i.fileId}` })), []);
      cursor = page.cursor;
      if (page.items.length < limit) return names;
    }
  }

  it('gives the same export order whether it walks the index (big job) or sorts the job (small job)', () => {
    const imp = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    const files: ImportedFile[] = [];
    for (let i = 0; i < 60; i++) {
      // Ties on purpose: shared seconds, shared names, undated files (which sort last).
      const local = i % 4 === 0 ? null : `2020-01-0${1 + (i % 3)}T10:00:0${i % 2}.000`;
      files.push({ ...imported(`n${i % 7}.jpg`, `s${i}`, local), path: `/photos/d${i}/n${i % 7}.jpg` });
    }
    repo.recordImported(imp, files.map((file) => ({ kind: 'ok' as const, file })));
    // One date fixed in review: the final time wins over the detected one.
    const fixed = db.sqlite.prepare("SELECT id FROM files WHERE original_path = '/photos/d5/n5.jpg'").pluck().get() as number;
    repo.setFinal([fixed], { local: '2019-12-31T23:00:00.000', offset: '-05:00' });

    const rows = db.sqlite
      .prepare("SELECT id, original_name AS name, COALESCE(final_at, detected_at, '~') AS k FROM files")
      .all() as { id: number; name: string; k: string }[];
    const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
    const expected = rows
      .sort((a, b) => cmp(a.k, b.k) || cmp(a.name, b.name) || cmp(a.id, b.id))
      .map((r) => r.name);
    expect(expected[0]).toBe('n5.jpg');

    const big = createJob(db.db, 'export', { outputDir: '/out' }, 'queued').id;
    copyJobFiles(db.db, imp, big);
    expect(pageAll(big, 7)).toEqual(expected);

    // The same files in a library ten times bigger: this job is a small share of it.
    const other = createJob(db.db, 'import', { sourceFolders: ['/more'] }, 'completed').id;
    repo.recordImported(other, Array.from({ length: 600 }, (_, i) => ({ kind: 'ok' as const, file: { ...imported(`m${i}.jpg`, `m${i}`, '2018-01-01T00:00:00.000'), path: `/more/m${i}.jpg` } })));
    db.sqlite.prepare('DELETE FROM file_outputs').run();
    const small = createJob(db.db, 'export', { outputDir: '/out' }, 'queued').id;
    copyJobFiles(db.db, imp, small);
    expect(pageAll(small, 7)).toEqual(expected);
  });
});
