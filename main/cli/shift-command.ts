/**
 * `mediaparser shift`: camera clock correction from the command line, through the same
 * `dates:shift-*` handlers as the UI (see shared/date-shift.ts for the rules).
 */
import { resolve } from 'node:path';
import type { ShiftChange, ShiftPreview, ShiftTarget } from '../../shared/date-shift.js';
import type { AppError, Result } from '../../shared/errors.js';
import type { CliCore } from './remote-core.js';

export interface ShiftOptions {
  file?: string[] | undefined;
  camera?: string | undefined;
  folder?: string | undefined;
  job?: string | undefined;
  to?: string | undefined;
  undo?: string | undefined;
  'dry-run'?: boolean | undefined;
  list?: boolean | undefined;
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export class ShiftUsageError extends Error {}

/** Offsets begin with a sign, which the option parser would take for short options (`-8h` -> `-8 -h`). */
const SIGNED_OFFSET = /^-\d[\d:dhms\s]*$/i;

/**
 * For `shift`: takes negative offsets out of argv before the option parser sees them, returning
 * the remaining arguments and the offset parts taken.
 */
export function extractSignedOffsets(argv: string[]): { argv: string[]; offsets: string[] } {
  if (!argv.includes('shift')) return { argv, offsets: [] };
  const offsets: string[] = [];
  const rest: string[] = [];
  for (const a of argv) (SIGNED_OFFSET.test(a) ? offsets : rest).push(a);
  return { argv: rest, offsets };
}

const USAGE = 'shift needs an offset (+1h, -8h, +1d 2h 3m) or --to <date>, and the files: --file ID…, --camera MODEL, --folder DIR or --job ID.';

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new ShiftUsageError(`${what} must be a positive whole number (got "${text}").`);
  return n;
}

/** Runs the command; `appError` carries an expected failure for the caller to print. */
export async function runShiftCommand(
  core: CliCore,
  positionals: string[],
  offsets: string[],
  opts: ShiftOptions,
  io: Io,
  json: boolean,
): Promise<{ code: number } | { appError: AppError }> {
  const unwrap = <T>(r: Result<T>): T => {
    if (!r.ok) throw Object.assign(new Error(r.error.message), { appError: r.error });
    return r.value;
  };
  try {
    if (opts.list) {
      const shifts = unwrap(await core.handlers['dates:shift-list']({ limit: 1000 }));
      if (json) io.out(JSON.stringify(shifts, null, 2));
      else if (shifts.length === 0) io.out('No clock corrections yet.');
      else
        for (const s of shifts)
          io.out(`${String(s.id).padStart(5)}  ${s.delta.padEnd(12)}  ${String(s.fileCount).padStart(6)} files  ${s.createdAt}${s.undoneAt ? `  undone ${s.undoneAt}` : ''}  ${s.description}`);
      return { code: 0 };
    }
    if (opts.undo !== undefined) {
      const undone = unwrap(await core.handlers['dates:shift-undo']({ shiftId: positiveInt(opts.undo, '--undo') }));
      if (json) io.out(JSON.stringify(undone, null, 2));
      else {
        io.out(`Clock correction ${undone.shiftId} undone: ${undone.restored} files back at their earlier time.`);
        if (undone.changedSince > 0) io.out(`  ${undone.changedSince} files were changed again since and keep their newer time.`);
      }
      return { code: 0 };
    }

    // Bare whole numbers after --file are more file ids (`--file 3 4 5`); the rest is the offset.
    const ids = (opts.file ?? []).flatMap((f) => f.split(',')).filter((f) => f.trim() !== '').map((f) => positiveInt(f.trim(), '--file'));
    const offsetParts = [...offsets];
    for (const p of positionals) {
      if (/^\d+$/.test(p) && opts.file !== undefined) ids.push(positiveInt(p, '--file'));
      else offsetParts.push(p);
    }
    const jobId = opts.job !== undefined ? positiveInt(opts.job, '--job') : undefined;

    let change: ShiftChange;
    if (opts.to !== undefined) {
      if (offsetParts.length > 0) throw new ShiftUsageError('Give either an offset or --to, not both.');
      if (ids.length === 0) throw new ShiftUsageError('--to needs --file ID: the photo whose real time you know.');
      change = { kind: 'actual', fileId: ids[0]!, timestamp: opts.to };
    } else {
      if (offsetParts.length === 0) throw new ShiftUsageError(USAGE);
      change = { kind: 'offset', offset: offsetParts.join(' ') };
    }

    let target: ShiftTarget;
    const chosen = [opts.camera !== undefined, opts.folder !== undefined, ids.length > 0 && opts.to === undefined].filter(Boolean).length;
    if (chosen > 1) throw new ShiftUsageError('Choose the files one way: --file, --camera or --folder.');
    if (opts.camera !== undefined) target = { kind: 'camera', model: opts.camera, ...(jobId !== undefined ? { jobId } : {}) };
    else if (opts.folder !== undefined) target = { kind: 'folder', folder: resolve(opts.folder) };
    else if (opts.to !== undefined && jobId !== undefined) target = { kind: 'job', jobId };
    else if (opts.to !== undefined && ids.length === 1) target = { kind: 'session', fileId: ids[0]! };
    else if (ids.length > 0) target = { kind: 'files', ids };
    else if (jobId !== undefined) target = { kind: 'job', jobId };
    else throw new ShiftUsageError(USAGE);

    const request = { target, change };
    if (opts['dry-run']) {
      const preview = unwrap(await core.handlers['dates:shift-preview'](request));
      if (json) io.out(JSON.stringify({ dryRun: true, ...preview }, null, 2));
      else {
        printPreview(preview, io);
        io.out('Dry run: nothing was changed.');
      }
      return { code: 0 };
    }
    const applied = unwrap(await core.handlers['dates:shift-apply'](request));
    if (json) io.out(JSON.stringify(applied, null, 2));
    else {
      printPreview(applied, io);
      io.out(`Applied as clock correction ${applied.shiftId} (${applied.updated} files). Undo with: mediaparser shift --undo ${applied.shiftId}`);
    }
    return { code: 0 };
  } catch (e) {
    const appError = (e as { appError?: AppError }).appError;
    if (appError) return { appError };
    throw e;
  }
}

function printPreview(p: ShiftPreview, io: Io): void {
  io.out(`Clock correction ${p.delta} for ${p.description}: ${p.total} files`);
  for (const i of p.items) io.out(`  ${String(i.id).padStart(6)}  ${i.before}  ->  ${i.after}   ${i.beforeName}  ->  ${i.afterName}`);
  if (p.total > p.items.length) io.out(`  … and ${p.total - p.items.length} more`);
  if (p.undated > 0) io.out(`  ${p.undated} files have no date and stay as they are.`);
  if (p.outOfRange > 0) io.out(`  ${p.outOfRange} files would leave the calendar and stay as they are.`);
}
