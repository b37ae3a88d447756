/**
 * A recording stand-in for the `electron` module, for the smoke test of the bundled main process
 * (main.smoke.test.ts) on machines without the Electron binary. Loaded with `node --require`, it
 * makes `require('electron')` return this module; the scenario in smoke-driver.cjs then plays
 * the part of Electron (ready, the page's IPC calls, dialogs, quitting) and reads what main did.
 * It implements only what main/desktop uses; an unexpected call fails loudly.
 */
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { existsSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const record = {
  readyEmitted: false,
  privilegedSchemes: null,
  privilegedBeforeReady: null,
  singleInstanceLock: false,
  userDataPath: null,
  windows: [],
  ipcHandlers: new Map(),
  sent: [],
  trayTooltips: [],
  trayMenus: [],
  progressBars: [],
  notifications: [],
  protocolHandlers: new Map(),
  headersListener: null,
  permissionRequestHandler: null,
  openDialogs: [],
  messageBoxes: [],
  /** What dialog.showMessageBox answers, in order; defaults to the cancel button. */
  messageBoxAnswers: [],
  errorBoxes: [],
  shell: [],
  quitEvents: [],
  exitCode: null,
};

let readyResolve;
const readyPromise = new Promise((resolve) => {
  readyResolve = resolve;
});

class FakeApp extends EventEmitter {
  constructor() {
    super();
    this.paths = { userData: '/nonexistent-user-data', logs: '/nonexistent-logs' };
    this.quitting = false;
  }
  setPath(name, value) {
    this.paths[name] = value;
    if (name === 'userData') record.userDataPath = value;
  }
  getPath(name) {
    if (!(name in this.paths)) throw new Error(`fake app.getPath(${name}) not configured`);
    return this.paths[name];
  }
  requestSingleInstanceLock() {
    record.singleInstanceLock = true;
    return true;
  }
  setAppUserModelId() {}
  whenReady() {
    return readyPromise;
  }
  isReady() {
    return record.readyEmitted;
  }
  /** Electron: before-quit (cancellable), then will-quit and quit; the process then ends. */
  quit() {
    const event = makeEvent({});
    record.quitEvents.push('before-quit');
    this.emit('before-quit', event);
    if (event.defaultPrevented) {
      record.quitEvents.push('prevented');
      return;
    }
    record.quitEvents.push('quit');
    this.emit('will-quit', makeEvent({}));
    this.emit('quit', makeEvent({}), 0);
    process.emit('fake-electron-quit', 0);
  }
  exit(code = 0) {
    record.exitCode = code;
    record.quitEvents.push(`exit ${code}`);
    process.emit('fake-electron-quit', code);
  }
}

function makeEvent(params) {
  const event = {
    ...params,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  constructor() {
    super();
    this.url = '';
    this.destroyed = false;
    this.windowOpenHandler = null;
    this.mainFrame = { url: '', parent: null };
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, payload) {
    record.sent.push({ channel, payload });
    this.emit('fake-sent', channel, payload);
  }
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
}

class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows() {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  constructor(options) {
    super();
    this.options = options;
    this.destroyed = false;
    this.visible = false;
    this.webContents = new FakeWebContents();
    this.snapshot = {
      options: JSON.parse(JSON.stringify({ ...options, icon: undefined })),
      preloadExists: existsSync(options.webPreferences.preload),
      dbExisted: existsSync(require('node:path').join(app.getPath('userData'), 'mediaparser.db')),
    };
    record.windows.push(this.snapshot);
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', makeEvent({}), this.webContents);
    app.emit('browser-window-created', makeEvent({}), this);
  }
  loadFile(file) {
    this.webContents.url = pathToFileURL(file).href;
    this.webContents.mainFrame.url = this.webContents.url;
    this.snapshot.loadedFile = file;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  isVisible() {
    return this.visible;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  setProgressBar(progress, options) {
    record.progressBars.push({ progress, mode: options ? options.mode : undefined });
  }
}

const ipcMain = {
  handle(channel, handler) {
    if (record.ipcHandlers.has(channel)) throw new Error(`ipcMain.handle: ${channel} registered twice`);
    record.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel) {
    record.ipcHandlers.delete(channel);
  },
};

const dialog = {
  async showOpenDialog(...args) {
    record.openDialogs.push(args[args.length - 1]);
    return { canceled: true, filePaths: [] };
  },
  async showMessageBox(...args) {
    const options = args[args.length - 1];
    record.messageBoxes.push({ message: options.message, detail: options.detail, buttons: options.buttons });
    const answer = record.messageBoxAnswers.length > 0 ? record.messageBoxAnswers.shift() : options.cancelId ?? 0;
    return { response: answer, checkboxChecked: false };
  },
  showErrorBox(title, content) {
    record.errorBoxes.push({ title, content });
  },
};

class FakeImage {
  constructor(path) {
    this.path = path;
  }
  isEmpty() {
    return !existsSync(this.path);
  }
  resize() {
    return this;
  }
}

const nativeImage = { createFromPath: (path) => new FakeImage(path) };

class Menu {
  static buildFromTemplate(template) {
    const menu = new Menu();
    menu.items = template;
    return menu;
  }
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    if (image.isEmpty()) throw new Error('fake Tray: empty image');
    this.destroyed = false;
    this.menu = null;
    record.tray = this;
  }
  setToolTip(text) {
    if (record.trayTooltips[record.trayTooltips.length - 1] !== text) record.trayTooltips.push(text);
  }
  setContextMenu(menu) {
    this.menu = menu;
    record.trayMenus.push(menu.items.filter((i) => i.type !== 'separator').map((i) => ({ id: i.id, label: i.label, enabled: i.enabled })));
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    record.notifications.push({ title: this.options.title, body: this.options.body });
  }
}

const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record.privilegedSchemes = schemes;
    record.privilegedBeforeReady = !record.readyEmitted;
  },
  handle(scheme, handler) {
    if (!record.readyEmitted) throw new Error('protocol.handle called before ready');
    record.protocolHandlers.set(scheme, handler);
  },
};

const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(listener) {
        record.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler) {
      record.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler) {
      record.permissionCheckHandler = handler;
    },
  },
};

const shell = {
  async openPath(path) {
    record.shell.push(`openPath ${path}`);
    return '';
  },
  showItemInFolder(path) {
    record.shell.push(`showItemInFolder ${path}`);
  },
  async openExternal(url) {
    record.shell.push(`openExternal ${url}`);
  },
};

const nativeTheme = { shouldUseDarkColors: false };

const fake = {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  /** Test-side controls, not part of Electron. */
  __fake: {
    record,
    emitReady() {
      record.readyEmitted = true;
      app.emit('ready');
      readyResolve();
    },
  },
};

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveElectron(request, ...rest) {
  if (request === 'electron') return __filename;
  return originalResolve.call(this, request, ...rest);
};

module.exports = fake;
