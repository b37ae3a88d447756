import type { Api } from '../../shared/contract.js';

declare global {
  interface Window {
    /** Installed by the preload (Electron) or the browser client (serve mode) before main.tsx runs. */
    api: Api;
    /** Set by a transport that needs time to connect; resolves once `window.api` is usable. */
    __apiReady?: Promise<unknown>;
    /** Desktop only (preload): the local path of a file or folder dropped on the window. */
    desktopFiles?: { pathForFile(file: File): string | null };
  }
}

export {};
