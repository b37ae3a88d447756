/**
 * The contract's handlers: a plain object keyed by channel. Both transports (Electron IPC and
 * serve mode's WebSocket) validate requests with `parseRequest` and then call these.
 */
import { existsSync } from 'node:fs';
import { readdir, stat, statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseCaptureTime, isValidTimeZone } from '../../shared/capture-time.js';
import type { Handlers } from '../../shared/contract.js';
import { err, ok, type Result } from '../../shared/errors.js';
import type { ExportPreview } from '../../shared/types.js';
import { collisionKey, plannedRelativePath, withCounter } from '../../shared/naming.js';
import type { FilesRepo } from './db/files-repo.js';
import { createJob, fileSetJobId, getJob, jobFileErrors, listJobs, newestCompletedImport } from './db/jobs-repo.js';
import type { OpenDb } from './db/open-db.js';
import { readSettings, writeSettings } from './db/settings-repo.js';
import type { JobRunner } from './jobs/runner.js';

/** What the host (desktop shell or serve mode) provides beyond the core. */
export interface HostServices {
  transport: 'ipc' | 'http';
  nativeDialogs: boolean;
  /** Image URL template with `{id}` and `{size}` placeholders. */
  thumbnailUrl: string;
  pickFolder(req: { purpose: 'source' | 'output'; multiple: boolean }): Promise<Result<{ paths: string[] }>>;
  showPath(path: string): Promise<Result<{ shown: boolean }>>;
}

export const headlessHost: HostServices = {
  transport: 'http',
  nativeDialogs: false,
  thumbnailUrl: '/thumb/{id}?size={size}',
  pickFolder: async () => err('unsupported', 'There is no folder dialog here; use the folder browser.'),
  showPath: async () => ok({ shown: false }),
};

export interface HandlerDeps {
  db: OpenDb;
  files: FilesRepo;
  runner: JobRunner;
  host: HostServices;
  version: string;
}

function absolute(path: string): Result<string> {
  if (!isAbsolute(path)) return err('invalid-argument', `Please give a full folder path (got "${path}").`);
  return ok(resolve(path));
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { db, files, runner, host } = deps;

  const fileOr404 = (id: number) => {
    const f = files.get(id);
    return f ? ok(f) : err<never>('not-found', `There is no file ${id}.`);
  };

  /** The import job an export refers to: the given one, else the newest completed import. */
  const importJobFor = (importJobId: number | undefined) => {
    const job = importJobId !== undefined ? getJob(db.db, importJobId) : newestCompletedImport(db.db);
    if (!job) {
      return err<never>(
        'not-found',
        importJobId !== undefined ? `There is no job ${importJobId}.` : 'There is no completed import to export yet.',
      );
    }
    if (job.type !== 'import') return err<never>('conflict', `Job ${job.id} is an export, not an import.`);
    if (job.status !== 'completed') {
      return err<never>('conflict', `Import job ${job.id} is ${job.status}; it must be completed before exporting.`);
    }
    return ok(job);
  };

  return {
    'import:start': async ({ folders }) => {
      const roots: string[] = [];
      for (const folder of folders) {
        const abs = absolute(folder);
        if (!abs.ok) return abs;
        try {
          const st = await stat(abs.value);
          if (!st.isDirectory()) return err('invalid-argument', `"${abs.value}" is not a folder.`);
        } catch {
          return err('not-found', `The folder "${abs.value}" does not exist or cannot be opened.`);
        }
        if (!roots.includes(abs.value)) roots.push(abs.value);
      }
      const job = createJob(db.db, 'import', { sourceFolders: roots }, 'queued');
      runner.enqueue(job.id);
      return ok({ jobId: job.id, status: 'queued' as const });
    },

    'files:list': async (q) => ok(files.list(q)),

    'files:get': async ({ id }) => {
      const d = files.details(id);
      return d ? ok(d) : err('not-found', `There is no file ${id}.`);
    },

    'files:set-date': async ({ id, timestamp }) => {
      const ct = timestamp === null ? null : parseCaptureTime(timestamp);
      if (timestamp !== null && ct === null) {
        return err('invalid-argument', `"${timestamp}" is not a valid date and time (use YYYY-MM-DDTHH:MM:SS).`);
      }
      if (files.setFinal([id], ct) === 0) return err('not-found', `There is no file ${id}.`);
      return fileOr404(id);
    },

    'files:set-date-bulk': async ({ ids, timestamp }) => {
      const ct = timestamp === null ? null : parseCaptureTime(timestamp);
      if (timestamp !== null && ct === null) {
        return err('invalid-argument', `"${timestamp}" is not a valid date and time (use YYYY-MM-DDTHH:MM:SS).`);
      }
      return ok({ updated: files.setFinal(ids, ct) });
    },

    'files:discard': async ({ id }) => {
      if (files.setDiscarded([id], true) === 0) return err('not-found', `There is no file ${id}.`);
      return fileOr404(id);
    },

    'files:restore': async ({ id }) => {
      if (files.setDiscarded([id], false) === 0) return err('not-found', `There is no file ${id}.`);
      return fileOr404(id);
    },

    'files:discard-bulk': async ({ ids }) => ok({ updated: files.setDiscarded(ids, true) }),

    'files:restore-bulk': async ({ ids }) => ok({ updated: files.setDiscarded(ids, false) }),

    'duplicates:resolve': async ({ group, keepId }) => {
      const members = files.groupMembers(group);
      if (members.length === 0) return err('not-found', `There is no duplicate group ${group}.`);
      if (!members.includes(keepId)) return err('invalid-argument', `File ${keepId} is not in duplicate group ${group}.`);
      const others = members.filter((m) => m !== keepId);
      files.setDiscarded([keepId], false);
      const discarded = others.length ? files.setDiscarded(others, true) : 0;
      return ok({ kept: keepId, discarded });
    },

    'tags:list': async () => ok(files.listTags()),

    'jobs:export': async ({ importJobId, outputDir }) => {
      const imp = importJobFor(importJobId);
      if (!imp.ok) return imp;
      let out: string | undefined;
      if (outputDir !== undefined) {
        const abs = absolute(outputDir);
        if (!abs.ok) return abs;
        out = abs.value;
      }
      // The export works on the import's files: nothing to copy.
      const job = createJob(db.db, 'export', { importJobId: imp.value.id, ...(out ? { outputDir: out } : {}) }, 'queued');
      const fileCount = files.countExportable(fileSetJobId(job)).files;
      runner.enqueue(job.id);
      return ok({ jobId: job.id, status: 'queued' as const, fileCount });
    },

    'jobs:pause': async ({ id }) => runner.pause(id),
    'jobs:resume': async ({ id }) => runner.resume(id),
    'jobs:cancel': async ({ id }) => runner.cancel(id),

    'jobs:list': async ({ limit }) => {
      const active = runner.activeJob();
      return ok(listJobs(db.db, limit).map((j) => (active && active.id === j.id ? active : j)));
    },

    'jobs:get': async ({ id }) => {
      const active = runner.activeJob();
      const job = active && active.id === id ? active : getJob(db.db, id);
      if (!job) return err('not-found', `There is no job ${id}.`);
      return ok({ ...job, fileErrors: jobFileErrors(db.db, id) });
    },

    'settings:get': async () => ok(readSettings(db.db)),

    'settings:set': async (patch) => {
      if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
        return err('invalid-argument', `"${patch.timeZone}" is not a time zone this computer knows (try Europe/Paris).`);
      }
      let outputDirectory = patch.outputDirectory;
      if (typeof outputDirectory === 'string') {
        const abs = absolute(outputDirectory);
        if (!abs.ok) return abs;
        outputDirectory = abs.value;
      }
      return ok(
        writeSettings(db.db, {
          ...(outputDirectory !== undefined ? { outputDirectory } : {}),
          ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
          ...(patch.useFileDatesAsLastResort !== undefined ? { useFileDatesAsLastResort: patch.useFileDatesAsLastResort } : {}),
          ...(patch.useGpsTimeZone !== undefined ? { useGpsTimeZone: patch.useGpsTimeZone } : {}),
        }),
      );
    },

    'dialog:pick-folder': async ({ purpose, multiple }) => {
      const picked = await host.pickFolder({ purpose, multiple });
      if (picked.ok && purpose === 'output' && picked.value.paths[0]) {
        writeSettings(db.db, { outputDirectory: picked.value.paths[0] });
      }
      return picked;
    },

    'fs:list-dirs': async ({ path }) => {
      const target = resolve(path ?? homedir());
      try {
        const entries = await readdir(target, { withFileTypes: true });
        const dirs = entries
          .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
          .map((e) => ({ name: e.name, path: join(target, e.name) }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const parent = dirname(target);
        return ok({ path: target, parent: parent === target ? null : parent, dirs });
      } catch {
        return err('not-found', `The folder "${target}" cannot be opened.`);
      }
    },

    'shell:show-path': async ({ path }) => {
      const abs = absolute(path);
      if (!abs.ok) return abs;
      if (!existsSync(abs.value)) return err('not-found', `"${abs.value}" does not exist (any more).`);
      return host.showPath(abs.value);
    },

    'export:preview': async ({ importJobId, outputDir }) => {
      const imp = importJobFor(importJobId);
      if (!imp.ok) return imp;
      const out = outputDir ?? readSettings(db.db).outputDirectory;
      return ok(await previewExport(files, imp.value.id, out));
    },

    'app:info': async () =>
      ok({
        version: deps.version,
        nativeDialogs: host.nativeDialogs,
        transport: host.transport,
        dbPath: db.path,
        thumbnailUrl: host.thumbnailUrl,
      }),
  };
}

/**
 * What an export of an import job's files would do: counts per year, undated files, how many
 * names need a `_001`.. suffix (in this run or because the target already holds that name),
 * and the space it needs against the space free on the target.
 */
export async function previewExport(files: FilesRepo, importJobId: number, outputDir: string | null): Promise<ExportPreview> {
  const perYear = new Map<string, number>();
  /** Names given out in this run, with the content that got them (identical content shares a name). */
  const taken = new Map<string, string>();
  const dirCache = new Map<string, Set<string>>();
  let fileCount = 0;
  let totalBytes = 0;
  let undatedCount = 0;
  let collisionCount = 0;

  const existingNames = async (dir: string): Promise<Set<string>> => {
    let names = dirCache.get(dir);
    if (!names) {
      names = new Set<string>();
      if (outputDir) {
        try {
          for (const n of await readdir(join(outputDir, dir))) names.add(collisionKey(`${dir}/${n}`));
        } catch {
          // Folder not there yet: nothing collides.
        }
      }
      dirCache.set(dir, names);
    }
    return names;
  };

  let cursor = null;
  for (;;) {
    const page = files.exportPage(importJobId, cursor, 1000);
    cursor = page.cursor;
    for (const item of page.items) {
      fileCount++;
      totalBytes += item.size;
      const planned = plannedRelativePath(item.timestamp, item.originalName);
      if (item.timestamp === null) undatedCount++;
      else perYear.set(planned.dir, (perYear.get(planned.dir) ?? 0) + 1);
      const onDisk = await existingNames(planned.dir);
      let n = 0;
      let key = collisionKey(`${planned.dir}/${planned.stem}${planned.ext}`);
      // A byte-identical file already given this name is adopted, not suffixed.
      while ((taken.has(key) && taken.get(key) !== item.sha256) || (!taken.has(key) && onDisk.has(key))) {
        if (n >= 999) break;
        n++;
        key = collisionKey(`${planned.dir}/${withCounter(planned.stem, planned.ext, n)}`);
      }
      if (n > 0) collisionCount++;
      taken.set(key, item.sha256);
    }
    if (page.items.length < 1000) break;
  }
  const exported = files.countExported(importJobId).files;
  let freeBytes: number | null = null;
  if (outputDir) {
    try {
      const st = await statfs(existsSync(outputDir) ? outputDir : dirname(outputDir));
      freeBytes = Number(st.bavail) * Number(st.bsize);
    } catch {
      freeBytes = null;
    }
  }
  return {
    fileCount,
    totalBytes,
    perYear: [...perYear.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([year, count]) => ({ year, count })),
    undatedCount,
    collisionCount,
    alreadyExported: exported,
    outputDir,
    freeBytes,
  };
}
