import type { AppError } from '../../../shared/errors.js';
import type { Settings } from '../../../shared/types.js';

export interface AppInfo {
  version: string;
  nativeDialogs: boolean;
  transport: 'ipc' | 'http';
  dbPath: string;
  thumbnailUrl: string;
}

export interface SettingsState {
  value: Settings | null;
  app: AppInfo | null;
  error: AppError | null;
  saving: boolean;
  /** Shown briefly after a save so the user knows it stuck. */
  savedAt: number | null;
}

export const initialSettingsState: SettingsState = { value: null, app: null, error: null, saving: false, savedAt: null };

/** Fills the thumbnail template main gave us; '' when it has not told us yet. */
export function thumbnailSrc(app: AppInfo | null, id: number, size: 'small' | 'large'): string {
  if (!app) return '';
  return app.thumbnailUrl.replaceAll('{id}', String(id)).replaceAll('{size}', size);
}
