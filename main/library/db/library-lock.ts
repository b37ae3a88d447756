/**
 * One writer per library: an exclusive, OS-level lock on a small SQLite file beside the
 * database, held for the life of the process that writes the library.
 *
 * Why SQLite and not a lock-file package: the lock must end with its process, kill -9 and power
 * cuts included. SQLite's exclusive locking mode holds an fcntl lock on `<db>-writer.lock` for as
 * long as the connection is open, and the kernel drops fcntl locks when the process dies, so
 * there is no stale lock to detect and no timeout to wait out (proper-lockfile's mkdir lock
 * stays behind a dead process until its mtime goes stale). better-sqlite3 is already here, and
 * SQLite also keeps two connections of one process apart (POSIX locks alone would not).
 *
 * A refused process cannot read the locked file, so the holder also writes who it is to
 * `<db>-writer.json` for the refusal message.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { assertNever } from '../../../shared/errors.js';

export type WriterKind = 'desktop' | 'serve' | 'cli';

/** Who holds a library, as written beside its lock. */
export interface WriterInfo {
  pid: number;
  kind: WriterKind;
  /** What the holder runs, e.g. `mediaparser export --out /archive`. */
  command: string;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** serve: the address the app is served on, without its access token. */
  url?: string;
}

export interface LibraryLock {
  readonly info: WriterInfo;
  /**
   * Adds facts known only later to what refused processes read: serve's address, and its access
   * token, kept apart in a file only this user can read, so the CLI can hand commands to it.
   */
  update(patch: { url?: string; token?: string }): void;
  /** Idempotent. The kernel releases the lock anyway when the process ends. */
  release(): void;
}

export type LockAttempt = { ok: true; lock: LibraryLock } | { ok: false; holder: WriterInfo | null };

export function lockPaths(dbPath: string): { lock: string; info: string; token: string } {
  return { lock: `${dbPath}-writer.lock`, info: `${dbPath}-writer.json`, token: `${dbPath}-writer.token` };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * Takes the writer lock of the library at `dbPath`, or reports who holds it. Never waits: a
 * held lock answers at once. Throws only when the lock file cannot be opened at all.
 */
export function acquireLibraryLock(dbPath: string, who: { kind: WriterKind; command: string }): LockAttempt {
  const paths = lockPaths(dbPath);
  mkdirSync(dirname(paths.lock), { recursive: true });
  const conn = new Database(paths.lock, { timeout: 0 });
  try {
    conn.pragma('locking_mode = EXCLUSIVE');
    // No journal file beside the lock; its one row is worthless after a crash.
    conn.pragma('journal_mode = MEMORY');
    // The first write in exclusive locking mode takes the EXCLUSIVE lock and keeps it until close.
    conn.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS writer (pid INTEGER); DELETE FROM writer;');
    conn.prepare('INSERT INTO writer (pid) VALUES (?)').run(process.pid);
    conn.exec('COMMIT');
  } catch (error) {
    conn.close();
    if (isBusy(error)) return { ok: false, holder: readHolder(dbPath) };
    throw error;
  }

  const info: WriterInfo = {
    pid: process.pid,
    kind: who.kind,
    command: who.command,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  // A token left by a writer that was killed must not reach the next one's clients.
  rmSync(paths.token, { force: true });
  const writeInfo = (): void => {
    // Renamed into place so a refused process never reads half a document.
    const tmp = `${paths.info}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(info, null, 2));
    renameSync(tmp, paths.info);
  };
  try {
    writeInfo();
  } catch {
    // Only the refusal message of another process loses its detail.
  }
  let released = false;
  return {
    ok: true,
    lock: {
      info,
      update(patch) {
        if (released) return;
        if (patch.url !== undefined) info.url = patch.url;
        try {
          if (patch.token !== undefined) {
            const tmp = `${paths.token}.${process.pid}.tmp`;
            writeFileSync(tmp, patch.token, { mode: 0o600 });
            renameSync(tmp, paths.token);
          }
          writeInfo();
        } catch {
          // as above
        }
      },
      release() {
        if (released) return;
        released = true;
        // Removed while still held, so they never name a process that no longer holds the library.
        rmSync(paths.token, { force: true });
        rmSync(paths.info, { force: true });
        conn.close();
      },
    },
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds the library according to `<db>-writer.json`; null when unknown (the holder has not
 * written it yet, or it names a process of this host that is gone).
 */
export function readHolder(dbPath: string): WriterInfo | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(lockPaths(dbPath).info, 'utf8'));
  } catch {
    return null;
  }
  const info = parsed as Partial<WriterInfo>;
  if (typeof info.pid !== 'number' || typeof info.kind !== 'string' || typeof info.startedAt !== 'string') return null;
  const holder: WriterInfo = {
    pid: info.pid,
    kind: info.kind === 'desktop' || info.kind === 'serve' ? info.kind : 'cli',
    command: typeof info.command === 'string' ? info.command : '',
    hostname: typeof info.hostname === 'string' ? info.hostname : '',
    startedAt: info.startedAt,
    ...(typeof info.url === 'string' ? { url: info.url } : {}),
  };
  if (holder.hostname === hostname() && !pidAlive(holder.pid)) return null;
  return holder;
}

/** The access token a serve holder published beside its lock, if any. */
export function readHolderToken(dbPath: string): string | null {
  try {
    return readFileSync(lockPaths(dbPath).token, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function sinceText(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The sentence a refused process shows: who holds the library and what to do about it. */
export function libraryBusyMessage(holder: WriterInfo | null, now = new Date()): string {
  if (holder === null) {
    return 'This library is in use by another MediaParser process. Close it, or wait for its job to finish, and try again.';
  }
  const since = sinceText(holder.startedAt, now);
  const where = holder.hostname && holder.hostname !== hostname() ? ` on ${holder.hostname}` : '';
  const facts = `process ${holder.pid}${where}${since ? `, since ${since}` : ''}`;
  switch (holder.kind) {
    case 'desktop':
      return `This library is in use by the MediaParser desktop app (${facts}). Close it, or work in that window, and try again.`;
    case 'serve':
      return (
        `This library is in use by \`mediaparser serve\`${holder.url ? ` at ${holder.url}` : ''} (${facts}). ` +
        'Stop it with Ctrl+C, or work in its browser page, and try again.'
      );
    case 'cli':
      return (
        `This library is in use by \`${holder.command || 'mediaparser'}\` (${facts}). ` +
        'Wait for it to finish, or pause it with Ctrl-C, and try again.'
      );
    default:
      return assertNever(holder.kind, 'writer kind');
  }
}
