/**
 * The export's metadata stage (issue 8): writing the truth into a staged copy (a temp of this run
 * beside its final name) or into an XMP sidecar for formats that cannot take it, reading it back,
 * syncing and hashing it, before the export publishes it. One long-lived ExifTool (two
 * processes, started on the first write) serves the run.
 *
 * Runs on the export worker's thread; the copies themselves go through the copy pool.
 */
import path from 'node:path';
import type { ExifTool } from 'exiftool-vendored';
import { appError, type AppError } from '../../shared/errors.js';
import { sha256File, tempNameFor, type ExportFs } from '../engines/export/copy.js';
import { ownXmpSidecars } from '../rules/companions.js';
import { plannedSidecarWrite, plannedWrite, writeAndCheck } from '../rules/write-truth.js';
import { startExiftool } from '../engines/import/exiftool-process.js';
import type { CopyPool } from './copy-pool.js';
import type { ExportItem, MetadataWrite, WriteSettings } from '../protocol/workers.js';

export interface MetadataStageDeps {
  fs: ExportFs;
  copyPool: CopyPool;
  outputDir: string;
  jobId: number;
  /** This run's temp-name tag. */
  runNonce: string;
  /** What to write (the job's settings); undefined: nothing is written. */
  write: WriteSettings | undefined;
}

export class MetadataStage {
  private exiftool: ExifTool | null = null;

  constructor(private readonly deps: MetadataStageDeps) {}

  /** Where an XMP sidecar of this run is made (in the archive root: a temp of this run). */
  private xmpTemp(key: `x${number}` | `y${number}`): string {
    return path.join(this.deps.outputDir, tempNameFor(this.deps.jobId, this.deps.runNonce, key, '.xmp'));
  }

  /**
   * Makes the XMP sidecars of a group whose formats cannot take their corrected dates (see
   * write-truth.ts `plannedSidecarWrite`): a new XMP made by ExifTool, or a verified copy of the
   * file's own .xmp with the fields written in; each read back, synced and hashed. They are then
   * placed like any sidecar (a verified copy, published without replacing anything).
   * Returns the first failure, or null.
   */
  async makeXmps(item: ExportItem): Promise<{ fileId: number; sidecarId?: number; error: AppError } | null> {
    for (const owner of [item, ...(item.members ?? [])]) {
      if (!owner.xmpWrite || owner.xmpFiles) continue;
      const files: NonNullable<ExportItem['xmpFiles']> = {};
      const own = ownXmpSidecars(owner);
      const targets = own.length ? own.map((sc) => ({ sc, key: `y${sc.sidecarId}` as const })) : [{ sc: null, key: `x${owner.fileId}` as const }];
      for (const { sc, key } of targets) {
        const staged = this.xmpTemp(key);
        this.dropStaged(staged);
        const write = sc ? plannedSidecarWrite(owner, this.deps.write!, true)! : owner.xmpWrite;
        if (sc) {
          const copied = await this.deps.copyPool.copy({
            sourcePath: sc.sourcePath,
            size: sc.size,
            sha256: sc.sha256,
            finalPath: staged,
            tempPath: path.join(this.deps.outputDir, tempNameFor(this.deps.jobId, this.deps.runNonce, `s${sc.sidecarId}`)),
            onBytes: () => undefined,
          });
          if (copied.kind !== 'published') {
            const error = copied.kind === 'failed' ? copied.error : appError('conflict', `The sidecar ${path.basename(sc.sourcePath)} could not be staged.`);
            return { fileId: owner.fileId, sidecarId: sc.sidecarId, error };
          }
        }
        const written = await this.writeStaged(owner, write, staged, 'an XMP sidecar of');
        if (!written.ok) {
          this.dropStaged(staged);
          return { fileId: owner.fileId, ...(sc ? { sidecarId: sc.sidecarId } : {}), error: written.error };
        }
        files[sc ? `s${sc.sidecarId}` : 'new'] = { path: staged, sha256: written.sha256, size: written.size };
      }
      owner.xmpFiles = files;
    }
    return null;
  }

  /** Removes a group's XMP temps once placed (or given up on). */
  dropXmps(item: ExportItem): void {
    for (const owner of [item, ...(item.members ?? [])]) {
      for (const f of Object.values(owner.xmpFiles ?? {})) this.dropStaged(f.path);
      delete owner.xmpFiles;
    }
  }

  /**
   * Writes the truth into a staged copy (a temp of this run beside its final name), reads it back,
   * syncs it and hashes it: the copy's own sha256 is what the archive records.
   */
  async writeStaged(
    item: ExportItem,
    write: MetadataWrite,
    stagingPath: string,
    what = 'the copy of',
  ): Promise<{ ok: true; sha256: string; size: number } | { ok: false; error: AppError }> {
    try {
      this.exiftool ??= startExiftool({ maxProcs: 2, taskTimeoutMillis: 60_000 });
      const problem = await writeAndCheck(this.exiftool, stagingPath, write);
      if (problem !== null) {
        return { ok: false, error: appError('verify-failed', `The corrected date could not be written into ${what} ${item.originalName}.`, problem) };
      }
      const fd = this.deps.fs.openSync(stagingPath, 'r+');
      try {
        this.deps.fs.fsyncSync(fd);
      } finally {
        this.deps.fs.closeSync(fd);
      }
      return { ok: true, sha256: await sha256File(stagingPath, this.deps.fs), size: this.deps.fs.lstatSync(stagingPath).size };
    } catch (e) {
      return { ok: false, error: appError('io', `Writing the corrected metadata into ${what} ${item.originalName} failed.`, e instanceof Error ? e.message : String(e)) };
    }
  }
  /**
   * A copy renamed because its date changed still carries the old date inside: when the new one
   * must be written, the original is staged again, written and put in its place. Null when
   * nothing needed writing.
   */
  async rewriteRenamed(item: ExportItem, finalPath: string): Promise<{ sha256: string; size: number } | { error: AppError } | null> {
    const write = this.deps.write ? plannedWrite(item, this.deps.write) : null;
    if (write === null) return null;
    const stagingPath = path.join(path.dirname(finalPath), tempNameFor(this.deps.jobId, this.deps.runNonce, `w${item.fileId}`));
    const copied = await this.deps.copyPool.copy({
      sourcePath: item.sourcePath,
      size: item.size,
      sha256: item.sha256,
      finalPath: stagingPath,
      tempPath: path.join(path.dirname(finalPath), tempNameFor(this.deps.jobId, this.deps.runNonce, item.fileId)),
      onBytes: () => undefined,
    });
    if (copied.kind !== 'published') {
      return { error: copied.kind === 'failed' ? copied.error : appError('conflict', `The copy of ${item.originalName} could not be staged for its new date.`) };
    }
    const written = await this.writeStaged(item, write, stagingPath);
    if (!written.ok) {
      this.dropStaged(stagingPath);
      return { error: written.error };
    }
    // Replaces the renamed copy, ours and recorded nowhere yet under this name.
    this.deps.fs.renameSync(stagingPath, finalPath);
    return { sha256: written.sha256, size: written.size };
  }

  dropStaged(stagingPath: string): void {
    for (const p of [stagingPath, `${stagingPath}_exiftool_tmp`]) {
      try {
        this.deps.fs.unlinkSync(p);
      } catch {
        // Not there.
      }
    }
  }

  /** Ends ExifTool (the run is over). */
  async close(): Promise<void> {
    const exiftool = this.exiftool;
    this.exiftool = null;
    if (exiftool !== null) await exiftool.end().catch(() => undefined);
  }
}
