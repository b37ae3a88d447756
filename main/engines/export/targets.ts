/**
 * Chooses each exported file's final name, in export order, against what this run has already
 * reserved and what exists on disk (case-insensitively, one readdir per folder).
 *
 * An existing target with the same size and sha256 is adopted instead of copied, so exporting twice
 * or resuming after a crash never creates `_001` duplicates. Otherwise `_001`..`_999`; beyond that
 * the file fails with 'collision-limit'.
 */
import path from 'node:path';
import { appError, type AppError } from '../../../shared/errors.js';
import { collisionKey, MAX_COLLISION_COUNTER, relativePathFor, withCounter, type PlannedName } from '../../../shared/naming.js';
import { DEFAULT_TEMPLATE, planName, type NameTemplate } from '../../../shared/name-template.js';
import { errnoCode, errnoToAppError } from '../../rules/errno.js';
import { companionPath, type Companion, type TargetItem } from '../../rules/companions.js';
import { isTempName, nodeFs, sha256File, type ExportFs } from './copy.js';

export type { TargetItem };

/** Where a companion goes: a reserved free name, or an identical file already there. */
export interface CompanionTarget {
  companion: Companion;
  relPath: string;
  absPath: string;
  /** Null when an identical file is already at `relPath` (adopted, not copied). */
  reservation: Reservation | null;
}

/** Another file of this run that claimed the same name with the same content. */
export interface Reservation {
  key: string;
  absPath: string;
  relPath: string;
  size: number;
  sha256: string;
  /** Resolves true once that file is published, false if it failed or moved elsewhere. */
  published: Promise<boolean>;
  settle: (published: boolean) => void;
  /** The published copy's own sha256 (differs from `sha256` when metadata was written into it). */
  copySha256?: string;
}

export type TargetPlan =
  /** Copy to `absPath` (reserved for this file). */
  | { kind: 'copy'; absPath: string; relPath: string; reservation: Reservation; companions: CompanionTarget[] }
  /** An identical file is already on disk at `absPath`. */
  | { kind: 'identical-on-disk'; absPath: string; relPath: string; companions: CompanionTarget[] }
  /** An identical file of this run is being written to `reservation.absPath`: wait for it. */
  | { kind: 'identical-in-flight'; reservation: Reservation }
  | { kind: 'failed'; error: AppError };

/** The folder of an archive-relative path: '' for the archive's root (never '.'). */
function dirOf(relPath: string): string {
  const dir = path.posix.dirname(relPath);
  return dir === '.' ? '' : dir;
}

interface DiskEntry {
  name: string;
  size?: number;
  sha256?: string | null;
}

export class TargetPlanner {
  /** dir (relative) -> collision key of a name -> what is on disk. */
  private readonly dirs = new Map<string, Promise<Map<string, DiskEntry>>>();
  private readonly reservations = new Map<string, Reservation>();

  constructor(
    private readonly outputDir: string,
    private readonly fs: ExportFs = nodeFs,
    private readonly template: NameTemplate = DEFAULT_TEMPLATE,
  ) {}

  /** Where `item` goes before collisions: the naming template's plan (the same `planName` the preview uses). */
  planned(item: Pick<TargetItem, 'timestamp' | 'originalName' | 'cameraModel' | 'tags'>): PlannedName {
    return planName(item, this.template);
  }

  private dirEntries(dir: string): Promise<Map<string, DiskEntry>> {
    // Cache the promise, not the map: two plans for the same new folder must share one listing.
    let loading = this.dirs.get(dir);
    if (!loading) {
      loading = this.loadDir(dir);
      this.dirs.set(dir, loading);
      loading.catch(() => this.dirs.delete(dir));
    }
    return loading;
  }

  private async loadDir(dir: string): Promise<Map<string, DiskEntry>> {
    const map = new Map<string, DiskEntry>();
    const abs = path.join(this.outputDir, dir);
    try {
      for (const name of this.fs.readdirSync(abs)) {
        if (!isTempName(name)) map.set(collisionKey(name), { name });
      }
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
      this.fs.mkdirSync(abs);
    }
    return map;
  }

  /** The cached listing of a folder already loaded (for bookkeeping after publish/failure). */
  private async known(dir: string): Promise<Map<string, DiskEntry> | undefined> {
    return this.dirs.has(dir) ? await this.dirs.get(dir) : undefined;
  }

  /** True when the on-disk file holds exactly these bytes (size first, then sha256, cached). */
  private async identicalOnDisk(dir: string, entry: DiskEntry, item: TargetItem): Promise<boolean> {
    const abs = path.join(this.outputDir, dir, entry.name);
    if (entry.size === undefined) {
      try {
        const st = this.fs.statSync(abs);
        entry.size = st.isFile() ? st.size : -1;
      } catch {
        entry.size = -1;
      }
    }
    if (entry.size !== item.size) return false;
    if (entry.sha256 === undefined) entry.sha256 = await sha256File(abs, this.fs).catch(() => null);
    return entry.sha256 === item.sha256;
  }

  private reserve(key: string, absPath: string, relPath: string, size: number, sha256: string, entries: Map<string, DiskEntry>): Reservation {
    let settle!: (published: boolean) => void;
    const published = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const reservation: Reservation = { key, absPath, relPath, size, sha256, published, settle };
    this.reservations.set(key, reservation);
    entries.set(collisionKey(path.posix.basename(relPath)), { name: path.posix.basename(relPath), size, sha256 });
    return reservation;
  }

  /** Whether `relPath` is free for these bytes, already holds them, or is taken by something else. */
  private async nameStatus(relPath: string, size: number, sha256: string): Promise<'free' | 'identical' | 'taken'> {
    const reserved = this.reservations.get(collisionKey(relPath));
    if (reserved) return 'taken';
    const dir = dirOf(relPath);
    const onDisk = (await this.dirEntries(dir)).get(collisionKey(path.posix.basename(relPath)));
    if (!onDisk) return 'free';
    return (await this.identicalOnDisk(dir, onDisk, { fileId: 0, originalName: '', size, sha256, timestamp: null })) ? 'identical' : 'taken';
  }

  /**
   * Claims the companions' names beside a main file at `mainRel`: null when one of them is taken
   * by something else (nothing is reserved then).
   */
  async claimCompanions(mainRel: string, mainExt: string, companions: readonly Companion[]): Promise<CompanionTarget[] | null> {
    const statuses: { companion: Companion; relPath: string; status: 'free' | 'identical' }[] = [];
    const seen = new Set<string>();
    for (const companion of companions) {
      const relPath = companionPath(mainRel, mainExt, companion.suffix);
      const status = await this.nameStatus(relPath, companion.size, companion.sha256);
      if (status === 'taken' || seen.has(collisionKey(relPath))) return null;
      seen.add(collisionKey(relPath));
      statuses.push({ companion, relPath, status });
    }
    const out: CompanionTarget[] = [];
    for (const { companion, relPath, status } of statuses) {
      const absPath = path.join(this.outputDir, ...relPath.split('/'));
      const entries = await this.dirEntries(dirOf(relPath));
      const reservation = status === 'free' ? this.reserve(collisionKey(relPath), absPath, relPath, companion.size, companion.sha256, entries) : null;
      out.push({ companion, relPath, absPath, reservation });
    }
    return out;
  }

  /** Picks the target of the next file in export order. Must be called sequentially. */
  async plan(item: TargetItem): Promise<TargetPlan> {
    const planned = this.planned(item);
    const companions = item.companions ?? [];
    let entries: Map<string, DiskEntry>;
    try {
      entries = await this.dirEntries(planned.dir);
    } catch (e) {
      return { kind: 'failed', error: errnoToAppError(e, planned.dir) };
    }
    for (let n = 0; n <= MAX_COLLISION_COUNTER; n++) {
      const rel = relativePathFor(planned, n);
      const key = collisionKey(rel);
      const reserved = this.reservations.get(key);
      if (reserved) {
        // A group never waits on another file's copy: it takes a counter of its own.
        if (companions.length === 0 && reserved.size === item.size && reserved.sha256 === item.sha256) return { kind: 'identical-in-flight', reservation: reserved };
        continue;
      }
      const name = withCounter(planned.stem, planned.ext, n);
      const onDisk = entries.get(collisionKey(name));
      if (onDisk) {
        if (await this.identicalOnDisk(planned.dir, onDisk, item)) {
          // A whole group moves to the next counter unless every companion fits beside it.
          const onDiskRel = planned.dir ? `${planned.dir}/${onDisk.name}` : onDisk.name;
          const targets = companions.length ? await this.claimCompanions(onDiskRel, planned.ext, companions) : [];
          if (targets) return { kind: 'identical-on-disk', absPath: path.join(this.outputDir, planned.dir, onDisk.name), relPath: onDiskRel, companions: targets };
        }
        continue;
      }
      let targets: CompanionTarget[] = [];
      if (companions.length) {
        const claimed = await this.claimCompanions(rel, planned.ext, companions);
        if (claimed === null) continue;
        targets = claimed;
      }
      const absPath = path.join(this.outputDir, planned.dir, name);
      const reservation = this.reserve(key, absPath, rel, item.size, item.sha256, entries);
      return { kind: 'copy', absPath, relPath: rel, reservation, companions: targets };
    }
    return {
      kind: 'failed',
      error: appError(
        'collision-limit',
        `Too many files share the name ${relativePathFor(planned, 0)} (more than ${MAX_COLLISION_COUNTER} collisions); give some of them a different date.`,
      ),
    };
  }

  /** The reserved file is in place: later identical files adopt it. */
  published(reservation: Reservation): void {
    reservation.settle(true);
  }

  /** The reserved file failed or was cancelled: free the name for whoever comes next. */
  async release(reservation: Reservation): Promise<void> {
    this.reservations.delete(reservation.key);
    (await this.known(dirOf(reservation.relPath)))?.delete(collisionKey(path.posix.basename(reservation.relPath)));
    reservation.settle(false);
  }

  /** A name this run moved away (a rename or a changed copy set aside): it is free now. */
  async vacated(relPath: string): Promise<void> {
    const dir = dirOf(relPath);
    (await this.known(dir))?.delete(collisionKey(path.posix.basename(relPath)));
  }

  /** A name this run created outside the plan (a changed copy set aside): it is taken now. */
  async occupied(relPath: string): Promise<void> {
    const dir = dirOf(relPath);
    const name = path.posix.basename(relPath);
    (await this.known(dir))?.set(collisionKey(name), { name });
  }

  /** Someone else created the reserved name meanwhile: forget what we assumed about it. */
  async takenExternally(reservation: Reservation): Promise<void> {
    this.reservations.delete(reservation.key);
    const name = path.posix.basename(reservation.relPath);
    (await this.known(dirOf(reservation.relPath)))?.set(collisionKey(name), { name });
    reservation.settle(false);
  }
}
