/** Export state per archive: recorded in batches, read back through every query, per output root, forgotten when content changes. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportedFile } from '../../protocol/workers.js';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { importedFile } from '../../../test-support/imported-file.js';
import { ArchivesRepo, type ArchivedResult, type ExportCursor, type ExportScope } from './archives-repo.js';
import { createJob } from './jobs-repo.js';
import { FilesRepo } from './files-repo.js';
import { openDatabase, type OpenDb } from './open-db.js';

function imported(name: string, sha256: string, local: string | null): ImportedFile {
  if (local === null) return importedFile({ name, sha256 });
  return importedFile({ name, sha256, detected: { local, offset: null }, detectedSource: 'exif-datetime-original', confidence: 'medium' });
}

const copied = (fileId: number, relPath: string): ArchivedResult => ({ fileId, outcome: 'copied', relPath, sha256: 'x', size: 100, mtimeMs: 5 });

describe('ArchivesRepo', () => {
  let tmp: string;
  let db: OpenDb;
  let files: FilesRepo;
  let archives: ArchivesRepo;
  let importJob: number;
  let exportJob: number;
  let ids: Record<string, number>;
  const library: ExportScope = { importJobId: null };

  beforeEach(async () => {
    tmp = await makeTempDir('archives-repo');
    db = openDatabase(join(tmp, 'm.db'));
    files = new FilesRepo(db.sqlite);
    archives = new ArchivesRepo(db.sqlite);
    importJob = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    files.recordImported(importJob, [
      { kind: 'ok', file: imported('a.jpg', 'aa', '2020-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('b.jpg', 'bb', '2021-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('c.jpg', 'cc', null) },
    ]);
    exportJob = createJob(db.db, 'export', { outputDir: '/out' }, 'queued').id;
    ids = Object.fromEntries(
      (db.sqlite.prepare('SELECT original_name AS n, id FROM files').all() as { n: string; id: number }[]).map((r) => [r.n, r.id]),
    );
  });
  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  it('records copies and failures per archive, and every query sees them', () => {
    const a = archives.ensure('/out');
    const b = archives.ensure('/backup');
    expect(archives.ensure('/out')).toBe(a);
    archives.record(a, exportJob, [], [{ fileId: ids['b.jpg']!, message: 'The original file is no longer there.' }]);
    expect(files.get(ids['b.jpg']!)?.error).toMatch(/no longer there/);
    expect(archives.failedCount(exportJob)).toBe(1);

    archives.record(a, exportJob, [copied(ids['a.jpg']!, '2020/20200101_100000.jpg'), copied(ids['b.jpg']!, '2021/20210101_100000.jpg')], []);
    expect(files.get(ids['a.jpg']!)?.outputPath).toBe('/out/2020/20200101_100000.jpg');
    // A later success clears the earlier error of the same file.
    expect(files.get(ids['b.jpg']!)).toMatchObject({ outputPath: '/out/2021/20210101_100000.jpg', error: null });
    expect(archives.failedCount(exportJob)).toBe(0);
    expect(archives.counts(library, a)).toEqual({ files: 3, newFiles: 1, newBytes: 100, problems: 0, discardedInArchive: 0 });
    // Another archive holds nothing yet: a backup drive gets every file.
    expect(archives.counts(library, b)).toMatchObject({ files: 3, newFiles: 3, newBytes: 300 });
    const page = archives.exportPage(library, a, null, 10);
    expect(page.items.map((i) => [i.originalName, i.archived?.relPath ?? null])).toEqual([
      ['a.jpg', '2020/20200101_100000.jpg'],
      ['b.jpg', '2021/20210101_100000.jpg'],
      ['c.jpg', null],
    ]);
    expect(archives.exportPage(library, b, null, 10).items.every((i) => i.archived === null)).toBe(true);
    const exported = files.list({ filter: 'exported', offset: 0, limit: 10 });
    expect(exported.total).toBe(2);
    expect(db.sqlite.prepare('SELECT job_id FROM archive_copies WHERE file_id = ?').pluck().get(ids['a.jpg'])).toBe(exportJob);
  });

  it("'present' results write nothing; discarded files with a copy are counted", () => {
    const a = archives.ensure('/out');
    archives.record(a, exportJob, [copied(ids['a.jpg']!, '2020/x.jpg')], []);
    const before = db.sqlite.prepare('SELECT exported_at FROM archive_copies').pluck().get();
    archives.record(a, exportJob + 0, [{ ...copied(ids['a.jpg']!, '2020/other.jpg'), outcome: 'present' }], []);
    expect(db.sqlite.prepare('SELECT rel_path, exported_at FROM archive_copies').get()).toEqual({ rel_path: '2020/x.jpg', exported_at: before });
    files.setDiscarded([ids['a.jpg']!], true);
    expect(archives.counts(library, a)).toMatchObject({ files: 2, discardedInArchive: 1 });
  });

  it('keeps a copy across a re-import of the same content and forgets it when the content changed', () => {
    const a = archives.ensure('/out');
    archives.record(a, exportJob, [copied(ids['a.jpg']!, '2020/a.jpg'), copied(ids['b.jpg']!, '2021/b.jpg')], []);
    const again = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    files.recordImported(again, [
      { kind: 'ok', file: imported('a.jpg', 'aa', '2020-01-01T10:00:00.000') },
      { kind: 'ok', file: imported('b.jpg', 'b2', '2021-01-01T10:00:00.000') },
    ]);
    expect(files.get(ids['a.jpg']!)?.outputPath).toBe('/out/2020/a.jpg');
    expect(files.get(ids['b.jpg']!)?.outputPath).toBeNull();
  });

  it('drops the copies with their file and with their archive', () => {
    const a = archives.ensure('/out');
    archives.record(a, exportJob, [copied(ids['a.jpg']!, '2020/a.jpg'), copied(ids['b.jpg']!, '2021/b.jpg')], []);
    db.sqlite.prepare('DELETE FROM files WHERE id = ?').run(ids['a.jpg']);
    expect(db.sqlite.prepare('SELECT COUNT(*) FROM archive_copies').pluck().get()).toBe(1);
    db.sqlite.prepare('DELETE FROM archives WHERE id = ?').run(a);
    expect(db.sqlite.prepare('SELECT COUNT(*) FROM archive_copies').pluck().get()).toBe(0);
  });

  it('scopes to one import when asked, else the whole library', () => {
    const other = createJob(db.db, 'import', { sourceFolders: ['/more'] }, 'completed').id;
    files.recordImported(other, [{ kind: 'ok', file: { ...imported('d.jpg', 'dd', '2019-01-01T00:00:00.000'), path: '/more/d.jpg' } }]);
    expect(archives.counts(library, null).files).toBe(4);
    expect(archives.counts({ importJobId: importJob }, null).files).toBe(3);
    expect(archives.exportPage({ importJobId: other }, null, null, 10).items.map((i) => i.originalName)).toEqual(['d.jpg']);
  });
});

describe('ArchivesRepo.exportPage order', () => {
  let tmp: string;
  let db: OpenDb;
  let files: FilesRepo;
  let archives: ArchivesRepo;
  beforeEach(async () => {
    tmp = await makeTempDir('export-page');
    db = openDatabase(join(tmp, 'm.db'));
    files = new FilesRepo(db.sqlite);
    archives = new ArchivesRepo(db.sqlite);
  });
  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  /** Every page, with some files recorded between pages like a running export does. */
  function pageAll(scope: ExportScope, limit: number): string[] {
    const archive = archives.ensure(`/out-${scope.importJobId}-${Math.random()}`);
    const names: string[] = [];
    let cursor: ExportCursor | null = null;
    for (;;) {
      const page = archives.exportPage(scope, archive, cursor, limit);
      names.push(...page.items.map((i) => i.originalName));
      archives.record(archive, 1, page.items.slice(0, 1).map((i) => copied(i.fileId, `x/${i.fileId}`)), []);
      cursor = page.keys.at(-1) ?? cursor;
      if (page.items.length < limit) return names;
    }
  }

  it('gives the same export order for the library, a big import (index walk) and a small one (sort)', () => {
    const imp = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'completed').id;
    const list: ImportedFile[] = [];
    for (let i = 0; i < 60; i++) {
      // Ties on purpose: shared seconds, shared names, undated files (which sort last).
      const local = i % 4 === 0 ? null : `2020-01-0${1 + (i % 3)}T10:00:0${i % 2}.000`;
      list.push({ ...imported(`n${i % 7}.jpg`, `s${i}`, local), path: `/photos/d${i}/n${i % 7}.jpg` });
    }
    files.recordImported(imp, list.map((file) => ({ kind: 'ok' as const, file })));
    // One date fixed in review: the final time wins over the detected one.
    const fixed = db.sqlite.prepare("SELECT id FROM files WHERE original_path = '/photos/d5/n5.jpg'").pluck().get() as number;
    files.setFinal([fixed], { local: '2019-12-31T23:00:00.000', offset: '-05:00' });

    const rows = db.sqlite
      .prepare("SELECT id, original_name AS name, COALESCE(final_at, detected_at, '~') AS k FROM files")
      .all() as { id: number; name: string; k: string }[];
    const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
    const expected = rows.sort((a, b) => cmp(a.k, b.k) || cmp(a.name, b.name) || cmp(a.id, b.id)).map((r) => r.name);
    expect(expected[0]).toBe('n5.jpg');

    expect(pageAll({ importJobId: null }, 7)).toEqual(expected);
    expect(pageAll({ importJobId: imp }, 7)).toEqual(expected);
    // The same files in a library ten times bigger: this import is a small share of it.
    const other = createJob(db.db, 'import', { sourceFolders: ['/more'] }, 'completed').id;
    files.recordImported(other, Array.from({ length: 600 }, (_, i) => ({ kind: 'ok' as const, file: { ...imported(`m${i}.jpg`, `m${i}`, '2018-01-01T00:00:00.000'), path: `/more/m${i}.jpg` } })));
    expect(pageAll({ importJobId: imp }, 7)).toEqual(expected);
  });
});
