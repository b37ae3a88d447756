/** The connection to the server (serve mode): lost, then back, when everything is asked again. */
import { loadJobs } from './job-actions.js';
import { loadTags, reloadLibrary } from './library-actions.js';
import { loadAppInfo, loadSettings } from './settings-actions.js';
import { getState, setSlice } from './store.js';

/**
 * The server went away or came back. Back online, everything is asked again: the server may have
 * restarted (a paused job is offered again, the library may have changed meanwhile).
 */
export function connectionChanged(online: boolean): void {
  const was = getState().ui.connection;
  setSlice('ui', (ui) => ({ ...ui, connection: online ? 'online' : 'offline' }));
  if (online && was === 'offline') {
    void loadAppInfo();
    void loadSettings();
    void loadJobs();
    void loadTags();
    reloadLibrary();
  }
}
