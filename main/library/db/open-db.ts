/**
 * Opens (creating if needed) the application database: WAL, foreign keys on, and every
 * committed migration applied before anything else touches it.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { nativeBinding } from './native-binding.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDb {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

/** Where the committed SQL migrations live; overridable for packaged builds. */
export function defaultMigrationsFolder(): string {
  return process.env.MEDIAPARSER_MIGRATIONS ?? join(dirname(fileURLToPath(import.meta.url)), 'migrations');
}

export function openDatabase(path: string, migrationsFolder = defaultMigrationsFolder()): OpenDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { nativeBinding: nativeBinding() });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Until a checkpoint thread takes over (checkpointer.ts), checkpoints run inside a commit on
  // the calling thread and fsync there; 4000 pages instead of SQLite's 1000 makes them rarer.
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    db,
    sqlite,
    path,
    close: () => sqlite.close(),
  };
}
