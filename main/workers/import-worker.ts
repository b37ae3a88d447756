/**
 * Import worker: scans the source folders and analyses every media file, reporting each result
 * to the runner (the single database writer). File I/O only: no database, no electron.
 *
 * `runImport` holds the logic and is testable in-process; the worker_threads entry at the bottom
 * only wires it to `workerData` / `parentPort`.
 */
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { appError } from '../../shared/errors.js';
import { errnoToAppError } from '../rules/errno.js';
import { analyzeFile } from '../engines/import/analyze-file.js';
import { ExiftoolBatcher } from '../engines/import/exiftool-batch.js';
import type { ReaderResult } from '../engines/import/metadata-dates.js';
import { likelyNeedsExiftool } from '../engines/import/reader-choice.js';
import { startExiftool } from '../engines/import/exiftool-process.js';
import { scanFolders, type ScanEntry } from '../engines/import/scan.js';
import { describeSidecars, matchSidecars, type MatchedSidecar, type SidecarCandidate } from '../engines/import/sidecars.js';
import { LivePhotoCandidates, needsContentId, readContentId } from '../engines/import/live-photos.js';
import { batchingPost } from './batching.js';
import type { BatchedImportMessage, ImportWorkerData, ImportWorkerMessage } from '../protocol/workers.js';
import { CONTROL_CANCEL, CONTROL_PAUSE, CONTROL_RUN, SKIPPED_EXAMPLES, type SkippedEntries } from '../protocol/workers.js';

export type PostImportMessage = (message: ImportWorkerMessage) => void;

export interface RunImportOptions {
  /**
   * Files analysed at once (default 16). A file waiting for ExifTool does not count: another
   * file starts meanwhile (up to `maxWaitingForExiftool` of them wait), so photos keep this
   * thread busy while perl reads videos on the other core(s).
   */
  concurrency?: number;
  /**
   * Files that may wait for ExifTool at once: deep enough to keep every ExifTool process fed
   * with full batches, small enough that a pause or cancel (which lets started files finish)
   * stays quick. Default 64; 0 when `concurrency` is given without it, which makes
   * `concurrency` an exact cap on the files in flight.
   */
  maxWaitingForExiftool?: number;
  /** With `data.received`: results posted but not yet taken by the runner before readers wait. Default 2048. */
  maxUnread?: number;
}

const SCAN_PROGRESS_EVERY = 200;
/** Files found ahead of the analysis (the second walk of the folders). */
const LOOKAHEAD = 1024;
/**
 * A small photo's analysis runs on promises that resolve at once (sync reads, in-memory parsing),
 * so a reader can go from file to file without the event loop ever reaching its I/O phase, and
 * ExifTool's replies would wait unread in their pipe until the photos are done: perl then sat
 * idle for most of the import. So every reader steps aside to the event loop before each file
 * (stepping aside only after a few ms of work kept most of the delay; bench:import shows it).
 */
const yieldToIo = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
/** Re-check the control word this often while paused, in case a wake-up notify was missed. */
const PAUSE_POLL_MS = 200;

// Node 20 has Atomics.waitAsync; the ES2023 lib this project targets does not declare it yet.
interface AtomicsWithWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** Waits while the control word says PAUSE; returns the new value (RUN or CANCEL). */
async function waitWhilePaused(control: Int32Array): Promise<number> {
  for (;;) {
    const value = Atomics.load(control, 0);
    if (value !== CONTROL_PAUSE) return value;
    const w = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(control, 0, CONTROL_PAUSE, PAUSE_POLL_MS);
    if (w.async) await w.value;
  }
}

/**
 * Runs one import: scan, then analyse with a small pool, honouring pause/cancel between files.
 * Always ends with exactly one of 'done', 'cancelled' or 'fatal', and always ends ExifTool.
 */
export async function runImport(
  data: ImportWorkerData,
  post: PostImportMessage,
  control: Int32Array,
  runOptions: RunImportOptions = {},
): Promise<void> {
  let exiftool: ExifTool | null = null;
  /** Fidelity: reads Live Photo ContentIdentifiers (live-photos.ts), started on the first one. */
  let contentIdTool: ExifTool | null = null;
  let batcher: ExiftoolBatcher | null = null;
  // One ExifTool process per core: while this thread hashes photos they share the cores with it,
  // and once the photos are done every core reads with ExifTool (a camcorder's AVCHD folder is
  // all ExifTool). On 2 cores with the bench tree, two processes beat one (bench:import).
  const maxProcs = Math.max(1, Math.min(4, os.availableParallelism()));
  const concurrency = Math.max(1, runOptions.concurrency ?? 16);
  const maxWaiting = Math.max(0, runOptions.maxWaitingForExiftool ?? (runOptions.concurrency === undefined ? 64 : 0));
  /** Readers alive; readers parked on ExifTool; files taken from the ExifTool queue, not finished. */
  let readers = 0;
  let waiting = 0;
  let exiftoolClaimed = 0;
  let startReader: () => void = () => undefined;
  const readExiftool = async (file: string): Promise<ReaderResult> => {
    // Started only when a file needs it: a folder of JPEGs never spawns perl.
    if (batcher === null) {
      exiftool = startExiftool({ maxProcs, minDelayBetweenSpawnMillis: 0, taskTimeoutMillis: 60_000 });
      batcher = new ExiftoolBatcher(exiftool, maxProcs);
    }
    waiting++;
    // This reader now only waits; let another one use the CPU meanwhile. (The ExifTool queue's
    // claims keep `waiting` near maxWaiting; files that turned out to need ExifTool, such as
    // HEIF brands exifr does not know, may add some; the hard cap bounds a folder of those.)
    if (waiting <= 4 * maxWaiting && readers - waiting < concurrency) startReader();
    try {
      return await batcher.read(file);
    } finally {
      waiting--;
    }
  };
  const cancelled = (): boolean => Atomics.load(control, 0) === CONTROL_CANCEL;
  // Flow control: results posted (file / file-failed) against those the runner has taken.
  const received = data.received ? new Int32Array(data.received) : null;
  const maxUnread = Math.max(1, runOptions.maxUnread ?? 2048);
  let posted = 0;
  const postResult: PostImportMessage = (m) => {
    posted++;
    post(m);
  };
  const waitForRoom = async (): Promise<void> => {
    if (received === null) return;
    for (;;) {
      const taken = Atomics.load(received, 0);
      if (posted - taken < maxUnread || cancelled()) return;
      const w = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(received, 0, taken, PAUSE_POLL_MS);
      if (w.async) await w.value;
    }
  };

  try {
    const skip = new Set(data.skipPaths);
    const onError = (p: string, e: NodeJS.ErrnoException): void => {
      const error = errnoToAppError(e, p);
      const root = data.roots.map((r) => path.resolve(r)).find((r) => p === r || p.startsWith(r + path.sep)) ?? '';
      post({ type: 'file-failed', path: p, root, size: 0, error: { ...error, message: `A folder could not be read: ${error.message}` } });
    };
    // Fidelity: sidecars seen by the scan, matched to their media files once the scan is done.
    const sidecarFiles: SidecarCandidate[] = [];
    const skipped: SkippedEntries = { count: 0, hidden: 0, system: 0, examples: [] };
    // The folders are walked twice: once to count (the progress total) and to match sidecars and
    // Live Photo partners (which needs every name), holding only each file's path; then again as
    // the files are analysed, a short stretch ahead. A list of whole scan entries would grow with
    // the library far faster.
    let total = 0;
    let totalBytes = 0;
    let allPaths: string[] = [];
    for await (const entry of scanFolders(data.roots, {
      shouldStop: cancelled,
      onError,
      onSkipped: (p, reason) => {
        skipped.count++;
        skipped[reason]++;
        if (skipped.examples.length < SKIPPED_EXAMPLES) skipped.examples.push(p);
      },
      onSidecar: (s) => sidecarFiles.push(s),
    })) {
      allPaths.push(entry.path);
      if (skip.has(entry.path)) continue;
      total++;
      totalBytes += entry.size;
      if (total % SCAN_PROGRESS_EVERY === 0) post({ type: 'scan-progress', found: total });
    }
    if (cancelled()) {
      post({ type: 'cancelled' });
      return;
    }
    post({ type: 'scanned', total, totalBytes, skipped });
    // Fidelity: matched over every scanned path (a skipped, already recorded file keeps its own).
    const sidecarsOf: Map<string, MatchedSidecar[]> = matchSidecars(allPaths, sidecarFiles);
    // Fidelity: Live Photo stills and videos no same-named partner explains (live-photos.ts).
    const livePhotos = new LivePhotoCandidates(needsContentId(allPaths.filter((p) => !skip.has(p))));
    allPaths = [];
    // Files ExifTool will most likely read (by extension) form their own queue, taken from
    // whenever ExifTool's queue runs short: its processes then work on the other core(s)
    // while this thread hashes the photos, instead of the import ending with this thread idle,
    // waiting for perl to read the videos. Both queues hold only the next LOOKAHEAD files found.
    // Sidecars were collected by the first walk; this one must not take them for media (a `.thm` is a JPEG).
    const walk = scanFolders(data.roots, { shouldStop: cancelled, onSidecar: () => undefined })[Symbol.asyncIterator]();
    const exiftoolQueue: ScanEntry[] = [];
    const otherQueue: ScanEntry[] = [];
    let walked = false;
    let filling: Promise<void> | null = null;
    const fill = (): Promise<void> =>
      (filling ??= (async () => {
        try {
          while (!walked && exiftoolQueue.length + otherQueue.length < LOOKAHEAD) {
            const next = await walk.next();
            if (next.done) {
              walked = true;
              break;
            }
            if (skip.has(next.value.path)) continue;
            (maxWaiting > 0 && likelyNeedsExiftool(next.value.path) ? exiftoolQueue : otherQueue).push(next.value);
          }
        } finally {
          filling = null;
        }
      })());
    /** The next file to analyse, and whether it came from the ExifTool queue; null when none is left. */
    const claim = async (): Promise<{ entry: ScanEntry; forExiftool: boolean } | null> => {
      for (;;) {
        const buffered = exiftoolQueue.length + otherQueue.length;
        if (!walked && buffered < LOOKAHEAD / 2) {
          const filled = fill();
          if (buffered === 0) await filled;
        }
        if (exiftoolQueue.length > 0 && (exiftoolClaimed < maxWaiting || otherQueue.length === 0)) {
          return { entry: exiftoolQueue.shift()!, forExiftool: true };
        }
        if (otherQueue.length > 0) return { entry: otherQueue.shift()!, forExiftool: false };
        if (walked) return null;
      }
    };
    const unclaim = (claimed: { entry: ScanEntry; forExiftool: boolean }): void => {
      (claimed.forExiftool ? exiftoolQueue : otherQueue).unshift(claimed.entry);
    };

    let inFlight = 0;
    let stopping = false;
    let pausePromise: Promise<number> | null = null;
    let idle: (() => void) | null = null;

    // Pause: stop taking files, let the ones in flight finish, then report 'paused' once.
    const gate = async (): Promise<boolean> => {
      for (;;) {
        const value = Atomics.load(control, 0);
        if (value === CONTROL_CANCEL || stopping) {
          stopping = true;
          return false;
        }
        if (value === CONTROL_RUN) return true;
        if (!pausePromise) {
          pausePromise = (async () => {
            while (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
            post({ type: 'paused' });
            return waitWhilePaused(control);
          })();
          const after = await pausePromise;
          pausePromise = null;
          if (after === CONTROL_CANCEL) {
            stopping = true;
            return false;
          }
        } else {
          await pausePromise;
        }
      }
    };

    const reader = async (): Promise<void> => {
      for (;;) {
        await yieldToIo();
        // A reader back from ExifTool while its replacement runs: one of them retires.
        if (readers - waiting > concurrency) return;
        await waitForRoom();
        if (!(await gate())) return;
        // gate() answered a tick ago; claim a file only if that answer still holds, so no file
        // starts after a pause was requested.
        if (pausePromise !== null || Atomics.load(control, 0) !== CONTROL_RUN) continue;
        const claimed = await claim();
        if (claimed === null) return;
        // Finding the next file may have waited on the disk: a pause asked meanwhile still holds.
        if (pausePromise !== null || Atomics.load(control, 0) !== CONTROL_RUN) {
          unclaim(claimed);
          continue;
        }
        const { entry, forExiftool } = claimed;
        if (forExiftool) exiftoolClaimed++;
        inFlight++;
        try {
          post({ type: 'file-started', path: entry.path, size: entry.size });
          const result = await analyzeFile(entry, data.options, { readExiftool });
          if (result.ok) {
            // Fidelity: the file's sidecars travel with it (sidecars.ts).
            const sidecars = await describeSidecars(sidecarsOf.get(entry.path));
            livePhotos.seen(result.value);
            postResult({ type: 'file', file: { ...result.value, ...(sidecars.length ? { sidecars } : {}) } });
          } else postResult({ type: 'file-failed', path: entry.path, root: entry.root, size: entry.size, error: result.error });
        } finally {
          if (forExiftool) exiftoolClaimed--;
          inFlight--;
          if (inFlight === 0 && idle) {
            const wake: () => void = idle;
            idle = null;
            wake();
          }
        }
      }
    };
    // Readers start and end on their own (see readExiftool), so wait for the last one out.
    let failure: { error: unknown } | null = null;
    let allReadersDone: () => void = () => undefined;
    const readersDone = new Promise<void>((resolve) => (allReadersDone = resolve));
    startReader = () => {
      readers++;
      reader()
        .catch((e: unknown) => {
          failure ??= { error: e };
          stopping = true;
        })
        .finally(() => {
          if (--readers === 0) allReadersDone();
        });
    };
    for (let i = 0; i < concurrency; i++) startReader();
    await readersDone;
    if (failure !== null) throw (failure as { error: unknown }).error;
    // Fidelity: the few stills whose ContentIdentifier may pair them with a Live Photo video.
    if (!stopping && !cancelled()) {
      for (const still of livePhotos.stillsToRead()) {
        if (cancelled()) break;
        contentIdTool ??= startExiftool({ maxProcs: 1, taskTimeoutMillis: 60_000 });
        const contentId = await readContentId(contentIdTool, still).catch(() => null);
        if (contentId !== null) post({ type: 'content-id', path: still, contentId });
      }
    }
    post(stopping || cancelled() ? { type: 'cancelled' } : { type: 'done' });
  } catch (e) {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    post({ type: 'fatal', error: appError('internal', 'The import stopped because of an unexpected error.', detail) });
  } finally {
    if (exiftool !== null) await (exiftool as ExifTool).end().catch(() => undefined);
    if (contentIdTool !== null) await (contentIdTool as ExifTool).end().catch(() => undefined);
  }
}

// ------------------------------------------------------------- worker_threads entry
/** The import's per-file messages, sent to the runner in batches (batching.ts). */
const BATCHED = new Set<ImportWorkerMessage['type']>(['file-started', 'file', 'file-failed', 'content-id']);

/** Batches the import's per-file messages (see batching.ts). */
export function importBatchingPost(send: PostImportMessage, intervalMs?: number, max?: number): PostImportMessage {
  return batchingPost(send, BATCHED, (messages) => ({ type: 'batch', messages: messages as BatchedImportMessage[] }), intervalMs, max);
}

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === 'import') {
  const data = workerData as ImportWorkerData;
  const port = parentPort;
  // Each picture is decoded once (perceptual hash); libvips' operation cache would only hold memory.
  sharp.cache(false);
  const control = new Int32Array(data.control);
  // The runner also sends { type: 'control' } after changing the word; wake our own waiters.
  port.on('message', (m: { type?: string }) => {
    if (m?.type === 'control') Atomics.notify(control, 0);
  });
  void runImport(data, importBatchingPost((message) => port.postMessage(message)), control).finally(() => {
    port.close();
  });
}
