/** WAL checkpoints run on their own thread; the main connection takes over if that thread cannot run. */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './checkpointer.js';
import { openDatabase, type OpenDb } from './open-db.js';

describe('startCheckpointer', () => {
  let tmp: string;
  let db: OpenDb;
  beforeEach(async () => {
    tmp = await makeTempDir('checkpoint');
    db = openDatabase(join(tmp, 'm.db'));
  });
  afterEach(async () => {
    if (db.sqlite.open) db.close();
    await removeDir(tmp);
  });

  const writeRows = (n: number): void => {
    const insert = db.sqlite.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    db.sqlite.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(`k${i}`, 'x'.repeat(500));
    })();
  };

  it('checkpoints the WAL from its own thread while the main connection never does', async () => {
    const cp = startCheckpointer(db.sqlite, { intervalMs: 60_000 });
    expect(await cp.ready).toBe(true);
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeRows(2000);
    const dbBytes = statSync(db.path).size;
    const result = await cp.checkpointNow();
    expect(result).not.toBeNull();
    expect(result!.log).toBeGreaterThan(100);
    expect(result!.checkpointed).toBe(result!.log);
    // The rows reached the database file itself.
    expect(statSync(db.path).size).toBeGreaterThan(dbBytes);
    await cp.close();
    expect(await cp.checkpointNow()).toBeNull();
    // The data is intact and the main connection still writes.
    writeRows(10);
    expect(db.sqlite.prepare("SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'").pluck().get()).toBe(2000);
  });

  it('gives checkpoints back to the main connection when the thread cannot run', async () => {
    const broken = join(tmp, 'broken-driver.js');
    writeFileSync(broken, "throw new Error('no driver here');");
    const cp = startCheckpointer(db.sqlite, { driver: broken });
    expect(await cp.ready).toBe(false);
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    expect(await cp.checkpointNow()).toBeNull();
    await cp.close();
  });
});
