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
