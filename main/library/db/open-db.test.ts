/** The committed migrations build the schema the code expects, with WAL and foreign keys on. */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { defaultMigrationsFolder, openDatabase } from './open-db.js';

describe('openDatabase', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await makeTempDir('db');
  });
  afterEach(async () => {
    await removeDir(tmp);
  });

  it('applies the migrations once, with WAL and foreign keys', () => {
    const path = join(tmp, 'nested', 'mediaparser.db');
    const first = openDatabase(path);
    const tables = first.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['files', 'file_tags', 'jobs', 'job_files', 'settings', 'tags']));
    expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const applied = first.sqlite.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get();
    first.close();
    const again = openDatabase(path);
    expect(again.sqlite.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(applied);
    again.close();
  });

  it('enforces the links between jobs, files and tags', () => {
    const { sqlite, close } = openDatabase(join(tmp, 'fk.db'));
    expect(() => sqlite.prepare('INSERT INTO job_files (job_id, file_id) VALUES (1, 1)').run()).toThrow(/FOREIGN KEY/);
    sqlite.prepare("INSERT INTO jobs (type, status) VALUES ('import', 'completed')").run();
    sqlite.prepare("INSERT INTO files (original_path, original_name, import_root, size) VALUES ('/a/b.jpg', 'b.jpg', '/a', 1)").run();
    sqlite.prepare('INSERT INTO job_files (job_id, file_id) VALUES (1, 1)').run();
    sqlite.prepare('DELETE FROM files WHERE id = 1').run();
    expect(sqlite.prepare('SELECT COUNT(*) FROM job_files').pluck().get()).toBe(0);
    expect(() =>
      sqlite.prepare("INSERT INTO files (original_path, original_name, import_root, size) VALUES ('/a/c.jpg', 'c.jpg', '/a', 1), ('/a/c.jpg', 'c.jpg', '/a', 1)").run(),
    ).toThrow(/UNIQUE/);
    close();
  });

  /** A database as an earlier release left it: only the migrations up to `last` applied. */
  async function oldDatabase(last: string): Promise<string> {
    const all = defaultMigrationsFolder();
    const folder = join(tmp, `migrations-${last}`);
    await mkdir(join(folder, 'meta'), { recursive: true });
    const journal = JSON.parse(await readFile(join(all, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag.slice(0, 4) <= last);
    await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) await copyFile(join(all, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
    return folder;
  }

  it('keeps output paths recorded by the first schema as copies in their archive', async () => {
    const path = join(tmp, 'old.db');
    const old = openDatabase(path, await oldDatabase('0000'));
    old.sqlite.prepare(`INSERT INTO settings (key, value) VALUES ('output_directory', '"/out"')`).run();
    old.sqlite
      .prepare(
        `INSERT INTO files (original_path, original_name, import_root, size, sha256, output_path) VALUES
         ('/a/x.jpg', 'x.jpg', '/a', 1, 'xx', '/out/2020/20200101_000000.jpg'), ('/a/y.jpg', 'y.jpg', '/a', 1, 'yy', NULL)`,
      )
      .run();
    old.close();

    const upgraded = openDatabase(path);
    expect(
      upgraded.sqlite
        .prepare('SELECT f.original_name AS name, a.root, c.rel_path AS rel, c.sha256, c.size FROM archive_copies c JOIN files f ON f.id = c.file_id JOIN archives a ON a.id = c.archive_id')
        .all(),
    ).toEqual([{ name: 'x.jpg', root: '/out', rel: '2020/20200101_000000.jpg', sha256: 'xx', size: 1 }]);
    const columns = upgraded.sqlite.prepare("SELECT name FROM pragma_table_info('files')").pluck().all();
    expect(columns).not.toContain('output_path');
    upgraded.close();
  });

  it('moves each file_outputs row into the archive of the export job that wrote it', async () => {
    const path = join(tmp, 'v2.db');
    const old = openDatabase(path, await oldDatabase('0002'));
    const s = old.sqlite;
    s.prepare(`INSERT INTO jobs (id, type, status, options) VALUES (1, 'export', 'completed', '{"outputDir":"/archive"}'), (2, 'export', 'completed', '{"outputDir":"/backup"}')`).run();
    s.prepare(
      `INSERT INTO files (id, original_path, original_name, import_root, size, sha256) VALUES
       (1, '/a/x.jpg', 'x.jpg', '/a', 5, 'xx'), (2, '/a/y.jpg', 'y.jpg', '/a', 6, 'yy'), (3, '/a/z.jpg', 'z.jpg', '/a', 7, 'zz')`,
    ).run();
    s.prepare(
      `INSERT INTO file_outputs (file_id, output_path, job_id) VALUES
       (1, '/archive/2020/x.jpg', 1), (2, '/backup/unknown/y.jpg', 2), (3, '/elsewhere/z.jpg', NULL)`,
    ).run();
    old.close();

    const upgraded = openDatabase(path);
    const rows = upgraded.sqlite
      .prepare('SELECT c.file_id AS id, a.root, c.rel_path AS rel, c.size, c.job_id AS job FROM archive_copies c JOIN archives a ON a.id = c.archive_id ORDER BY c.file_id')
      .all();
    // A row whose job (and so archive) is unknown cannot be placed: the next export finds the copy on disk.
    expect(rows).toEqual([
      { id: 1, root: '/archive', rel: '2020/x.jpg', size: 5, job: 1 },
      { id: 2, root: '/backup', rel: 'unknown/y.jpg', size: 6, job: 2 },
    ]);
    const tables = upgraded.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('file_outputs');
    upgraded.close();
  });
});
