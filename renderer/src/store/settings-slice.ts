import type { AppError } from '../../../shared/errors.js';
import type { Settings } from '../../../shared/types.js';

export interface AppInfo {
  version: string;
  nativeDialogs: boolean;
  transport: 'ipc' | 'http';
  dbPath: string;
  thumbnailUrl: string;
  /** `{id}` template to play an original; null or absent where the host has none. */
  mediaUrl?: string | null;
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

/** Fills the media template (a video to play in the details); '' when there is none. */
export function mediaSrc(app: AppInfo | null, id: number): string {
  if (!app?.mediaUrl) return '';
  return app.mediaUrl.replaceAll('{id}', String(id));
}
