/**
 * `mediaparser <command>`: the same core as the desktop app, for scripts, benchmarks and NAS boxes.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppError, Result } from '../../shared/errors.js';
import type { FileSummary, JobProgress, JobSummary } from '../../shared/types.js';
import { createAppCore, libraryBusyError, readHolderToken, type AppCore } from '../library/app-core.js';
import { resolveDbPath } from '../library/paths.js';
import { DEFAULT_NAME_TEMPLATE, validateNameTemplate } from '../../shared/name-template.js';
import { formatBytes } from '../../shared/format.js';
import { renderProgressLine } from './progress-line.js';
import { runVerifyCommand } from './verify-command.js';
import { connectRemoteCore, type CliCore } from './remote-core.js';
import { extractSignedOffsets, runShiftCommand, ShiftUsageError } from './shift-command.js';

export const HELP = `MediaParser — turns photo and video folders into one dated archive:
  <output>/<year>/YYYYMMDD_HHMMSS.ext   (originals are only read, never changed)

Usage:
  mediaparser import <folder>... [--db FILE] [--json]
      Find photos and videos, hash them and work out when each was taken.
  mediaparser export --out <folder> [--job <importJobId>] [--name-template T] [--db FILE] [--json]
      Copy every kept file of the library that this archive does not hold yet (only one import's
      files with --job); rename copies whose date or name changed. Prints what was copied, already
      there, renamed and failed. --name-template saves how files are named (the same setting as the
      app's), e.g. '{YYYY}/{MM}/{YYYY}{MM}{DD}_{hh}{mm}{ss}'. Tokens: {YYYY} {MM} {DD} {hh} {mm} {ss}
      {name} (original name) {camera} {tag} (first folder tag); default ${DEFAULT_NAME_TEMPLATE}.
  mediaparser resume <jobId> [--db FILE] [--json]
      Continue a paused, cancelled, halted, failed or interrupted job.
  mediaparser jobs [--db FILE] [--json]          List jobs.
  mediaparser files [--db FILE] [--json]         List imported files with their dates.
  mediaparser set-date <fileId> <YYYY-MM-DDTHH:MM:SS[+HH:MM]> [--db FILE]
  mediaparser discard <fileId> [--db FILE]       Leave a file out of exports.
  mediaparser restore <fileId> [--db FILE]       Take a discarded file back.
  mediaparser shift <offset> (--file ID… | --camera MODEL [--job ID] | --folder DIR | --job ID)
                   [--dry-run] [--db FILE] [--json]
      Correct a camera's clock: move the files' times by <offset> (+1h, -8h, +1d 2h 3m).
      Prints each file's time and archive name before and after; --dry-run changes nothing.
  mediaparser shift --file ID --to <YYYY-MM-DDTHH:MM:SS> [--dry-run] [--db FILE] [--json]
      "This photo was really taken at": the same correction for the rest of its camera's
      session (same camera model, same folder, no pause longer than a day between shots).
  mediaparser shift --undo <shiftId> | --list [--db FILE] [--json]
      Put back the times a correction replaced; list past corrections.
  mediaparser serve [--port N] [--db FILE]       Serve the app to a browser on 127.0.0.1.
  mediaparser verify <archive> [--json]
      Re-hash an archive against its manifest: ok, missing, changed, not in the manifest.
      Exit status 0 only when every copy is intact and nothing else is there.

Options:
  --db FILE   database file (default: $MEDIAPARSER_DB, else the desktop app's user-data folder)
  --json      print one JSON document instead of text
  -h, --help  show this help

Jobs run in the foreground with a progress bar; Ctrl-C pauses cleanly (resume later).
One process at a time writes a library. While \`mediaparser serve\` holds it, import, export,
resume, set-date, discard, restore and shift run there (this command follows and reports as usual);
while the desktop app or another command holds it, they and serve refuse, naming that process.
jobs and files always work.
Exit status: 0 when the job completed, 1 when it did not, 2 for a usage or input error,
75 when another process holds the library (try again once it is closed).`;

/** sysexits' EX_TEMPFAIL: the library is held by another process; the same command works later. */
export const EXIT_LIBRARY_BUSY = 75;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};

class UsageError extends Error {}

function fail(io: Io, error: AppError, json: boolean): number {
  if (json) io.out(JSON.stringify({ error }, null, 2));
  else io.err(`mediaparser: ${error.message}${error.detail ? ` (${error.detail})` : ''}`);
  return error.code === 'library-busy' ? EXIT_LIBRARY_BUSY : 2;
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw Object.assign(new Error(r.error.message), { appError: r.error });
  return r.value;
}

function positiveInt(text: string | undefined, what: string): number {
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n <= 0) throw new UsageError(`${what} must be a positive whole number (got "${text ?? ''}").`);
  return n;
}

/** Runs a job in the foreground: a progress line on a terminal, Ctrl-C pauses cleanly. */
async function followJob(core: CliCore, jobId: number, io: Io, json: boolean, verb: string): Promise<JobSummary> {
  let last: JobProgress | null = null;
  const showBar = io.isTTY && !json;
  const unsubscribe = core.subscribe((e) => {
    if (e.channel === 'job:progress' && e.payload.jobId === jobId) {
      last = e.payload;
      if (showBar) process.stderr.write('\r' + renderProgressLine(verb, e.payload, process.stderr.columns ?? 100));
    }
  });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      io.err(`\nPausing job ${jobId}… (resume with: mediaparser resume ${jobId}; press Ctrl-C again to force quit)`);
      void core.handlers['jobs:pause']({ id: jobId });
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const job = await core.waitForJob(jobId);
    if (showBar && last) process.stderr.write('\n');
    return job;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function describeEnd(job: JobSummary): string {
  if (job.type === 'export' && job.stats) {
    const st = job.stats;
    const lines = [
      `Job ${job.id} (export) ${job.status}${job.error ? ` — ${job.error.message}` : ''}`,
      st.copied === 0 && st.renamed === 0 && job.status === 'completed'
        ? `  Nothing new to copy: all ${st.alreadyThere.toLocaleString('en-US')} files are already in ${job.options.outputDir ?? 'the archive'}.`
        : `  ${st.copied.toLocaleString('en-US')} copied (${formatBytes(st.bytesCopied)}), ${st.alreadyThere.toLocaleString('en-US')} already in the archive, ${st.renamed.toLocaleString('en-US')} renamed, ${st.failed.toLocaleString('en-US')} failed`,
    ];
    if (st.movedAside) lines.push(`  ${st.movedAside} copies had been changed in the archive: kept under a "_changed_" name and copied again.`);
    if (st.discardedInArchive) lines.push(`  ${st.discardedInArchive} discarded files still have a copy in the archive (MediaParser never deletes from it).`);
    return lines.join('\n');
  }
  const base = `Job ${job.id} (${job.type}) ${job.status}: ${job.filesDone.toLocaleString('en-US')} of ${job.filesTotal.toLocaleString('en-US')} files`;
  const errors = job.errorCount ? `, ${job.errorCount} with errors` : '';
  const why = job.error ? ` — ${job.error.message}` : '';
  return base + errors + why;
}

async function runImport(core: CliCore, folders: string[], io: Io, json: boolean): Promise<number> {
  if (folders.length === 0) throw new UsageError('import needs at least one folder.');
  // Folders named on the command line are relative to where the command runs.
  const started = unwrap(await core.handlers['import:start']({ folders: folders.map((f) => resolve(f)) }));
  const job = await followJob(core, started.jobId, io, json, 'Importing');
  return report(core, job, io, json);
}

async function report(core: CliCore, job: JobSummary, io: Io, json: boolean): Promise<number> {
  if (json) {
    if (job.type === 'import') {
      const stats = unwrap(await core.handlers['jobs:get']({ id: job.id })).importStats;
      io.out(
        JSON.stringify(
          {
            jobId: job.id,
            status: job.status,
            fileCount: job.filesDone,
            errors: job.errorCount,
            ...(stats ? { new: stats.new, alreadyKnown: stats.known, skipped: stats.skipped, skippedExamples: stats.skippedExamples } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      const outputDir = job.options.outputDir ?? unwrap(await core.handlers['settings:get']({})).outputDirectory;
      const stats = job.stats ?? { copied: 0, alreadyThere: 0, renamed: 0, failed: job.errorCount, movedAside: 0, discardedInArchive: 0, bytesCopied: 0 };
      io.out(
        JSON.stringify(
          {
            jobId: job.id,
            status: job.status,
            fileCount: job.filesTotal,
            copied: stats.copied,
            alreadyThere: stats.alreadyThere,
            renamed: stats.renamed,
            failed: stats.failed,
            movedAside: stats.movedAside,
            discardedInArchive: stats.discardedInArchive,
            bytesCopied: stats.bytesCopied,
            outputDir,
            ...(job.error ? { error: job.error } : {}),
          },
          null,
          2,
        ),
      );
    }
  } else {
    io.err(describeEnd(job));
    if (job.type === 'import') {
      const stats = unwrap(await core.handlers['jobs:get']({ id: job.id })).importStats;
      if (stats) {
        io.err(`  ${stats.new} new, ${stats.known} already known, ${stats.skipped} skipped (hidden and system files)`);
        for (const p of stats.skippedExamples) io.err(`  skipped: ${p}`);
        if (stats.skipped > stats.skippedExamples.length) io.err(`  … and ${stats.skipped - stats.skippedExamples.length} more skipped`);
      }
    }
    if (job.errorCount > 0) {
      const details = unwrap(await core.handlers['jobs:get']({ id: job.id }));
      for (const e of details.fileErrors.slice(0, 20)) io.err(`  ${e.path}: ${e.error}`);
      if (details.fileErrors.length > 20) io.err(`  … and ${details.fileErrors.length - 20} more`);
    }
  }
  return job.status === 'completed' ? 0 : 1;
}

async function listAllFiles(core: CliCore): Promise<FileSummary[]> {
  const all: FileSummary[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = unwrap(await core.handlers['files:list']({ filter: 'all', offset, limit: 5000 }));
    all.push(...page.items);
    if (page.items.length < 5000) return all;
  }
}

export async function main(rawArgv: string[], io: Io = defaultIo): Promise<number> {
  const { argv, offsets } = extractSignedOffsets(rawArgv);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        job: { type: 'string' },
        'name-template': { type: 'string' },
        port: { type: 'string' },
        // shift
        file: { type: 'string', multiple: true },
        camera: { type: 'string' },
        folder: { type: 'string' },
        to: { type: 'string' },
        undo: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`mediaparser: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command || command === 'help') {
    io.out(HELP);
    return command || values.help ? 0 : 2;
  }
  const json = values.json ?? false;
  const dbPath = resolveDbPath(values.db);

  if (command === 'serve') {
    const { runServeCommand } = await import('../serve/serve-command.js');
    const port = values.port !== undefined ? Number(values.port) : undefined;
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      io.err('mediaparser: --port must be a number between 0 and 65535.');
      return 2;
    }
    return await runServeCommand({ dbPath, ...(port !== undefined ? { port } : {}) });
  }

  // Reads only the archive: no database is opened.
  if (command === 'verify') return await runVerifyCommand(args, io, json);

  const runsJobs = command === 'import' || command === 'export' || command === 'resume';
  const shiftWrites = command === 'shift' && !values['dry-run'] && !values.list;
  const writes = runsJobs || shiftWrites || command === 'set-date' || command === 'discard' || command === 'restore';
  let local: AppCore;
  try {
    local = createAppCore({ dbPath, autoStart: runsJobs, access: writes ? 'write' : 'read', backgroundHashing: false });
  } catch (e) {
    io.err(`mediaparser: cannot open the database at ${dbPath}: ${(e as Error).message}`);
    return 2;
  }
  let core: CliCore = local;
  try {
    if (writes && local.access.mode !== 'writer') {
      const remote = await handToServe(local, dbPath, io, json);
      if (remote === null) return fail(io, libraryBusyError(local.access.holder), json);
      core = remote;
    }
    switch (command) {
      case 'import':
        return await runImport(core, args, io, json);
      case 'export': {
        if (!values.out) throw new UsageError('export needs --out <folder>.');
        // Naming a new archive folder on the command line creates it (one level only): a
        // missing parent still fails the job, as a disconnected drive should.
        await mkdir(resolve(values.out)).catch(() => undefined);
        const importJobId = values.job !== undefined ? positiveInt(values.job, '--job') : undefined;
        const template = values['name-template'];
        if (template !== undefined) {
          const why = validateNameTemplate(template);
          if (why !== null) throw new UsageError(`--name-template cannot be used: ${why}`);
          // Saved like the app's setting: the next export names files the same way (a one-off
          // template would rename the whole archive back on the next run).
          const saved = unwrap(await core.handlers['settings:set']({ nameTemplate: template }));
          if (!json) io.err(`Files are named ${saved.nameTemplate} (saved for later exports)`);
        }
        const started = unwrap(
          await core.handlers['jobs:export']({ outputDir: resolve(values.out), ...(importJobId ? { importJobId } : {}) }),
        );
        if (!json) io.err(`Exporting to ${values.out}: ${started.fileCount.toLocaleString('en-US')} kept files to check`);
        const job = await followJob(core, started.jobId, io, json, 'Exporting');
        return await report(core, job, io, json);
      }
      case 'resume': {
        const id = positiveInt(args[0], 'jobId');
        const resumed = unwrap(await core.handlers['jobs:resume']({ id }));
        const job = await followJob(core, resumed.id, io, json, resumed.type === 'import' ? 'Importing' : 'Exporting');
        return await report(core, job, io, json);
      }
      case 'jobs': {
        const jobs = unwrap(await core.handlers['jobs:list']({ limit: 1000 }));
        if (json) io.out(JSON.stringify(jobs, null, 2));
        else if (jobs.length === 0) io.out('No jobs yet.');
        else
          for (const j of jobs)
            io.out(
              `${String(j.id).padStart(5)}  ${j.type.padEnd(6)}  ${j.status.padEnd(11)}  ${j.filesDone}/${j.filesTotal} files  ${formatBytes(j.bytesDone)}  ${j.errorCount} errors  ${j.createdAt}`,
            );
        return 0;
      }
      case 'files': {
        const files = await listAllFiles(core);
        if (json) io.out(JSON.stringify(files, null, 2));
        else
          for (const f of files)
            io.out(
              `${String(f.id).padStart(6)}  ${(f.finalTimestamp ?? f.detectedTimestamp ?? 'undated').padEnd(29)}  ${f.confidence.padEnd(6)}  ${f.discarded ? 'discarded ' : ''}${f.originalPath}${f.outputPath ? `  ->  ${f.outputPath}` : ''}${f.error ? `  [${f.error}]` : ''}`,
            );
        return 0;
      }
      case 'set-date': {
        const id = positiveInt(args[0], 'fileId');
        if (!args[1]) throw new UsageError('set-date needs a date like 2024-12-31T22:00:00 or 2024-12-31T22:00:00-05:00.');
        const f = unwrap(await core.handlers['files:set-date']({ id, timestamp: args[1] }));
        if (json) io.out(JSON.stringify(f, null, 2));
        else io.out(`File ${f.id} now dated ${f.finalTimestamp}`);
        return 0;
      }
      case 'discard':
      case 'restore': {
        const id = positiveInt(args[0], 'fileId');
        const f = unwrap(await core.handlers[command === 'discard' ? 'files:discard' : 'files:restore']({ id }));
        if (json) io.out(JSON.stringify(f, null, 2));
        else io.out(`File ${f.id} ${f.discarded ? 'discarded' : 'restored'}: ${f.originalPath}`);
        return 0;
      }
      case 'shift': {
        const done = await runShiftCommand(core, args, offsets, values, io, json);
        return 'code' in done ? done.code : fail(io, done.appError, json);
      }
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ShiftUsageError) {
      io.err(`mediaparser: ${e.message}\nRun "mediaparser --help" for usage.`);
      return 2;
    }
    const appError = (e as { appError?: AppError }).appError;
    if (appError) return fail(io, appError, json);
    throw e;
  } finally {
    await core.close();
    if (core !== local) await local.close();
  }
}

/** The serve instance holding the library, connected; null when the holder is anything else. */
async function handToServe(local: AppCore, dbPath: string, io: Io, json: boolean): Promise<CliCore | null> {
  const holder = local.access.holder;
  const token = readHolderToken(dbPath);
  if (holder?.kind !== 'serve' || !holder.url || token === null) return null;
  try {
    const remote = await connectRemoteCore(holder.url, token);
    if (!json) io.err(`This library is open in \`mediaparser serve\` at ${holder.url} (process ${holder.pid}); running the command there.`);
    return remote;
  } catch {
    return null;
  }
}

/**
 * A reader that goes away early (`mediaparser jobs | head -1`) ends the output, not the command:
 * the rest of a listing goes nowhere and a running job still finishes (or pauses on Ctrl-C)
 * instead of dying mid-write with an EPIPE stack trace. Other stream errors stay fatal.
 */
export function quietOnBrokenPipe(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

const isEntry = process.argv[1] !== undefined && /mediaparser(\.mjs)?$|main[/\\]cli[/\\]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  quietOnBrokenPipe();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error('mediaparser: internal error', e);
      process.exitCode = 70;
    },
  );
}
