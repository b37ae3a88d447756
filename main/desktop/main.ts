/**
 * The Electron main process: lifecycle, the window and its security, tray, taskbar progress,
 * notifications and native dialogs around one AppCore. Every decision lives in a tested plain
 * module (security, tray-model, host, thumb-protocol, ipc-dispatch); this file only wires them.
 * Bundled to dist/desktop/main.cjs by scripts/build-main.mjs, so `__dirname` is dist/desktop.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  type MenuItemConstructorOptions,
  type NativeImage,
  type WebContents,
} from 'electron';
import { ok } from '../../shared/errors.js';
import { createAppCore, libraryBusyMessage, type AppCore, type HostServices } from '../library/app-core.js';
import { e2ePickedPaths, formatLogEntry, openDialogOptions, resolveDesktopPaths, resumePrompt, showPath } from './host.js';
import { bindIpc, forwardEvents } from './ipc.js';
import { APP_SCHEME, isTrustedSender, navigationDecision, THUMBNAIL_URL_TEMPLATE, windowOpenDecision, withCsp } from './security.js';
import { thumbnailResponse } from './thumb-protocol.js';
import { MEDIA_URL_TEMPLATE, mediaResponse, parseMediaUrl } from './media-protocol.js';
import {
  jobViewFromSummary,
  notificationFor,
  pauseResumeAction,
  progressBarState,
  reduceJobView,
  shouldRebuildMenu,
  trayMenuModel,
  trayTooltip,
  type JobView,
  type TrayItemId,
  type TrayMenuItem,
} from './tray-model.js';

const DIST = join(__dirname, '..');
const RENDERER_INDEX = join(DIST, 'renderer', 'index.html');
const PAGE_URL = pathToFileURL(RENDERER_INDEX).href;
const PRELOAD = join(DIST, 'preload', 'index.cjs');
const ICON = join(__dirname, 'icon.png');
/** A worker stuck in a system call must not keep the app from quitting; the job is then marked interrupted at next start. */
const QUIT_TIMEOUT_MS = 15_000;

// A standard, secure scheme may be used by <img> under the CSP and by fetch; must be declared before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

// Portable mode and isolated test runs: the lock and the database follow the user-data folder.
if (process.env.MEDIAPARSER_USER_DATA) app.setPath('userData', process.env.MEDIAPARSER_USER_DATA);

let core: AppCore | null = null;
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let jobView: JobView | null = null;
let lastMenu: TrayMenuItem[] | null = null;
let lastMenuAt = 0;
let quitState: 'running' | 'stopping' | 'done' = 'running';

function logError(message: string, error: unknown): void {
  console.error(`[desktop] ${message}`, error ?? '');
  const entry = formatLogEntry(message, error, new Date());
  const dir = app.getPath('logs');
  void mkdir(dir, { recursive: true })
    .then(() => appendFile(join(dir, 'main.log'), entry))
    .catch(() => undefined);
}

function ourWebContents(): WebContents | null {
  return mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow.webContents : null;
}

function showWindow(): void {
  // Before the database is open (a second launch during start-up) there is nothing to show yet.
  if (core === null) return;
  if (mainWindow === null || mainWindow.isDestroyed()) {
    createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

const host: HostServices = {
  transport: 'ipc',
  nativeDialogs: true,
  thumbnailUrl: THUMBNAIL_URL_TEMPLATE,
  mediaUrl: MEDIA_URL_TEMPLATE,
  async pickFolder({ purpose, multiple }) {
    const stubbed = e2ePickedPaths(process.env, purpose);
    if (stubbed !== null) return ok({ paths: stubbed });
    let current: string | null = null;
    if (purpose === 'output' && core !== null) {
      const settings = await core.handlers['settings:get']({});
      if (settings.ok) current = settings.value.outputDirectory;
    }
    const options = openDialogOptions(purpose, multiple, current);
    const parent = mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null;
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return ok({ paths: result.canceled ? [] : result.filePaths });
  },
  showPath: (path) =>
    showPath(path, {
      revealItem: (p) => shell.showItemInFolder(p),
    }),
};

/** Applied to every web contents the app ever creates, not just the main window's. */
function harden(contents: WebContents): void {
  contents.on('will-frame-navigate', (event) => {
    if (navigationDecision(event.url, PAGE_URL) === 'deny') {
      event.preventDefault();
      logError(`Blocked navigation to ${event.url}`, null);
    }
  });
  contents.on('will-redirect', (event) => {
    if (navigationDecision(event.url, PAGE_URL) === 'deny') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
}

function createWindow(): void {
  const icon = nativeImage.createFromPath(ICON);
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 820,
    minHeight: 560,
    show: false,
    title: 'MediaParser',
    autoHideMenuBar: true,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1d1f23' : '#ffffff',
    ...(icon.isEmpty() ? {} : { icon }),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const win = mainWindow;
  win.once('ready-to-show', () => {
    win.show();
    renderJobState(true);
    void offerResume(win);
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    logError(`Renderer process gone: ${details.reason} (exit code ${details.exitCode})`, null);
  });
  win.loadFile(RENDERER_INDEX).catch((error: unknown) => {
    // Show the window anyway: a blank window with a logged error beats an app running invisibly.
    logError('Could not load the window', error);
    if (!win.isDestroyed() && !win.isVisible()) win.show();
  });
}

let offeredResume = false;

/** Once per start: quitting during a job paused it, so offer to carry on. */
async function offerResume(win: BrowserWindow): Promise<void> {
  if (offeredResume || core === null) return;
  offeredResume = true;
  // The paused jobs belong to the process holding the library.
  if (core.access.mode !== 'writer') return;
  const prompt = resumePrompt(core.listResumable());
  if (prompt === null) return;
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    title: 'Resume?',
    message: prompt.message,
    detail: prompt.detail,
    buttons: prompt.buttons,
    defaultId: prompt.defaultId,
    cancelId: prompt.cancelId,
    noLink: true,
  });
  if (response !== prompt.defaultId || core === null) return;
  const resumed = await core.handlers['jobs:resume']({ id: prompt.jobId });
  if (!resumed.ok) await dialog.showMessageBox(win, { type: 'error', message: resumed.error.message, buttons: ['OK'] });
}

function trayIcon(): NativeImage | null {
  const image = nativeImage.createFromPath(ICON);
  if (image.isEmpty()) return null;
  const size = process.platform === 'linux' ? 24 : 16;
  return image.resize({ width: size, height: size, quality: 'best' });
}

async function confirmCancel(view: JobView): Promise<boolean> {
  const kind = view.type === 'import' ? 'import' : 'export';
  const options = {
    type: 'warning' as const,
    message: `Cancel the ${kind}?`,
    detail:
      kind === 'export'
        ? 'Files already copied stay in the output folder. You can resume the export later.'
        : 'Files already read stay in the library. You can resume the import later.',
    buttons: [`Cancel ${kind}`, `Keep going`],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
  const parent = mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null;
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === 0;
}

async function onTrayItem(id: TrayItemId): Promise<void> {
  const view = jobView;
  switch (id) {
    case 'status':
    case 'show':
      showWindow();
      return;
    case 'pause-resume': {
      if (core === null || view === null) return;
      const action = pauseResumeAction(view);
      if (action === null) return;
      const channel = action === 'pause' ? 'jobs:pause' : 'jobs:resume';
      const result = await core.handlers[channel]({ id: view.jobId });
      if (!result.ok) logError(`Tray ${action} failed: ${result.error.message}`, null);
      return;
    }
    case 'cancel': {
      if (core === null || view === null || !(await confirmCancel(view))) return;
      const result = await core.handlers['jobs:cancel']({ id: view.jobId });
      if (!result.ok) logError(`Tray cancel failed: ${result.error.message}`, null);
      return;
    }
    case 'quit':
      app.quit();
      return;
    default: {
      const never: never = id;
      logError(`Unknown tray item ${String(never)}`, null);
    }
  }
}

function buildTrayMenu(items: TrayMenuItem[]): Menu {
  const template: MenuItemConstructorOptions[] = [];
  for (const item of items) {
    if (item.id === 'show' || item.id === 'quit') template.push({ type: 'separator' });
    template.push({
      id: item.id,
      label: item.label,
      enabled: item.enabled,
      click: () => void onTrayItem(item.id).catch((error: unknown) => logError(`Tray ${item.id} failed`, error)),
    });
  }
  return Menu.buildFromTemplate(template);
}

function createTray(): void {
  const icon = trayIcon();
  if (icon === null) {
    logError(`No tray icon at ${ICON}; running without a tray`, null);
    return;
  }
  try {
    tray = new Tray(icon);
  } catch (error) {
    // Some Linux desktops have no status area; the window still shows progress.
    logError('Could not create the tray icon', error);
    return;
  }
  tray.on('click', () => showWindow());
  renderJobState(true);
}

/** Pushes the current job view to the tray, the taskbar progress bar. */
function renderJobState(force = false): void {
  if (tray !== null && !tray.isDestroyed()) {
    tray.setToolTip(trayTooltip(jobView));
    const model = trayMenuModel(jobView);
    const now = Date.now();
    if (force || shouldRebuildMenu(lastMenu, model, now - lastMenuAt)) {
      tray.setContextMenu(buildTrayMenu(model));
      lastMenu = model;
      lastMenuAt = now;
    }
  }
  if (mainWindow !== null && !mainWindow.isDestroyed()) {
    const bar = progressBarState(jobView);
    mainWindow.setProgressBar(bar.progress, { mode: bar.mode });
  }
}

function notify(title: string, body: string): void {
  if (!Notification.isSupported()) return;
  const icon = nativeImage.createFromPath(ICON);
  const notification = new Notification({ title, body, ...(icon.isEmpty() ? {} : { icon }) });
  notification.on('click', () => showWindow());
  notification.show();
}

function installSessionPolicy(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame') {
      callback({ responseHeaders: withCsp(details.responseHeaders) });
    } else {
      callback({});
    }
  });
  // The page needs no camera, location, notifications (main shows those) or anything else.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, (request) => {
    const appCore = core;
    if (appCore === null) return new Response('MediaParser is not ready.', { status: 503 });
    if (parseMediaUrl(request.url) !== null) return mediaResponse(request.url, request.headers.get('range'), (id) => appCore.originals.get(id));
    return thumbnailResponse(request.url, (id, size) => appCore.thumbnails.get(id, size));
  });
}

async function ready(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('org.mediaparser.app');
  if (!existsSync(RENDERER_INDEX)) {
    dialog.showErrorBox('MediaParser cannot start', `The window files are missing:\n${RENDERER_INDEX}\n\nRun "npm run build" first.`);
    app.quit();
    return;
  }
  const paths = resolveDesktopPaths(process.env, app.getPath('userData'));
  try {
    // Opens the database and applies every migration before any window exists.
    core = createAppCore({
      dbPath: paths.dbPath,
      host,
      workerDir: join(DIST, 'workers'),
      migrationsFolder: join(DIST, 'migrations'),
      thumbnailCacheDir: paths.thumbnailCacheDir,
      writer: { kind: 'desktop', command: 'MediaParser desktop app' },
    });
  } catch (error) {
    logError(`Could not open the database ${paths.dbPath}`, error);
    dialog.showErrorBox(
      'MediaParser cannot start',
      `The library database could not be opened:\n${paths.dbPath}\n\n${error instanceof Error ? error.message : String(error)}`,
    );
    quitState = 'done';
    app.exit(1);
    return;
  }
  const appCore = core;
  installSessionPolicy();
  bindIpc({
    handlers: appCore.handlers,
    isTrusted: (url) => isTrustedSender(url, PAGE_URL),
    logError,
    webContents: ourWebContents,
  });
  forwardEvents((listener) => appCore.subscribe(listener), ourWebContents);
  const active = appCore.runner.activeJob();
  jobView = active ? jobViewFromSummary(active) : null;
  appCore.subscribe((event) => {
    if (event.channel === 'verify:progress' || event.channel === 'verify:finished') return;
    jobView = reduceJobView(jobView, event);
    const statusChanged = event.channel !== 'job:progress';
    renderJobState(statusChanged);
    if (event.channel === 'job:finished') {
      const message = notificationFor(event.payload);
      if (message !== null) notify(message.title, message.body);
    }
  });
  createWindow();
  createTray();
  if (appCore.access.mode !== 'writer') {
    // The window still shows the library; changes are refused (naming the holder) until it quits.
    void dialog.showMessageBox({
      type: 'warning',
      title: 'Library in use',
      message: 'MediaParser opened this library read-only.',
      detail: libraryBusyMessage(appCore.access.holder),
      buttons: ['OK'],
      noLink: true,
    });
  }
}

async function shutdown(): Promise<void> {
  const appCore = core;
  if (appCore === null) return;
  const stop = async () => {
    try {
      await appCore.pauseRunningJobForQuit();
    } catch (error) {
      logError('Pausing the running job for quit failed', error);
    }
    await appCore.close();
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), QUIT_TIMEOUT_MS);
  });
  const outcome = await Promise.race([stop().then(() => 'stopped' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') logError(`The running job did not pause within ${QUIT_TIMEOUT_MS / 1000} s; quitting anyway`, null);
  core = null;
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core !== null) showWindow();
  });
  app.on('before-quit', (event) => {
    if (quitState === 'done') return;
    event.preventDefault();
    if (quitState === 'stopping') return;
    quitState = 'stopping';
    void shutdown()
      .catch((error: unknown) => logError('Shutdown failed', error))
      .finally(() => {
        quitState = 'done';
        tray?.destroy();
        app.quit();
      });
  });
  app
    .whenReady()
    .then(ready)
    .catch((error: unknown) => {
      logError('Start-up failed', error);
      dialog.showErrorBox('MediaParser cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}

main();
