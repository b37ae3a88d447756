/**
 * The contract's channel names and the `window.api` method each one becomes, without any schema.
 * The Electron preload runs sandboxed and is bundled on its own; importing this instead of
 * contract.ts keeps zod out of it. contract.ts must use (or match) these names; a test checks it.
 */

/** Invoke channel -> `window.api` method name. */
export const INVOKE_METHODS = {
  'import:start': 'startImport',
  'files:list': 'listFiles',
  'files:get': 'getFile',
  'files:counts': 'countFiles',
  'files:timeline': 'fileTimeline',
  'files:set-date': 'setFileDate',
  'files:set-date-bulk': 'setFilesDate',
  'files:discard': 'discardFile',
  'files:restore': 'restoreFile',
  'files:discard-bulk': 'discardFiles',
  'files:restore-bulk': 'restoreFiles',
  'duplicates:resolve': 'resolveDuplicates',
  'similar:list': 'listSimilar',
  'similar:resolve-all': 'resolveAllSimilar',
  'tags:list': 'listTags',
  'jobs:export': 'startExport',
  'jobs:pause': 'pauseJob',
  'jobs:resume': 'resumeJob',
  'jobs:cancel': 'cancelJob',
  'jobs:list': 'listJobs',
  'jobs:get': 'getJob',
  'settings:get': 'getSettings',
  'settings:set': 'setSettings',
  'dialog:pick-folder': 'pickFolder',
  'fs:list-dirs': 'listDirs',
  'fs:make-dir': 'makeDir',
  'shell:show-path': 'showPath',
  'export:preview': 'previewExport',
  'app:info': 'getAppInfo',
  'archive:verify': 'startVerify',
  'archive:verify-cancel': 'cancelVerify',
  'dates:shift-preview': 'previewDateShift',
  'dates:shift-apply': 'applyDateShift',
  'dates:shift-undo': 'undoDateShift',
  'dates:shift-list': 'listDateShifts',
} as const;

/** Event channel -> `window.api` subscription method name. */
export const EVENT_METHODS = {
  'job:progress': 'onJobProgress',
  'job:status': 'onJobStatus',
  'job:finished': 'onJobFinished',
  'verify:progress': 'onVerifyProgress',
  'verify:finished': 'onVerifyFinished',
} as const;

