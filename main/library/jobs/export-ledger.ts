/**
 * An export run's bookkeeping of order and outcomes, so that what is committed is exact even
 * though a few files finish out of order (copies run side by side).
 *
 * Files are handed to the worker in export order. The ledger remembers each until it is done;
 * the longest done prefix gives the position a resume starts after (`resumeAfter`), and only that
 * prefix counts towards the job's committed figures: a file done beyond it is done again (found in
 * place) after a crash, and must not be counted twice. Files this job failed on before are sent
 * first on a resume and change only the figures, never the position.
 */
import type { ExportStats } from '../../../shared/types.js';
import type { ExportCursor } from '../db/archives-repo.js';
import type { ExportItem, ExportOutcome } from '../../protocol/workers.js';

interface Entry {
  fileId: number;
  key: ExportCursor;
  /** A retry of an earlier failure of this job (already counted in the job's files). */
  retry: boolean;
  outcome: ExportOutcome | 'failed' | null;
  bytes: number;
}

export const EMPTY_STATS: ExportStats = {
  copied: 0,
  alreadyThere: 0,
  renamed: 0,
  failed: 0,
  movedAside: 0,
  discardedInArchive: 0,
  bytesCopied: 0,
};

/** SQLite compares text by its UTF-8 bytes; compare keys the same way. */
function compareKeys(a: ExportCursor, b: ExportCursor): number {
  const byKey = Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  if (byKey !== 0) return byKey;
  const byName = Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
  return byName !== 0 ? byName : a.id - b.id;
}

export class ExportLedger {
  private readonly queue: Entry[] = [];
  private head = 0;
  private readonly byId = new Map<number, Entry>();
  private readonly stats: ExportStats;
  private position: ExportCursor | null;
  private prefixFiles = 0;
  private movedAside = 0;

  constructor(
    after: ExportCursor | null,
    earlier: ExportStats | null,
    discardedInArchive: number,
    /** Files counted as done by earlier runs of this job (its saved progress when resuming). */
    private readonly baseFiles = 0,
  ) {
    this.position = after;
    this.stats = { ...EMPTY_STATS, ...(after !== null && earlier ? earlier : {}), discardedInArchive };
  }

  /** The failed files this job will try again: only those before the saved position (the rest come anyway). */
  retryable(found: { items: ExportItem[]; keys: ExportCursor[] }): { items: ExportItem[]; keys: ExportCursor[] } {
    const pos = this.position;
    if (pos === null) return { items: [], keys: [] };
    const items: ExportItem[] = [];
    const keys: ExportCursor[] = [];
    found.items.forEach((item, i) => {
      const key = found.keys[i]!;
      if (compareKeys(key, pos) <= 0) {
        items.push(item);
        keys.push(key);
      }
    });
    return { items, keys };
  }

  sent(items: readonly ExportItem[], keys: readonly ExportCursor[], retry: boolean): void {
    items.forEach((item, i) => {
      const entry: Entry = { fileId: item.fileId, key: keys[i]!, retry, outcome: null, bytes: 0 };
      this.queue.push(entry);
      this.byId.set(item.fileId, entry);
    });
  }

  /** Records a file's outcome; true when it counts as one more file done (retries were counted before). */
  done(fileId: number, outcome: ExportOutcome, bytes: number, movedAside = false): boolean {
    const entry = this.byId.get(fileId);
    if (!entry) return false;
    entry.outcome = outcome;
    entry.bytes = bytes;
    if (movedAside) this.movedAside++;
    this.advance();
    return !entry.retry;
  }

  failed(fileId: number): boolean {
    const entry = this.byId.get(fileId);
    if (!entry) return false;
    entry.outcome = 'failed';
    this.advance();
    return !entry.retry;
  }

  private advance(): void {
    while (this.head < this.queue.length) {
      const e = this.queue[this.head]!;
      if (e.outcome === null) break;
      this.head++;
      this.byId.delete(e.fileId);
      switch (e.outcome) {
        case 'copied':
          this.stats.copied++;
          break;
        case 'present':
        case 'adopted':
          this.stats.alreadyThere++;
          break;
        case 'renamed':
          this.stats.renamed++;
          break;
        case 'failed':
          break;
      }
      this.stats.bytesCopied += e.bytes;
      if (!e.retry) {
        this.position = e.key;
        this.prefixFiles++;
      }
    }
    // Compact now and then: the done prefix is never looked at again.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Files done up to the saved position, over all runs of the job. */
  filesDoneBefore(): number {
    return this.baseFiles + this.prefixFiles;
  }

  /** The figures up to the saved position; `failed` is what the job still fails on. */
  committedStats(failed: number): ExportStats {
    return { ...this.stats, movedAside: this.stats.movedAside + this.movedAside, failed };
  }

  resumeAfterJson(): string | null {
    return this.position === null ? null : JSON.stringify(this.position);
  }
}
