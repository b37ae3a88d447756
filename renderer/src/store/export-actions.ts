/** The Export screen: the preview of an export (and of a naming template being edited), and its start. */
import { api, call } from '../api/api.js';
import { newJobSummary, upsertSummary } from './jobs-slice.js';
import { getState, setSlice } from './store.js';

let previewSeq = 0;

/** `nameTemplate`: preview a naming template being edited (not saved yet). Only the latest request's answer is shown. */
export async function loadExportPreview(outputDir?: string, nameTemplate?: string): Promise<void> {
  const dir = outputDir ?? getState().settings.value?.outputDirectory ?? undefined;
  const seq = ++previewSeq;
  setSlice('ui', (ui) => ({ ...ui, exportPreview: { ...ui.exportPreview, loading: true, error: null } }));
  const result = await call(() => api().previewExport({ ...(dir ? { outputDir: dir } : {}), ...(nameTemplate !== undefined ? { nameTemplate } : {}) }));
  if (seq !== previewSeq) return;
  setSlice('ui', (ui) => ({
    ...ui,
    exportPreview: result.ok
      ? { data: result.value, loading: false, error: null }
      : { data: null, loading: false, error: result.error },
  }));
}

/** `nameTemplate`: a template edited on the Export screen, saved before the export starts. */
export async function startExport(nameTemplate?: string): Promise<void> {
  const dir = getState().settings.value?.outputDirectory ?? null;
  if (!dir) {
    setSlice('ui', (ui) => ({ ...ui, exportError: { code: 'invalid-argument', message: 'Choose an output folder first.' } }));
    return;
  }
  setSlice('ui', (ui) => ({ ...ui, exportStarting: true, exportError: null }));
  if (nameTemplate !== undefined && nameTemplate !== getState().settings.value?.nameTemplate) {
    const saved = await call(() => api().setSettings({ nameTemplate }));
    if (!saved.ok) {
      setSlice('ui', (ui) => ({ ...ui, exportStarting: false, exportError: saved.error }));
      return;
    }
    setSlice('settings', (s) => ({ ...s, value: saved.value, error: null, savedAt: Date.now() }));
  }
  const result = await call(() => api().startExport({ outputDir: dir }));
  if (!result.ok) {
    setSlice('ui', (ui) => ({ ...ui, exportStarting: false, exportError: result.error }));
    return;
  }
  const { jobId, fileCount } = result.value;
  setSlice('jobs', (j) => {
    const base = j.byId[jobId]
      ? j
      : upsertSummary(j, newJobSummary(jobId, 'export', 'queued', { outputDir: dir }, fileCount, new Date().toISOString()));
    return { ...base, current: { ...base.current, export: jobId } };
  });
  setSlice('ui', (ui) => ({ ...ui, exportStarting: false }));
}
