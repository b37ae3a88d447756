/**
 * Entry of /api-client.js, the classic script serve mode puts before the app's module script,
 * so `window.api` exists by the time main.tsx runs. Electron uses the preload instead.
 */
import { installBrowserApi } from './browser-client.js';

installBrowserApi();
