/**
 * The desktop host's decisions that need no Electron: where the data lives, what the folder
 * dialogs ask, the start-up resume offer, and how "Show in folder" reveals a path.
 */
import { stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { err, ok, type Result } from '../../shared/errors.js';
import type { JobSummary } from '../../shared/types.js';
import { formatCount } from '../../shared/format.js';

export const DB_FILE_NAME = 'mediaparser.db';

/** The database (MEDIAPARSER_DB wins) and its thumbnail cache, which belongs to one database. */
export function resolveDesktopPaths(
  env: Record<string, string | undefined>,
  userDataDir: string,
): { dbPath: string; thumbnailCacheDir: string } {
  const custom = env.MEDIAPARSER_DB?.trim();
  if (custom) return { dbPath: custom, thumbnailCacheDir: `${custom}-thumbnails` };
  return { dbPath: join(userDataDir, DB_FILE_NAME), thumbnailCacheDir: join(userDataDir, 'thumbnails') };
}

/**
 * End-to-end tests cannot click a native dialog, so with MEDIAPARSER_E2E=1 the picker answers
 * from MEDIAPARSER_E2E_PICK_SOURCE / _OUTPUT (absolute paths, joined with the OS path delimiter).
 * Without the flag these variables are ignored, so a stray variable never bypasses the dialog.
 */
export function e2ePickedPaths(
  env: Record<string, string | undefined>,
  purpose: 'source' | 'output',
): string[] | null {
  if (env.MEDIAPARSER_E2E !== '1') return null;
  const raw = purpose === 'source' ? env.MEDIAPARSER_E2E_PICK_SOURCE : env.MEDIAPARSER_E2E_PICK_OUTPUT;
  if (raw === undefined) return null;
  return raw
    .split(delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '' && isAbsolute(p));
}

export type OpenDialogProperty = 'openDirectory' | 'multiSelections' | 'createDirectory' | 'dontAddToRecent';

/** Options for dialog.showOpenDialog. */
export function openDialogOptions(
  purpose: 'source' | 'output',
  multiple: boolean,
  defaultPath: string | null,
): { title: string; buttonLabel: string; properties: OpenDialogProperty[]; defaultPath?: string } {
  const base =
    purpose === 'source'
      ? {
          title: multiple ? 'Choose the folders with your photos and videos' : 'Choose a folder with photos and videos',
          buttonLabel: multiple ? 'Use these folders' : 'Use this folder',
          properties: ['openDirectory', ...(multiple ? (['multiSelections'] as const) : []), 'dontAddToRecent'] as OpenDialogProperty[],
        }
      : {
          title: 'Choose where the organised copies go',
          buttonLabel: 'Export here',
          // The output folder is often new; source folders must already exist.
          properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'] as OpenDialogProperty[],
        };
  return defaultPath ? { ...base, defaultPath } : base;
}

export interface ResumePrompt {
  jobId: number;
  message: string;
  detail: string;
  buttons: [string, string];
  defaultId: 0;
  cancelId: 1;
}

/**
 * The start-up offer to resume the most recent unfinished job. Older ones stay in Jobs, where
 * the user can resume them too; asking about each one at start-up would be a wall of dialogs.
 */
export function resumePrompt(jobs: JobSummary[]): ResumePrompt | null {
  if (jobs.length === 0) return null;
  const job = jobs.reduce((a, b) => (b.id > a.id ? b : a));
  const kind = job.type === 'import' ? 'import' : 'export';
  const how = job.status === 'paused' ? 'was paused' : 'was interrupted';
  const where =
    job.filesTotal > 0 ? ` after ${formatCount(job.filesDone)} of ${formatCount(job.filesTotal)} files` : '';
  const others = jobs.length - 1;
  const detail =
    (kind === 'export'
      ? 'Files already copied are kept; resuming continues with the rest.'
      : 'Files already read are kept; resuming continues with the rest.') +
    (others > 0 ? ` ${others === 1 ? 'One more job is' : `${others} more jobs are`} waiting in Jobs.` : '');
  return {
    jobId: job.id,
    message: `Your last ${kind} ${how}${where}. Resume it now?`,
    detail,
    buttons: ['Resume', 'Not now'],
    defaultId: 0,
    cancelId: 1,
  };
}

export interface ShowPathDeps {
  /** Selects the item in its parent folder in the file manager (shell.showItemInFolder). */
  revealItem(path: string): void;
}

/**
 * "Show in folder": the file or folder is selected in its parent folder, never opened. Opening a
 * folder (shell.openPath) would launch an .app bundle on macOS, which is a folder, so a
 * compromised page could start a program with it. The core has already checked that the path
 * lies inside a known place (known-places.ts).
 */
export async function showPath(path: string, deps: ShowPathDeps): Promise<Result<{ shown: boolean }>> {
  if (!isAbsolute(path)) return err('invalid-argument', 'Only a full path can be shown.', path);
  try {
    await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return err('not-found', 'That file or folder no longer exists.', path);
    if (code === 'EACCES' || code === 'EPERM') return err('permission-denied', 'MediaParser may not look at that location.', path);
    return err('io', 'That location could not be read.', `${code ?? ''} ${path}`.trim());
  }
  deps.revealItem(path);
  return ok({ shown: true });
}

/** One log-file entry: time, message, and the error's stack (or value) indented below it. */
export function formatLogEntry(message: string, error: unknown, at: Date): string {
  const head = `[${at.toISOString()}] ${message}`;
  if (error === null || error === undefined) return `${head}\n`;
  const body = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `${head}\n${body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;
}
