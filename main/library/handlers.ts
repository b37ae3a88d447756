/**
 * The contract's handlers: a plain object keyed by channel. Both transports (Electron IPC and
 * serve mode's WebSocket) validate requests with `parseRequest` and then call these.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, stat, statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseCaptureTime, isValidTimeZone, type CaptureTime } from '../../shared/capture-time.js';
import type { Handlers } from '../../shared/contract.js';
import { err, ok, type Result } from '../../shared/errors.js';
import type { ExportFidelityPreview, ExportPreview, WriteReason } from '../../shared/types.js';
import { collisionKey, isNameFor, relativePathFor, yearFolder } from '../../shared/naming.js';
import { DEFAULT_TEMPLATE, parseNameTemplate, planName, validateNameTemplate, type NameTemplate } from '../../shared/name-template.js';
import { companionPath, companionsOf } from '../rules/companions.js';
import { needsXmpSidecar, plannedSidecarWrite, writableFormat, writeReasons, type WriteSettings } from '../rules/write-truth.js';
import type { ArchivesRepo, ExportCursor, ExportScope } from './db/archives-repo.js';
import type { FilesRepo } from './db/files-repo.js';
import { createJob, getJob, importSkipped, jobFileErrors, listJobs } from './db/jobs-repo.js';
import type { OpenDb } from './db/open-db.js';
import { readSettings, writeSettings } from './db/settings-repo.js';
import type { JobRunner } from './jobs/runner.js';
import type { VerifyChannel } from './verify-handlers.js';
import type { ShiftChannel } from './date-shift-handlers.js';
import type { SimilarChannel } from './similar/similar-handlers.js';
import { isInKnownPlace } from './known-places.js';
import { errnoCode, errnoToAppError } from '../rules/errno.js';

/** What the host (desktop shell or serve mode) provides beyond the core. */
export interface HostServices {
  transport: 'ipc' | 'http';
  nativeDialogs: boolean;
  /** Image URL template with `{id}` and `{size}` placeholders. */
  thumbnailUrl: string;
  /** URL template with an `{id}` placeholder for playing an original (videos in the details panel). */
  mediaUrl?: string;
  pickFolder(req: { purpose: 'source' | 'output'; multiple: boolean }): Promise<Result<{ paths: string[] }>>;
  showPath(path: string): Promise<Result<{ shown: boolean }>>;
}

export const headlessHost: HostServices = {
  transport: 'http',
  nativeDialogs: false,
  thumbnailUrl: '/thumb/{id}?size={size}',
  mediaUrl: '/media/{id}',
  pickFolder: async () => err('unsupported', 'There is no folder dialog here; use the folder browser.'),
  showPath: async () => ok({ shown: false }),
};

export interface HandlerDeps {
  db: OpenDb;
  files: FilesRepo;
  archives: ArchivesRepo;
  runner: JobRunner;
  host: HostServices;
  version: string;
}

function absolute(path: string): Result<string> {
  if (!isAbsolute(path)) return err('invalid-argument', `Please give a full folder path (got "${path}").`);
  return ok(resolve(path));
}

export function createHandlers(deps: HandlerDeps): Omit<Handlers, VerifyChannel | ShiftChannel | SimilarChannel> {
  const { db, files, archives, runner, host } = deps;

  const fileOr404 = (id: number) => {
    const f = files.get(id);
    return f ? ok(f) : err<never>('not-found', `There is no file ${id}.`);
  };

  /** What an export looks at: one completed import's files when asked, else the whole library. */
  const exportScope = (importJobId: number | undefined): Result<ExportScope> => {
    if (importJobId === undefined) return ok({ importJobId: null });
    const job = getJob(db.db, importJobId);
    if (!job) return err('not-found', `There is no job ${importJobId}.`);
    if (job.type !== 'import') return err('conflict', `Job ${job.id} is an export, not an import.`);
    if (job.status !== 'completed') return err('conflict', `Import job ${job.id} is ${job.status}; it must be completed before exporting.`);
    return ok({ importJobId: job.id });
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

    'files:counts': async (q) => ok({ filters: files.counts(q), folders: files.folders() }),

    'files:timeline': async (q) => ok({ days: files.timeline(q) }),

    'files:get': async ({ id }) => {
      const d = files.details(id);
      return d ? ok(d) : err('not-found', `There is no file ${id}.`);
    },

    'files:set-date': async ({ id, timestamp }) => {
      const ct = timestamp === null ? null : parseCaptureTime(timestamp);
      if (timestamp !== null && ct === null) {
        return err('invalid-argument', `"${timestamp}" is not a valid date (use YYYY-MM-DDTHH:MM:SS, or YYYY-MM-DD, YYYY-MM, YYYY).`);
      }
      if (files.setFinal([id], ct) === 0) return err('not-found', `There is no file ${id}.`);
      return fileOr404(id);
    },

    'files:set-date-bulk': async ({ ids, timestamp, spacing }) => {
      const ct = timestamp === null ? null : parseCaptureTime(timestamp);
      if (timestamp !== null && ct === null) {
        return err('invalid-argument', `"${timestamp}" is not a valid date and time (use YYYY-MM-DDTHH:MM:SS).`);
      }
      if (ct === null || spacing === 'same' || (ct.precision !== undefined && ct.precision !== 'second')) {
        return ok({ updated: files.setFinal(ids, ct) });
      }
      // One second apart in name order, so the archive's names keep the order the user chose.
      const start = Date.parse(ct.local + 'Z');
      const entries = files.inNameOrder(ids).map((id, i): [number, CaptureTime] => [
        id,
        { local: new Date(start + i * 1000).toISOString().slice(0, 23), offset: ct.offset },
      ]);
      return ok({ updated: files.setFinalEach(entries) });
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
      const scope = exportScope(importJobId);
      if (!scope.ok) return scope;
      let out = readSettings(db.db).outputDirectory ?? undefined;
      if (outputDir !== undefined) {
        const abs = absolute(outputDir);
        if (!abs.ok) return abs;
        out = abs.value;
      }
      if (out === undefined) return err('invalid-argument', 'Choose an output folder before exporting.');
      const counts = archives.counts(scope.value, archives.find(out));
      if (counts.files === 0) {
        return err('not-found', scope.value.importJobId === null ? 'There are no kept files to export yet: import a folder first.' : `Import job ${scope.value.importJobId} has no kept files to export.`);
      }
      // The job keeps the template it started with: a resume names files the same way.
      const job = createJob(
        db.db,
        'export',
        { outputDir: out, ...(scope.value.importJobId !== null ? { importJobId: scope.value.importJobId } : {}), nameTemplate: readSettings(db.db).nameTemplate },
        'queued',
      );
      runner.enqueue(job.id);
      return ok({ jobId: job.id, status: 'queued' as const, fileCount: counts.files });
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
      let importStats = null;
      if (job.type === 'import') {
        const skipped = importSkipped(db.db, id);
        importStats = { ...files.importStats(id, job.createdAt), skipped: skipped.count, skippedExamples: skipped.examples };
      }
      return ok({ ...job, fileErrors: jobFileErrors(db.db, id), importStats });
    },

    'settings:get': async () => ok(readSettings(db.db)),

    'settings:set': async (patch) => {
      if (patch.nameTemplate !== undefined) {
        const why = validateNameTemplate(patch.nameTemplate);
        if (why !== null) return err('invalid-argument', `The naming template cannot be used: ${why}`);
      }
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
          ...(patch.writeDatesIntoCopies !== undefined ? { writeDatesIntoCopies: patch.writeDatesIntoCopies } : {}),
          ...(patch.writeFolderTagsAsKeywords !== undefined ? { writeFolderTagsAsKeywords: patch.writeFolderTagsAsKeywords } : {}),
          ...(patch.nameTemplate !== undefined ? { nameTemplate: patch.nameTemplate } : {}),
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

    'fs:make-dir': async ({ parent, name }) => {
      const abs = absolute(parent);
      if (!abs.ok) return abs;
      const clean = name.trim();
      if (!clean || clean === '.' || clean === '..' || /[\\/]/.test(clean) || clean.includes('\0')) {
        return err('invalid-argument', `"${name}" cannot be a folder name (no slashes).`);
      }
      const target = join(abs.value, clean);
      try {
        await mkdir(target);
        return ok({ path: target });
      } catch (cause) {
        if (errnoCode(cause) === 'EEXIST') return err('conflict', `There is already something called "${clean}" in ${abs.value}.`);
        return { ok: false, error: errnoToAppError(cause, `Creating the folder "${target}"`) };
      }
    },

    'shell:show-path': async ({ path }) => {
      const abs = absolute(path);
      if (!abs.ok) return abs;
      if (!isInKnownPlace(db.db, abs.value)) {
        return err('permission-denied', 'MediaParser only shows places inside your imported folders and archives.', abs.value);
      }
      if (!existsSync(abs.value)) return err('not-found', `"${abs.value}" does not exist (any more).`);
      return host.showPath(abs.value);
    },

    'export:preview': async ({ importJobId, outputDir, nameTemplate }) => {
      const scope = exportScope(importJobId);
      if (!scope.ok) return scope;
      const s = readSettings(db.db);
      const out = outputDir ?? s.outputDirectory;
      // A template being edited is previewed before it is saved.
      const parsed = parseNameTemplate(nameTemplate ?? s.nameTemplate);
      if (!parsed.ok) return err('invalid-argument', `The naming template cannot be used: ${parsed.message}`);
      return ok(
        await previewExport(archives, scope.value, out, { dates: s.writeDatesIntoCopies, tags: s.writeFolderTagsAsKeywords, timeZone: s.timeZone }, parsed.template),
      );
    },

    'app:info': async () =>
      ok({
        version: deps.version,
        nativeDialogs: host.nativeDialogs,
        transport: host.transport,
        dbPath: db.path,
        thumbnailUrl: host.thumbnailUrl,
        mediaUrl: host.mediaUrl ?? null,
      }),
  };
}

/** How many new files the preview names (the naming template's examples). */
export const PREVIEW_NAMES = 6;

/**
 * What an export into `outputDir` would do, in numbers, before anything is copied: files new to
 * this archive (with per-year counts, undated ones and `_001`.. suffixes), copies already there
 * (each checked on disk: a deleted copy counts as new), copies to rename because their date
 * changed, files that cannot be exported, and the space it needs against the space free.
 */
export async function previewExport(
  archives: ArchivesRepo,
  scope: ExportScope,
  outputDir: string | null,
  write: WriteSettings = { dates: true, tags: true, timeZone: 'UTC' },
  template: NameTemplate = DEFAULT_TEMPLATE,
): Promise<ExportPreview> {
  const fidelity: ExportFidelityPreview = { livePhotos: 0, rawPairs: 0, sidecars: 0, writes: [], xmpSidecars: 0, examples: [] };
  const writes = new Map<WriteReason, number>();
  const archiveId = outputDir ? archives.find(outputDir) : null;
  const counts = archives.counts(scope, archiveId);
  const perYear = new Map<string, number>();
  /** Names given out in this run, with the content that got them (identical content shares a name). */
  const taken = new Map<string, string>();
  const dirCache = new Map<string, Set<string>>();
  let newCount = 0;
  let newBytes = 0;
  let alreadyThere = 0;
  let toRename = 0;
  let undatedCount = 0;
  let collisionCount = 0;
  /** The first new files' archive names, as the export will give them (the naming template's live example). */
  const exampleNames: ExportPreview['names'] = [];

  const existingNames = async (dir: string): Promise<Set<string>> => {
    let names = dirCache.get(dir);
    if (!names) {
      names = new Set<string>();
      if (outputDir) {
        try {
          for (const n of await readdir(join(outputDir, dir))) names.add(collisionKey(dir ? `${dir}/${n}` : n));
        } catch {
          // Folder not there yet: nothing collides.
        }
      }
      dirCache.set(dir, names);
    }
    return names;
  };
  const stillThere = async (rel: string, size: number): Promise<boolean> => {
    if (!outputDir) return false;
    try {
      const st = await lstat(join(outputDir, ...rel.split('/')));
      return st.isFile() && st.size === size;
    } catch {
      return false;
    }
  };

  const PAGE = 1000;
  let cursor: ExportCursor | null = null;
  for (;;) {
    const page = archives.exportPage(scope, archiveId, cursor, PAGE);
    cursor = page.keys[page.keys.length - 1] ?? cursor;
    const present = await Promise.all(page.items.map((item) => (item.archived ? stillThere(item.archived.relPath, item.archived.size) : false)));
    for (const [i, item] of page.items.entries()) {
      const planned = planName(item, template);
      if (item.archived && present[i]) {
        if (isNameFor(item.archived.relPath, planned)) alreadyThere++;
        else toRename++;
        continue;
      }
      newCount++;
      newBytes += item.size;
      // Fidelity: what travels with the file and what gets written into its copy.
      for (const each of [item, ...(item.members ?? [])]) if (needsXmpSidecar(each, write)) each.xmpWrite = plannedSidecarWrite(each, write)!;
      const companions = companionsOf(item);
      for (const m of item.members ?? []) {
        if (writableFormat(m.originalName) === 'video') fidelity.livePhotos++;
        else fidelity.rawPairs++;
      }
      fidelity.sidecars += companions.filter((c) => c.kind === 'sidecar').length;
      for (const each of [item, ...(item.members ?? [])]) {
        const reasons = writeReasons(each, write);
        if (each.xmpWrite) fidelity.xmpSidecars++;
        else for (const r of reasons) writes.set(r, (writes.get(r) ?? 0) + 1);
      }
      if (companions.length && fidelity.examples.length < 5) {
        const base = relativePathFor(planned, 0);
        fidelity.examples.push({ main: base, companions: companions.map((c) => companionPath(base, planned.ext, c.suffix)) });
      }
      if (item.timestamp === null) undatedCount++;
      else {
        const year = yearFolder(item.timestamp);
        perYear.set(year, (perYear.get(year) ?? 0) + 1);
      }
      const onDisk = await existingNames(planned.dir);
      let n = 0;
      let key = collisionKey(relativePathFor(planned, 0));
      // A byte-identical file already given this name is adopted, not suffixed.
      while ((taken.has(key) && taken.get(key) !== item.sha256) || (!taken.has(key) && onDisk.has(key))) {
        if (n >= 999) break;
        n++;
        key = collisionKey(relativePathFor(planned, n));
      }
      if (n > 0) collisionCount++;
      taken.set(key, item.sha256);
      if (exampleNames.length < PREVIEW_NAMES) {
        const rel = relativePathFor(planned, n);
        exampleNames.push({ original: item.originalName, name: rel, companions: companions.map((c) => companionPath(rel, planned.ext, c.suffix)) });
      }
    }
    if (page.items.length < PAGE) break;
  }
  let outputProblem: string | null = null;
  if (outputDir) {
    // Caught here, before Start: an export into a folder whose parent is missing would only fail.
    const here = await stat(outputDir).catch(() => null);
    if (here && !here.isDirectory()) outputProblem = `"${outputDir}" is a file, not a folder.`;
    else if (!here && !(await stat(dirname(outputDir)).catch(() => null))?.isDirectory()) {
      outputProblem = `Neither "${outputDir}" nor the folder it would go in ("${dirname(outputDir)}") exists. Create the folder first, or choose another.`;
    }
  }
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
    fileCount: counts.files,
    newCount,
    newBytes,
    alreadyThere,
    toRename,
    problems: counts.problems,
    discardedInArchive: counts.discardedInArchive,
    perYear: [...perYear.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([year, count]) => ({ year, count })),
    undatedCount,
    collisionCount,
    nameTemplate: template.source,
    names: exampleNames,
    fidelity: { ...fidelity, writes: [...writes].map(([reason, count]) => ({ reason, count })) },
    outputDir,
    freeBytes,
    outputProblem,
  };
}
