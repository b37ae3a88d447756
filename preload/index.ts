/**
 * The preload: exposes `window.api` (built from the contract) and `window.desktopFiles` (paths of
 * dropped folders), nothing else. Runs sandboxed, bundled to dist/preload/index.cjs by
 * scripts/build-main.mjs.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildApi, buildDesktopFiles, ipcInvoker, ipcSubscriber } from './build-api.js';

contextBridge.exposeInMainWorld('api', buildApi(ipcInvoker(ipcRenderer), ipcSubscriber(ipcRenderer)));
contextBridge.exposeInMainWorld('desktopFiles', buildDesktopFiles((file) => webUtils.getPathForFile(file)));
