/**
 * Runs the bundled main process (argv[2]) against fake-electron.cjs and plays one scenario,
 * chosen by SMOKE_SCENARIO: `first-run` (import, review, export paused, quit) or `restart`
 * (the resume offer, accepted, and the export finishing). Prints one line
 * `SMOKE-REPORT <json>` for main.smoke.test.ts and exits. Waits only on events, never on timers.
 */
'use strict';
const { join } = require('node:path');
const fake = require('electron').__fake;
const { record } = fake;
const { app, BrowserWindow } = require('electron');

const mainPath = process.argv[2];
const scenario = process.env.SMOKE_SCENARIO;
const report = { scenario, steps: {} };

function finish(code) {
  const plain = {
    ...record,
    ipcHandlers: [...record.ipcHandlers.keys()].sort(),
    protocolHandlers: [...record.protocolHandlers.keys()],
    headersListener: record.headersListener !== null,
    permissionRequestHandler: record.permissionRequestHandler !== null,
    tray: undefined,
  };
  process.stdout.write(`SMOKE-REPORT ${JSON.stringify({ ...report, record: plain, exitCode: code })}\n`);
  process.exit(0);
}
process.on('fake-electron-quit', (code) => finish(code));
process.on('unhandledRejection', (error) => {
  report.error = String(error && error.stack ? error.stack : error);
  finish(99);
});

function win() {
  const w = BrowserWindow.getAllWindows()[0];
  if (!w) throw new Error('no window');
  return w;
}

/** The page calling `window.api`: through the registered ipcMain handler, as our own frame. */
function invoke(channel, request, frame) {
  const w = win();
  const handler = record.ipcHandlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  const event = {
    sender: frame && frame.sender ? frame.sender : w.webContents,
    senderFrame: frame && 'senderFrame' in frame ? frame.senderFrame : { url: w.webContents.getURL(), parent: null },
  };
  return handler(event, request);
}

/** Resolves with the payload of the first event main sends to the window that matches. */
function nextSent(predicate) {
  const earlier = record.sent.find((s) => predicate(s.channel, s.payload));
  if (earlier) return Promise.resolve(earlier.payload);
  return new Promise((resolve) => {
    const contents = win().webContents;
    const listener = (channel, payload) => {
      if (!predicate(channel, payload)) return;
      contents.off('fake-sent', listener);
      resolve(payload);
    };
    contents.on('fake-sent', listener);
  });
}

const finished = (jobId) => (channel, payload) => channel === 'job:finished' && payload.jobId === jobId;

/** Main shows the window on ready-to-show; this listener runs after main's own. */
function windowReady() {
  return new Promise((resolve) => {
    app.once('browser-window-created', (_event, w) => w.once('ready-to-show', () => resolve(w)));
  });
}

async function firstRun() {
  const s = report.steps;
  const page = win().webContents.getURL();
  s.appInfo = await invoke('app:info', {});
  s.untrusted = await invoke('app:info', {}, { senderFrame: { url: 'https://evil.example/', parent: null } });
  s.subframe = await invoke('app:info', {}, { senderFrame: { url: page, parent: {} } });
  s.goneFrame = await invoke('app:info', {}, { senderFrame: null });
  s.otherContents = await invoke('app:info', {}, { sender: {} });
  s.invalid = await invoke('jobs:pause', { id: 'x' });

  // The CSP hook: a document gets our policy, a script response is left alone.
  const csp = {};
  await new Promise((resolve) =>
    recordHeaders({ resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r) => {
      csp.mainFrame = r;
      resolve();
    }),
  );
  await new Promise((resolve) =>
    recordHeaders({ resourceType: 'script', responseHeaders: {} }, (r) => {
      csp.script = r;
      resolve();
    }),
  );
  s.csp = csp;

  const contents = win().webContents;
  const nav = (url) => {
    const event = { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-frame-navigate', event);
    return event.defaultPrevented;
  };
  s.navigation = { evil: nav('https://evil.example/'), otherFile: nav('file:///etc/passwd'), ours: nav(page) };
  s.windowOpen = {
    https: contents.windowOpenHandler({ url: 'https://example.com/help' }),
    file: contents.windowOpenHandler({ url: 'file:///etc/passwd' }),
  };
  const webviewEvent = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  contents.emit('will-attach-webview', webviewEvent, {}, {});
  s.webviewBlocked = webviewEvent.defaultPrevented;
  s.permission = await new Promise((resolve) => record.permissionRequestHandler(contents, 'media', resolve, {}));

  s.pickSource = await invoke('dialog:pick-folder', { purpose: 'source', multiple: true });
  s.pickOutput = await invoke('dialog:pick-folder', { purpose: 'output' });
  s.setSettings = await invoke('settings:set', { outputDirectory: process.env.SMOKE_OUTPUT });

  const imported = await invoke('import:start', { folders: s.pickSource.value.paths });
  s.importStart = imported;
  s.importFinished = await nextSent(finished(imported.value.jobId));

  const list = await invoke('files:list', { filter: 'all' });
  s.fileCount = list.ok ? list.value.total : -1;
  const canon = list.value.items.find((f) => f.originalName === 'Canon.jpg');
  const thumbHandler = record.protocolHandlers.get('mediaparser');
  const thumb = await thumbHandler(new Request(`mediaparser://thumb/${canon.id}?size=small`));
  s.thumbnail = {
    status: thumb.status,
    type: thumb.headers.get('content-type'),
    base64: Buffer.from(await thumb.arrayBuffer()).toString('base64'),
  };
  const missing = await thumbHandler(new Request('mediaparser://thumb/999999?size=small'));
  s.missingThumbnail = missing.status;
  s.showPath = await invoke('shell:show-path', { path: process.env.SMOKE_OUTPUT });

  // Export, paused at once: the next start must offer to resume it.
  const exported = await invoke('jobs:export', {});
  s.exportStart = exported;
  s.pause = await invoke('jobs:pause', { id: exported.value.jobId });
  s.trayMenuWhenPaused = record.trayMenus[record.trayMenus.length - 1];
  app.quit();
}

async function restart() {
  const s = report.steps;
  // The resume dialog is shown once the window is ready; it was answered "Resume" (0).
  const jobs = await invoke('jobs:list', {});
  const exportJob = jobs.value.find((j) => j.type === 'export');
  s.exportFinished = await nextSent(finished(exportJob.id));
  s.jobAfter = await invoke('jobs:get', { id: exportJob.id });
  app.quit();
}

// Electron keeps the logs path in the profile; keep this run's log next to its data.
app.setPath('logs', join(process.env.MEDIAPARSER_USER_DATA, 'logs'));
function recordHeaders(details, callback) {
  record.headersListener(details, callback);
}

if (scenario === 'restart') record.messageBoxAnswers.push(0);
const shown = windowReady();
require(mainPath);
fake.emitReady();
// `no-renderer`: main must quit on its own (the report is written when it does).
if (scenario !== 'no-renderer') shown
  .then(() => (scenario === 'restart' ? restart() : firstRun()))
  .catch((error) => {
    report.error = String(error && error.stack ? error.stack : error);
    finish(98);
  });
