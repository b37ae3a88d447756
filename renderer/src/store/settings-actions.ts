/**
 * App info and settings, and the host's folder dialog and file manager. Plain functions (as every
 * *-actions module): each branches on `result.ok` and keeps the AppError.
 */
import type { AppError } from '../../../shared/errors.js';
import type { Settings } from '../../../shared/types.js';
import { api, call } from '../api/api.js';
import { isFinishedStatus } from './jobs-slice.js';
import { setSlice } from './store.js';

export async function loadAppInfo(): Promise<void> {
  const result = await call(() => api().getAppInfo({}));
  if (result.ok) setSlice('settings', (s) => ({ ...s, app: result.value }));
  else setSlice('ui', (ui) => ({ ...ui, globalError: result.error }));
}

export async function loadSettings(): Promise<void> {
  const result = await call(() => api().getSettings({}));
  setSlice('settings', (s) => (result.ok ? { ...s, value: result.value, error: null } : { ...s, error: result.error }));
}

export async function saveSettings(patch: Partial<Settings>): Promise<boolean> {
  setSlice('settings', (s) => ({ ...s, saving: true, error: null }));
  const result = await call(() => api().setSettings(patch));
  setSlice('settings', (s) =>
    result.ok
      ? { ...s, value: result.value, saving: false, error: null, savedAt: Date.now() }
      : { ...s, saving: false, error: result.error },
  );
  if (result.ok && patch.outputDirectory !== undefined) {
    // The preview describes a folder; a new folder makes the old numbers wrong.
    setSlice('ui', (ui) => ({ ...ui, exportPreview: { data: null, loading: false, error: null }, exportError: null }));
    // So does a failed or cancelled export into another folder: its panel (and Resume) belong there.
    setSlice('jobs', (j) => {
      const id = j.current.export;
      const job = id === null ? undefined : j.byId[id];
      if (!job || !isFinishedStatus(job.status) || job.outputDir === patch.outputDirectory) return j;
      return { ...j, current: { ...j.current, export: null } };
    });
  }
  return result.ok;
}

/** The native folder dialog; null when the user closed it or it failed (error kept in `onError`). */
export async function pickFolders(purpose: 'source' | 'output', multiple: boolean): Promise<{ paths: string[] } | { error: AppError }> {
  const result = await call(() => api().pickFolder({ purpose, multiple }));
  return result.ok ? { paths: result.value.paths } : { error: result.error };
}

export async function showPath(path: string): Promise<AppError | null> {
  const result = await call(() => api().showPath({ path }));
  return result.ok ? null : result.error;
}
