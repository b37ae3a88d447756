import type { AppError } from '../../../shared/errors.js';
import type { ExportPreview } from '../../../shared/types.js';

export type Screen = 'import' | 'library' | 'export' | 'jobs' | 'settings';


export interface UiState {
  screen: Screen;
  /** Folders chosen on the Import screen, not yet imported. */
  sourceFolders: string[];
  importError: AppError | null;
  importStarting: boolean;
  exportPreview: { data: ExportPreview | null; loading: boolean; error: AppError | null };
  exportError: AppError | null;
  exportStarting: boolean;
  /** A problem that belongs to no screen (lost connection at start-up). */
  globalError: AppError | null;
  /** Whether the engine answers (serve mode can lose its server; the client reconnects by itself). */
  connection: 'online' | 'offline';
}

export const initialUiState: UiState = {
  screen: 'import',
  sourceFolders: [],
  importError: null,
  importStarting: false,
  exportPreview: { data: null, loading: false, error: null },
  exportError: null,
  exportStarting: false,
  globalError: null,
  connection: 'online',
};

/** Adds a folder once, ignoring surrounding blanks and a trailing separator. */
export function addFolder(folders: string[], raw: string): string[] {
  const trimmed = raw.trim();
  const path = trimmed.length > 1 ? trimmed.replace(/[\\/]+$/, '') || trimmed : trimmed;
  if (!path || folders.includes(path)) return folders;
  return [...folders, path];
}
