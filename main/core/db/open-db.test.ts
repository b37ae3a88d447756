/** The committed migrations build the schema the code expects, with WAL and foreign keys on. */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../testing/corpus.js';
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

  it('moves output paths recorded by the first schema into file_outputs', async () => {
    // A database as the first release left it: only migration 0000 applied.
    const all = defaultMigrationsFolder();
    const first = join(tmp, 'migrations-0000');
    await mkdir(join(first, 'meta'), { recursive: true });
    const journal = JSON.parse(await readFile(join(all, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag.startsWith('0000_'));
    await writeFile(join(first, 'meta', '_journal.json'), JSON.stringify(journal));
    await copyFile(join(all, `${journal.entries[0]!.tag}.sql`), join(first, `${journal.entries[0]!.tag}.sql`));
    const path = join(tmp, 'old.db');
    const old = openDatabase(path, first);
    old.sqlite
      .prepare(
        `INSERT INTO files (original_path, original_name, import_root, size, output_path) VALUES
         ('/a/x.jpg', 'x.jpg', '/a', 1, '/out/2020/20200101_000000.jpg'), ('/a/y.jpg', 'y.jpg', '/a', 1, NULL)`,
      )
      .run();
    old.close();

    const upgraded = openDatabase(path);
    expect(upgraded.sqlite.prepare('SELECT f.original_name AS name, o.output_path AS out FROM file_outputs o JOIN files f ON f.id = o.file_id').all())
      .toEqual([{ name: 'x.jpg', out: '/out/2020/20200101_000000.jpg' }]);
    const columns = upgraded.sqlite.prepare("SELECT name FROM pragma_table_info('files')").pluck().all();
    expect(columns).not.toContain('output_path');
    upgraded.close();
  });
});
