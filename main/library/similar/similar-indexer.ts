/**
 * Near-duplicates, part 1: the perceptual hash of every picture, computed in the background
 * once an import has recorded and dated its files, never while a job runs.
 *
 * Decoding a picture costs many times what reading its dates does, so hashing inside the import
 * made it slower than ExifTool's plain date read;
 * here the import ends as soon as the dates are in, the review can start, and the hashes follow
 * in the thumbnail workers (one at a time, behind any thumbnail the screen asks for). Only the
 * library's writer runs it; it stops when a job starts and goes on when the job has finished.
 *
 * `perceptual_hash` NULL means "not hashed yet"; '' means "hashed, no hash" (not decodable).
 */
import type Database from 'better-sqlite3';
import { encodePathBytes } from '../../rules/byte-names.js';
import { HASHABLE_MIMES, type HashJob } from '../../protocol/thumbnail.js';

/**
 * The pictures not hashed yet. Its first three terms are the partial index `files_unhashed_idx`'s
 * condition (schema.ts), so the batches and the count read that index, not the whole library.
 */
export const PENDING_WHERE = `perceptual_hash IS NULL AND discarded = 0 AND media_type = 'image' AND mime IN (${[...HASHABLE_MIMES].map((m) => `'${m}'`).join(', ')})`;

/** Pictures asked for at once (the service hashes them one by one). */
const BATCH = 32;
/**
 * A picture whose hashing thread went away this often (it crashed on it) counts as not decodable,
 * once another picture shows that the hashing itself works.
 */
const MAX_LOST = 3;
/** Pictures set aside, none hashed meanwhile: the hashing itself is broken; left for the next run. */
const MAX_SET_ASIDE = 3;
/** How long after a lost hashing thread the next try starts. */
const RETRY_MS = 2000;

export interface SimilarIndexerDeps {
  sqlite: Database.Database;
  /**
   * The thumbnail service's background hash: `'lost'` when its thread went away with the picture
   * (tried again later), null when the service stopped (left for the next run).
   */
  hash(job: HashJob): Promise<{ hash: string | null } | 'lost' | null>;
}

interface PendingRow {
  id: number;
  path: string;
  pathBytes: Buffer | null;
  sha256: string | null;
}

export class SimilarIndexer {
  private running: Promise<void> | null = null;
  private paused = true;
  private stopped = false;
  /** Until when someone using the library keeps it standing aside (see holdFor). */
  private heldUntil = 0;
  /** Wakes the indexer after a hold or before another try (see wakeIn). */
  private timer: NodeJS.Timeout | null = null;
  /** Pictures whose hashing thread went away, and how often. */
  private readonly lost = new Map<number, number>();
  /** Pictures that lost it MAX_LOST times before any picture was hashed in this session. */
  private readonly setAside = new Map<number, PendingRow>();
  /** A picture was hashed in this session: the hashing works. */
  private works = false;
  private readonly pendingStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly recordStmt: Database.Statement;

  constructor(private readonly deps: SimilarIndexerDeps) {
    const where = PENDING_WHERE;
    this.pendingStmt = deps.sqlite.prepare(
      `SELECT id, original_path AS path, original_path_bytes AS pathBytes, sha256 FROM files WHERE ${where} ORDER BY id LIMIT ?`,
    );
    this.countStmt = deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM files WHERE ${where}`);
    // Only for the bytes it hashed: a file re-imported with other bytes meanwhile waits its turn again.
    this.recordStmt = deps.sqlite.prepare('UPDATE files SET perceptual_hash = ? WHERE id = ? AND sha256 IS ? AND perceptual_hash IS NULL');
  }

  /** Pictures not hashed yet. */
  pending(): number {
    return (this.countStmt.get() as { n: number }).n;
  }

  /** Starts (or goes on) hashing what is pending. */
  resume(): void {
    if (this.stopped) return;
    this.paused = false;
    this.start();
  }

  /** Stops after the picture being hashed (a job runs); `resume` goes on from there. */
  pause(): void {
    this.paused = true;
  }

  /**
   * Someone is using the library (a list, a filter, a date set): stand aside for `ms`, so its
   * answers do not wait behind the hashing's database writes and the caches those writes clear.
   */
  holdFor(ms: number): void {
    if (this.stopped) return;
    this.heldUntil = Math.max(this.heldUntil, Date.now() + ms);
    this.wakeIn(ms);
  }

  /** Resolves when the indexer has nothing left to do, or is paused or held (tests, the bench). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** For good (the library closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.paused = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.settled();
  }

  private held(): boolean {
    return Date.now() < this.heldUntil;
  }

  /**
   * Starts again in `ms`. A timer can fire a little before Date.now() says its time has come
   * (Node measures it from the event loop's cached clock): still held then, it waits out the rest
   * instead of giving up until the next hold or job.
   */
  private wakeIn(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      if (this.held()) this.wakeIn(Math.max(1, this.heldUntil - Date.now()));
      else this.start();
    }, ms);
    this.timer.unref();
  }

  private start(): void {
    if (this.stopped || this.paused || this.held()) return;
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    while (!this.paused && !this.held()) {
      const rows = (this.pendingStmt.all(BATCH + this.setAside.size) as PendingRow[]).filter((r) => !this.setAside.has(r.id));
      if (rows.length === 0) return;
      // Recorded together, in one transaction per batch (or when stopping early): one commit,
      // not one per picture, on the thread that also answers the UI.
      const done: { hash: string; row: PendingRow }[] = [];
      try {
        for (const row of rows) {
          if (this.paused || this.held()) return;
          const result = await this.deps.hash({ sourcePath: row.path, ...(row.pathBytes ? { sourcePathBytes: encodePathBytes(row.pathBytes) } : {}) });
          // Not done (the service stopped): left for the next run, never recorded as "no hash".
          if (result === null || this.stopped) return;
          if (result === 'lost') {
            // Its thread went away with it: another try in a moment. A picture that keeps taking
            // the decoder down has no hash, but only once another picture was hashed: when none
            // can be, the hashing itself is broken and nothing is recorded.
            const times = (this.lost.get(row.id) ?? 0) + 1;
            if (times < MAX_LOST) {
              this.lost.set(row.id, times);
              this.wakeIn(RETRY_MS);
              return;
            }
            this.lost.delete(row.id);
            if (this.works) done.push({ hash: '', row });
            else if (this.setAside.set(row.id, row).size >= MAX_SET_ASIDE) return;
            continue;
          }
          this.lost.delete(row.id);
          this.works = true;
          done.push({ hash: result.hash ?? '', row });
          for (const aside of this.setAside.values()) done.push({ hash: '', row: aside });
          this.setAside.clear();
        }
      } finally {
        if (!this.stopped && done.length > 0) this.record(done);
      }
      if (done.length === 0) return;
    }
  }

  private record(done: readonly { hash: string; row: PendingRow }[]): void {
    this.deps.sqlite.transaction(() => {
      for (const { hash, row } of done) this.recordStmt.run(hash, row.id, row.sha256);
    })();
  }
}
