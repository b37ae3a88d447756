/** What the user is doing on screen and has not sent yet: the screen shown, the folders to import. */
import type { AppError } from '../../../shared/errors.js';
import { addFolder, type Screen } from './ui-slice.js';
import { setSlice } from './store.js';

export function navigate(screen: Screen): void {
  setSlice('ui', (ui) => (ui.screen === screen ? ui : { ...ui, screen }));
}

export function addSourceFolders(paths: string[]): void {
  setSlice('ui', (ui) => {
    let folders = ui.sourceFolders;
    for (const p of paths) folders = addFolder(folders, p);
    return folders === ui.sourceFolders ? ui : { ...ui, sourceFolders: folders, importError: null };
  });
}

export function removeSourceFolder(path: string): void {
  setSlice('ui', (ui) => ({ ...ui, sourceFolders: ui.sourceFolders.filter((f) => f !== path) }));
}

export function setImportError(error: AppError | null): void {
  setSlice('ui', (ui) => ({ ...ui, importError: error }));
}
