/**
 * Export worker (worker_threads entry). Copies the files the runner pages in, in export order,
 * crash-safely into `<output>/<year>/YYYYMMDD_HHMMSS.ext`; never touches the database.
 *
 * Names are assigned strictly in export order by one sequential planner; up to `concurrency`
 * copies then run at once, on copy threads started from this same file (`kind: 'export-copy'`,
 * see copy-pool.ts). Pause/cancel come through the shared control word (slot 0) and are
 * checked between chunks, so they take effect within a chunk even inside a huge file.
 */
import { parentPort, workerData, isMainThread, Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appError, type AppError } from '../../shared/errors.js';
import { errnoCode, errnoToAppError } from '../rules/errno.js';
import { ArchiveState, DurableResults, type ArchiveAction } from '../engines/export/archive-actions.js';
import {
  copyFileSafely,
  newRunNonce,
  nodeFs,
  removeStrayTemps,
  tempNameFor,
  withoutFsync,
  type ExportFs,
} from '../engines/export/copy.js';
import { COPY_THREAD_NICE, inlineHasher, ThreadHasher, type BufferHasher } from '../engines/export/hasher.js';
import { batchingPost } from './batching.js';
import { serveHashes } from './hash-thread.js';
import { loaderFor } from '../protocol/tsx-loader.js';
import { Controller } from './export-control.js';
import { MetadataStage } from './export-metadata.js';
import { CopyPool, serveCopies, type CopyThreadData, type CopyThreadSpawner, type FromCopyThread, type ToCopyThread } from './copy-pool.js';
import { TargetPlanner, type CompanionTarget } from '../engines/export/targets.js';
import { templateOrDefault } from '../../shared/name-template.js';
import { plannedSidecarWrite, plannedWrite } from '../rules/write-truth.js';
import { archiveExt, companionKey, companionPath, companionsOf, ownXmpSidecars, targetOf, type Companion } from '../rules/companions.js';
import type { ManifestRecord } from '../engines/archive/manifest.js';
import {
  type CompanionDone,
  type CompanionError,
  type ExportItem,
  type ExportOutcome,
  type ExportRunnerMessage,
  type BatchedExportMessage,
  type ExportWorkerData,
  type ExportWorkerMessage,
} from '../protocol/workers.js';

/** The two directions of the runner link; the worker entry adapts `parentPort`, tests a fake runner. */
export interface ExportPort {
  post(msg: ExportWorkerMessage): void;
  /** Returns an unsubscribe function. */
  onMessage(handler: (msg: ExportRunnerMessage) => void): () => void;
}

export interface ExportDeps {
  fs?: ExportFs;
  /**
   * Files in flight at once (names are still assigned in order). Without copy threads the I/O is
   * synchronous on this thread; a file waiting for its hash lets the next file's I/O run.
   */
  concurrency?: number;
  /** Copy threads (see copy-pool.ts); without them this thread copies, as with an injected `fs`. */
  copyThreads?: { count: number; spawn: CopyThreadSpawner; /** Tests: copy only on the threads. */ waitForThreads?: boolean };
  /** Hashes whole-file buffers copied on this thread; by default a hashing thread when there are no copy threads. */
  hasher?: BufferHasher;
  chunkSize?: number;
  /** Files up to this size are copied in one read + write, hashed on the thread pool. */
  wholeFileLimit?: number;
  retryDelaysMs?: readonly number[];
  /** Tests: the run's temp-name tag (random by default, see newRunNonce). */
  runNonce?: string;
  /** How often the control word is polled while nothing else wakes the worker. */
  pollMs?: number;
  /** Minimum gap between `bytes` messages of one file. */
  bytesIntervalMs?: number;
  /**
   * Benchmarks only, never a user setting (MEDIAPARSER_BENCH_UNSAFE_NO_FSYNC=1 in the export
   * worker's environment): no fsync of copies, folders or the manifest, so `bench:export` can show
   * what durability costs. Copies may not survive a power cut.
   */
  unsafeNoFsync?: boolean;
}

/** Files in flight: enough that one file's hash (on the hashing thread) overlaps the next one's I/O. */
const DEFAULT_CONCURRENCY = 3;

/**
 * Gives the copying threads a lower CPU priority than the app's main thread (on Linux the nice
 * value is per thread): with both cores busy copying and hashing, the main thread's database
 * commits and IPC still run the moment they are due, instead of queueing behind the copy.
 */
function lowerThreadPriority(): void {
  try {
    os.setPriority(COPY_THREAD_NICE);
  } catch {
    // Not permitted or not supported: run at normal priority.
  }
}

/** Checks the output root exists and takes a file; returns the reason it cannot be used. */
async function checkOutputRoot(dir: string, jobId: number, runNonce: string, fs: ExportFs): Promise<AppError | null> {
  const unavailable = (message: string, detail: string): AppError => appError('output-unavailable', message, detail);
  try {
    const st = fs.statSync(dir);
    if (!st.isDirectory()) return unavailable(`The output location ${dir} is not a folder.`, dir);
  } catch (e) {
    return unavailable(`The output folder ${dir} cannot be found. Is the drive connected?`, `${errnoCode(e) ?? 'error'} ${dir}`);
  }
  const probe = path.join(dir, tempNameFor(jobId, runNonce, 'probe'));
  try {
    fs.closeSync(fs.openSync(probe, 'w'));
    fs.unlinkSync(probe);
  } catch (e) {
    return unavailable(`MediaParser cannot write to the output folder ${dir}.`, `${errnoCode(e) ?? 'error'} ${probe}`);
  }
  return null;
}

/**
 * Runs one export: validates the output root, removes stray temps, then pulls pages of files
 * (`need-files`) and copies them until the last page is done, or until cancelled / a fatal error.
 * Resolves after the final message (`done`, `cancelled` or `fatal`) was posted.
 */
export async function runExport(data: ExportWorkerData, port: ExportPort, deps: ExportDeps = {}): Promise<void> {
  const fs = deps.unsafeNoFsync ? withoutFsync(deps.fs ?? nodeFs) : (deps.fs ?? nodeFs);
  // Tags this run's temps: nothing another run left behind is ever taken for ours.
  const runNonce = deps.runNonce ?? newRunNonce();
  const threads = deps.fs ? null : (deps.copyThreads ?? null);
  // The copy threads hash what they copy; this thread then copies only while they start up.
  const hasher = deps.hasher ?? (threads ? inlineHasher : new ThreadHasher(spawnHashThread));
  const bytesInterval = deps.bytesIntervalMs ?? 100;
  const word = new Int32Array(data.control);
  const post = (m: ExportWorkerMessage): void => port.post(m);
  const control = new Controller(word, post, deps.pollMs ?? 20);
  const copyOptions = {
    ...(deps.chunkSize !== undefined ? { chunkSize: deps.chunkSize } : {}),
    ...(deps.wholeFileLimit !== undefined ? { wholeFileLimit: deps.wholeFileLimit } : {}),
    ...(deps.retryDelaysMs !== undefined ? { retryDelaysMs: deps.retryDelaysMs } : {}),
  };
  const copyPool = new CopyPool(
    (req) => copyFileSafely(req, { fs, control, hasher, ...copyOptions }),
    threads?.spawn ?? null,
    threads?.count ?? 0,
    { control: data.control, bytesIntervalMs: bytesInterval, ...copyOptions, ...(deps.unsafeNoFsync ? { unsafeNoFsync: true } : {}) },
    !(threads?.waitForThreads ?? false),
  );
  const concurrency = Math.max(1, deps.concurrency ?? (threads ? copyPool.capacity + 1 : DEFAULT_CONCURRENCY));
  const stopAll = (): void => {
    control.abort();
    copyPool.abort();
  };

  /** Metadata written into staged copies and XMP sidecars (export-metadata.ts). */
  const stage = new MetadataStage({ fs, copyPool, outputDir: data.outputDir, jobId: data.jobId, runNonce, write: data.write });
  const queue: ExportItem[] = [];
  let lastPage = false;
  let requested = false;
  let lastPageSize = 0;
  const unsubscribe = port.onMessage((m) => {
    if (m.type === 'files') {
      queue.push(...m.items);
      lastPageSize = m.items.length;
      lastPage = m.last;
      requested = false;
      control.pageArrived();
    } else {
      control.poll();
    }
  });

  try {
    const rootProblem = await checkOutputRoot(data.outputDir, data.jobId, runNonce, fs);
    if (rootProblem) {
      post({ type: 'fatal', error: rootProblem });
      return;
    }
    await removeStrayTemps(data.outputDir, { exceptRun: runNonce }, fs);

    const planner = new TargetPlanner(data.outputDir, fs, templateOrDefault(data.nameTemplate));
    const lstatOrNull = (p: string): ReturnType<ExportFs['lstatSync']> | null => {
      try {
        return fs.lstatSync(p);
      } catch {
        return null;
      }
    };
    let archive: ArchiveState;
    try {
      archive = new ArchiveState(data.outputDir, data.jobId, fs);
    } catch (e) {
      post({ type: 'fatal', error: appError('output-unavailable', `The archive's manifest in ${data.outputDir} cannot be read.`, String(e)) });
      return;
    }
    let fatal: AppError | null = null;
    const inFlight = new Set<Promise<void>>();
    const durable = new DurableResults(
      archive,
      post,
      (e) => {
        // The manifest or a folder could not be synced: nothing of this batch is recorded (the
        // copies are in place; a resume finds and adopts them).
        fatal ??= errnoToAppError(e, data.outputDir);
        stopAll();
      },
      fs,
    );

    const fail = (item: ExportItem, error: AppError): void => post({ type: 'file-failed', fileId: item.fileId, error });

    /**
     * Puts a group's other members and the sidecars beside the main file at `mainRel`: kept where
     * recorded, moved along when the group was renamed, else copied (or adopted when identical).
     * `targets` are the names the plan claimed; null when the main file stayed where it was.
     */
    const placeCompanions = async (
      item: ExportItem,
      mainRel: string,
      targets: CompanionTarget[] | null,
    ): Promise<{ done: CompanionDone[]; errors: CompanionError[]; records: ManifestRecord[]; dirs: string[] }> => {
      const out = { done: [] as CompanionDone[], errors: [] as CompanionError[], records: [] as ManifestRecord[], dirs: [] as string[] };
      let companions = companionsOf(item);
      if (companions.length === 0) return out;
      const mainExt = archiveExt(item.originalName);
      const itemOf = (c: Companion): ExportItem =>
        c.kind === 'file'
          ? c.item
          : c.kind === 'sidecar'
            ? { ...item, fileId: c.ownerId, sourcePath: c.sidecar.sourcePath, size: c.size, sha256: c.sha256, archived: c.sidecar.archived ? { ...c.sidecar.archived, mtimeMs: null } : null }
            : { ...c.owner, size: c.size, sha256: c.sha256, archived: c.owner.xmpArchived ? { ...c.owner.xmpArchived, mtimeMs: null } : null };
      /** The manifest record of a companion's copy (a written sidecar names its original; a new XMP none). */
      const recordOf = (c: Companion, relPath: string, sha256: string, size: number): ManifestRecord => {
        if (c.kind === 'sidecar' && c.from !== undefined) return { ...archive.record(itemOf(c), 'add', relPath, sha256, size), sourceSha256: c.sidecar.sha256 };
        if (c.kind === 'xmp') return { ...archive.record(c.owner, 'add', relPath, sha256, size), sourceSha256: null };
        return archive.record(itemOf(c), 'add', relPath, sha256, size);
      };
      const failed = (c: Companion, error: AppError): void => {
        out.errors.push(c.kind === 'sidecar' ? { fileId: c.ownerId, sidecarId: c.sidecar.sidecarId, error } : { fileId: c.kind === 'file' ? c.item.fileId : c.ownerId, error });
      };
      const doneOf = (c: Companion, outcome: ExportOutcome, relPath: string, sha256: string, size: number, mtimeMs: number | null): CompanionDone =>
        c.kind === 'file'
          ? { kind: 'file', fileId: c.item.fileId, outcome, relPath, sha256, size, mtimeMs }
          : c.kind === 'sidecar'
            ? { kind: 'sidecar', sidecarId: c.sidecar.sidecarId, outcome, relPath, sha256, size }
            : { kind: 'xmp', fileId: c.ownerId, outcome, relPath, sha256, size };
      /** XMP sidecars that must be placed are made first (the present ones are not made again). */
      const ready = async (list: Companion[]): Promise<Companion[] | null> => {
        if (!list.some((c) => c.kind !== 'file' && c.pending)) return list;
        const problem = await stage.makeXmps(item);
        if (problem) {
          out.errors.push(problem);
          return null;
        }
        const fresh = new Map(companionsOf(item).map((c) => [companionKey(c), c]));
        return list.map((c) => fresh.get(companionKey(c)) ?? c);
      };
      try {
        let list = targets;
        if (list === null) {
          let rest: Companion[] = [];
          for (const c of companions) {
            const rec = itemOf(c).archived;
            const want = companionPath(mainRel, mainExt, c.suffix);
            const st = rec && rec.relPath === want ? lstatOrNull(archive.abs(want)) : null;
            if (rec && st?.isFile() && st.size === rec.size) out.done.push(doneOf(c, 'present', rec.relPath, rec.sha256, st.size, Math.floor(st.mtimeMs)));
            else rest.push(c);
          }
          const made = await ready(rest);
          if (made === null) return out;
          rest = made;
          list = rest.length ? await planner.claimCompanions(mainRel, mainExt, rest) : [];
          if (list === null) {
            for (const c of rest) {
              failed(c, appError('conflict', `Another file already has the name ${companionPath(mainRel, mainExt, c.suffix)} that this file's group needs; it was not exported.`));
            }
            return out;
          }
        } else {
          const made = await ready(list.map((t) => t.companion));
          if (made === null) {
            for (const t of list) if (t.reservation) await planner.release(t.reservation);
            return out;
          }
          list = list.map((t, i) => ({ ...t, companion: made[i]! }));
        }
        companions = list.map((t) => t.companion);
        for (const t of list) {
          const c = t.companion;
          const cItem = itemOf(c);
          const rec = cItem.archived;
          const source = c.kind !== 'file' && c.from !== undefined ? c.from : cItem.sourcePath;
          if (t.reservation === null) {
            const st = fs.lstatSync(t.absPath);
            const outcome = rec?.relPath === t.relPath ? 'present' : 'adopted';
            if (!archive.listed(t.relPath, c.sha256)) out.records.push(recordOf(c, t.relPath, c.sha256, st.size));
            out.done.push(doneOf(c, outcome, t.relPath, c.sha256, st.size, Math.floor(st.mtimeMs)));
            continue;
          }
          if (rec && rec.relPath !== t.relPath) {
            const st = lstatOrNull(archive.abs(rec.relPath));
            if (st?.isFile() && st.size === rec.size && archive.rename(cItem, rec.relPath, t.relPath) === 'renamed') {
              planner.published(t.reservation);
              await planner.vacated(rec.relPath);
              durable.syncWithBatch(path.dirname(archive.abs(rec.relPath)));
              out.dirs.push(path.dirname(t.absPath));
              if (c.kind !== 'file' && c.from !== undefined && c.sha256 !== rec.sha256) {
                // A written XMP moved with its group still says the old date: the new one takes its place.
                const dir = path.dirname(t.absPath);
                const [stagedKey, tempKey] = c.kind === 'xmp' ? ([`z${c.ownerId}`, `x${c.ownerId}`] as const) : ([`y${c.sidecar.sidecarId}`, `s${c.sidecar.sidecarId}`] as const);
                const staged = path.join(dir, tempNameFor(data.jobId, runNonce, stagedKey));
                const copied = await copyPool.copy({ sourcePath: c.from, size: c.size, sha256: c.sha256, finalPath: staged, tempPath: path.join(dir, tempNameFor(data.jobId, runNonce, tempKey)), onBytes: () => undefined });
                if (copied.kind === 'published') {
                  // Replaces the moved copy: ours, and recorded under this name by nothing but the move.
                  fs.renameSync(staged, t.absPath);
                  const now = fs.lstatSync(t.absPath);
                  out.records.push(recordOf(c, t.relPath, c.sha256, now.size));
                  out.done.push(doneOf(c, 'renamed', t.relPath, c.sha256, now.size, Math.floor(now.mtimeMs)));
                } else {
                  const now = fs.lstatSync(t.absPath);
                  out.done.push(doneOf(c, 'renamed', t.relPath, rec.sha256, now.size, Math.floor(now.mtimeMs)));
                  failed(c, copied.kind === 'failed' ? copied.error : appError('conflict', `The XMP sidecar ${t.relPath} could not be updated with the new date.`));
                }
                continue;
              }
              const now = fs.lstatSync(t.absPath);
              out.done.push(doneOf(c, 'renamed', t.relPath, rec.sha256, now.size, Math.floor(now.mtimeMs)));
              continue;
            }
          }
          const copied = await copyPool.copy({
            sourcePath: source,
            size: c.size,
            sha256: c.sha256,
            finalPath: t.absPath,
            tempPath: path.join(path.dirname(t.absPath), tempNameFor(data.jobId, runNonce, c.kind === 'file' ? c.item.fileId : c.kind === 'sidecar' ? `s${c.sidecar.sidecarId}` : `x${c.ownerId}`)),
            onBytes: () => undefined,
          });
          if (copied.kind === 'published') {
            planner.published(t.reservation);
            const st = fs.lstatSync(t.absPath);
            out.records.push(recordOf(c, t.relPath, c.sha256, st.size));
            out.dirs.push(path.dirname(t.absPath));
            out.done.push(doneOf(c, 'copied', t.relPath, c.sha256, st.size, Math.floor(st.mtimeMs)));
            continue;
          }
          await planner.release(t.reservation);
          if (copied.kind === 'cancelled') continue;
          if (copied.kind === 'failed' && copied.error.code === 'disk-full') {
            fatal ??= copied.error;
            stopAll();
            continue;
          }
          failed(c, copied.kind === 'failed' ? copied.error : appError('conflict', `Another program created ${t.relPath} meanwhile; try again.`));
        }
        return out;
      } finally {
        stage.dropXmps(item);
      }
    };

    /** Reports the main file's result with its companions' (one durable batch entry). */
    const finish = async (
      item: ExportItem,
      result: Omit<Extract<ExportWorkerMessage, { type: 'file-done' }>, 'type'>,
      dirAbs: string | null,
      record: ManifestRecord | null,
      targets: CompanionTarget[] | null,
    ): Promise<void> => {
      const placed = await placeCompanions(item, result.relPath, targets);
      for (const d of placed.dirs) durable.syncWithBatch(d);
      durable.add(
        {
          ...result,
          ...(placed.done.length ? { companions: placed.done } : {}),
          ...(placed.errors.length ? { companionErrors: placed.errors } : {}),
        },
        dirAbs,
        record === null ? placed.records : [record, ...placed.records],
      );
    };

    /** The result of a copy this run put at `absPath` (renamed or copied there): its size and mtime as on disk. */
    const written = (
      item: ExportItem,
      outcome: 'renamed' | 'copied',
      relPath: string,
      absPath: string,
      sha256: string,
      bytes: number,
    ): Omit<Extract<ExportWorkerMessage, { type: 'file-done' }>, 'type'> => {
      const st = fs.lstatSync(absPath);
      return { fileId: item.fileId, outcome, relPath, sha256, size: st.size, mtimeMs: Math.floor(st.mtimeMs), bytes };
    };

    /** Frees the names a plan claimed for the companions (the main file did not make it). */
    const releaseCompanions = async (targets: readonly CompanionTarget[]): Promise<void> => {
      for (const t of targets) if (t.reservation) await planner.release(t.reservation);
    };

    /** An existing copy now describes the file (nothing written unless the manifest lacked it). */
    const kept = async (
      item: ExportItem,
      outcome: 'present' | 'adopted',
      relPath: string,
      sha256: string,
      targets: CompanionTarget[] | null,
      known?: { size: number; mtimeMs: number },
    ): Promise<void> => {
      let size: number;
      let mtimeMs: number;
      if (known) ({ size, mtimeMs } = known);
      else {
        const st = fs.lstatSync(archive.abs(relPath));
        size = st.size;
        mtimeMs = Math.floor(st.mtimeMs);
      }
      const record = archive.listed(relPath, sha256) ? null : archive.record(item, 'add', relPath, sha256, size);
      await finish(item, { fileId: item.fileId, outcome, relPath, sha256, size, mtimeMs, bytes: 0 }, null, record, targets);
    };

    const outputGone = async (): Promise<boolean> => (await checkOutputRoot(data.outputDir, data.jobId, runNonce, fs)) !== null;

    const processItem = async (item: ExportItem, first: ArchiveAction): Promise<void> => {
      if (first.kind === 'keep') {
        await kept(item, first.outcome, first.relPath, first.sha256, null, first);
        return;
      }
      let plan = first.plan;
      let renameFrom = first.renameFrom;
      // A few rounds at most: re-planning only happens when a name is taken behind our back.
      for (let round = 0; round < 5; round++) {
        if (control.cancelled) {
          if (plan.kind === 'copy') {
            await planner.release(plan.reservation);
            await releaseCompanions(plan.companions);
          }
          return;
        }
        switch (plan.kind) {
          case 'failed':
            fail(item, plan.error);
            return;
          case 'identical-on-disk':
            await kept(item, 'adopted', plan.relPath, item.sha256, plan.companions);
            return;
          case 'identical-in-flight':
            if (await plan.reservation.published) {
              // Identical originals share one copy: its own bytes (written or not) are what it holds.
              await kept(item, 'adopted', plan.reservation.relPath, plan.reservation.copySha256 ?? item.sha256, null);
              return;
            }
            if (control.cancelled) return;
            plan = await planner.plan(targetOf(item));
            continue;
          case 'copy': {
            if (renameFrom !== undefined) {
              const from = renameFrom;
              const renamed = archive.rename(item, from, plan.relPath);
              if (renamed === 'renamed') {
                plan.reservation.copySha256 = item.archived?.sha256 ?? item.sha256;
                planner.published(plan.reservation);
                await planner.vacated(from);
                // The old name's folder lost an entry: it is synced with the same batch.
                durable.syncWithBatch(path.dirname(archive.abs(from)));
                let copySha = item.archived?.sha256 ?? item.sha256;
                let record: ManifestRecord | null = null;
                const rewriteError = await stage.rewriteRenamed(item, plan.absPath);
                if (rewriteError === null || 'sha256' in rewriteError) {
                  if (rewriteError !== null) {
                    copySha = rewriteError.sha256;
                    record = archive.record(item, 'add', plan.relPath, copySha, rewriteError.size);
                  }
                }
                await finish(
                  item,
                  {
                    ...written(item, 'renamed', plan.relPath, plan.absPath, copySha, 0),
                    from,
                    ...(rewriteError !== null && 'error' in rewriteError ? { companionErrors: [{ fileId: item.fileId, error: rewriteError.error }] } : {}),
                  },
                  path.dirname(plan.absPath),
                  record,
                  plan.companions,
                );
                return;
              }
              if (renamed === 'exists') {
                await planner.takenExternally(plan.reservation);
                await releaseCompanions(plan.companions);
                plan = await planner.plan(targetOf(item));
                continue;
              }
              // The recorded copy vanished meanwhile: copy the original instead.
              renameFrom = undefined;
            }
            let lastBytesAt = 0;
            // Fidelity: a copy that needs the truth written in is staged under a temp name first.
            const write = data.write ? plannedWrite(item, data.write) : null;
            const stagingPath = write ? path.join(path.dirname(plan.absPath), tempNameFor(data.jobId, runNonce, `w${item.fileId}`)) : null;
            const outcome = await copyPool.copy({
              sourcePath: item.sourcePath,
              ...(item.sourcePathBytes !== undefined ? { sourcePathBytes: item.sourcePathBytes } : {}),
              size: item.size,
              sha256: item.sha256,
              finalPath: stagingPath ?? plan.absPath,
              tempPath: path.join(path.dirname(plan.absPath), tempNameFor(data.jobId, runNonce, item.fileId)),
              onBytes: (bytesDone) => {
                const now = performance.now();
                if (now - lastBytesAt >= bytesInterval && control.running()) {
                  lastBytesAt = now;
                  post({ type: 'bytes', fileId: item.fileId, bytesDone });
                }
              },
            });
            switch (outcome.kind) {
              case 'published': {
                let copySha = item.sha256;
                if (write !== null && stagingPath !== null) {
                  const written = await stage.writeStaged(item, write, stagingPath);
                  if (!written.ok) {
                    stage.dropStaged(stagingPath);
                    await planner.release(plan.reservation);
                    await releaseCompanions(plan.companions);
                    fail(item, written.error);
                    return;
                  }
                  // Publish without replacing: the name was free when planned.
                  if (lstatOrNull(plan.absPath)) {
                    stage.dropStaged(stagingPath);
                    await planner.takenExternally(plan.reservation);
                    await releaseCompanions(plan.companions);
                    plan = await planner.plan(targetOf(item));
                    continue;
                  }
                  fs.renameSync(stagingPath, plan.absPath);
                  copySha = written.sha256;
                }
                plan.reservation.copySha256 = copySha;
                planner.published(plan.reservation);
                const result = written(item, 'copied', plan.relPath, plan.absPath, copySha, outcome.bytes);
                await finish(
                  item,
                  {
                    ...result,
                    ...(first.movedAside !== undefined ? { movedAside: first.movedAside } : {}),
                  },
                  path.dirname(plan.absPath),
                  archive.record(item, 'add', plan.relPath, copySha, result.size),
                  plan.companions,
                );
                return;
              }
              case 'exists':
                await planner.takenExternally(plan.reservation);
                await releaseCompanions(plan.companions);
                plan = await planner.plan(targetOf(item));
                continue;
              case 'cancelled':
                // Not an error: the file stays unexported and is copied when the job resumes.
                await planner.release(plan.reservation);
                await releaseCompanions(plan.companions);
                return;
              case 'failed':
                await planner.release(plan.reservation);
                await releaseCompanions(plan.companions);
                if (outcome.error.code === 'disk-full') {
                  fatal ??= outcome.error;
                  stopAll();
                  return;
                }
                if (outcome.side === 'target' && (await outputGone())) {
                  fatal ??= appError('output-unavailable', `The output folder ${data.outputDir} is no longer available. Is the drive connected?`, outcome.error.detail);
                  stopAll();
                  return;
                }
                fail(item, outcome.error);
                return;
            }
          }
        }
      }
      fail(item, appError('conflict', 'Another program keeps creating files with the same names; try again.'));
    };

    for (;;) {
      if (control.cancelled) break;
      // Ask early (half a page left) so the runner's database read overlaps our copying.
      if (queue.length <= Math.max(concurrency * 4, lastPageSize / 2) && !lastPage && !requested) {
        requested = true;
        post({ type: 'need-files' });
      }
      if (queue.length === 0) {
        if (lastPage) break;
        await control.changed();
        continue;
      }
      if ((await control.checkpoint()) === 'cancel') break;
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      const item = queue.shift()!;
      post({ type: 'file-started', fileId: item.fileId, name: item.originalName, size: item.size });
      // Formats that cannot take their corrected date get it in an XMP sidecar, made before the
      // names are planned (its bytes then decide, like any sidecar's, whether an identical one is
      // already there); a group whose copies and XMP sidecars are recorded makes none unless needed.
      if (data.write) {
        const owners = [item, ...(item.members ?? [])];
        for (const o of owners) {
          const write = plannedSidecarWrite(o, data.write);
          if (write) o.xmpWrite = write;
        }
        const recorded = item.archived !== null && owners.every((o) => !o.xmpWrite || (ownXmpSidecars(o).length ? ownXmpSidecars(o).every((sc) => sc.archived) : !!o.xmpArchived));
        const problem = recorded ? null : await stage.makeXmps(item);
        if (problem) {
          stage.dropXmps(item);
          fail(item, problem.error);
          continue;
        }
      }
      let action: ArchiveAction;
      try {
        action = await archive.decide(item, planner);
      } catch (e) {
        stage.dropXmps(item);
        fail(item, errnoToAppError(e, path.basename(item.archived?.relPath ?? item.originalName)));
        continue;
      }
      const task: Promise<void> = processItem(item, action)
        .catch((e: unknown) => {
          // A bug, not an expected failure: report it on the file and keep the job going.
          fail(item, appError('internal', 'Exporting this file failed unexpectedly.', e instanceof Error ? (e.stack ?? e.message) : String(e)));
        })
        .finally(() => {
          stage.dropXmps(item);
          inFlight.delete(task);
        });
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    durable.flush();

    if (fatal) {
      await removeStrayTemps(data.outputDir, { run: runNonce }, fs);
      post({ type: 'fatal', error: fatal });
    } else if (control.cancelled) {
      await removeStrayTemps(data.outputDir, { run: runNonce }, fs);
      post({ type: 'cancelled' });
    } else {
      post({ type: 'done' });
    }
  } finally {
    control.stop();
    unsubscribe();
    await copyPool.close();
    if (!deps.hasher) await hasher.close();
    await stage.close();
  }
}

/** The export's per-file messages, sent to the runner in batches (batching.ts). */
const BATCHED = new Set<ExportWorkerMessage['type']>(['file-started', 'bytes', 'file-done', 'file-failed']);

/** Batches the export's per-file messages (see batching.ts). */
export function exportBatchingPost(send: (m: ExportWorkerMessage) => void, intervalMs?: number, max?: number): (m: ExportWorkerMessage) => void {
  return batchingPost(send, BATCHED, (messages) => ({ type: 'batch', messages: messages as BatchedExportMessage[] }), intervalMs, max);
}

/** The hashing thread (hash-thread.ts), started from this file like the copy threads. */
export function spawnHashThread(): Worker {
  const entry = ownEntry();
  return new Worker(entry, { workerData: { kind: 'export-hash' }, ...loaderFor(entry) });
}

/** This file, as the running bundle or source sees it: copy threads are started from it. */
function ownEntry(): string {
  // CommonJS bundles (the packaged app, the CLI's cache) have __filename; the sources run as ESM.
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}

/**
 * One copy thread per core, up to four: copying and verifying is CPU work (the sha256 costs about
 * as much as the copy), so the export scales with cores. Four keeps concurrent reads from a
 * spinning source disk few; a single core copies on the worker's own thread.
 */
function copyThreadCount(): number {
  return Math.min(4, os.availableParallelism());
}

const kind = isMainThread ? null : (workerData as { kind?: string } | null)?.kind;
if (parentPort && kind === 'export') {
  const parent = parentPort;
  lowerThreadPriority();
  const port: ExportPort = {
    post: exportBatchingPost((m) => parent.postMessage(m)),
    onMessage: (handler) => {
      const listener = (m: ExportRunnerMessage): void => handler(m);
      parent.on('message', listener);
      return () => parent.off('message', listener);
    },
  };
  const count = copyThreadCount();
  const spawn: CopyThreadSpawner = (d: CopyThreadData) => new Worker(ownEntry(), { workerData: d });
  const deps: ExportDeps = {
    ...(count > 1 ? { copyThreads: { count, spawn } } : {}),
    // Read here only, by the real worker: see ExportDeps.unsafeNoFsync.
    ...(process.env.MEDIAPARSER_BENCH_UNSAFE_NO_FSYNC === '1' ? { unsafeNoFsync: true } : {}),
  };
  void runExport(workerData as ExportWorkerData, port, deps).then(() => {
    // Nothing left to do: let the thread end so the runner sees it exit.
    parent.unref();
  });
} else if (parentPort && kind === 'export-hash') {
  const parent = parentPort;
  serveHashes({ post: (m) => parent.postMessage(m), onMessage: (h) => parent.on('message', h) });
} else if (parentPort && kind === 'export-copy') {
  const parent = parentPort;
  lowerThreadPriority();
  serveCopies(workerData as CopyThreadData, {
    post: (m: FromCopyThread) => parent.postMessage(m),
    onMessage: (h: (m: ToCopyThread) => void) => parent.on('message', h),
  });
}
