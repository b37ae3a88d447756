/**
 * HOUSE-STYLE section 2 (who may import what), checked by dependency-cruiser: `npm run lint:layers`
 * (part of `npm run lint`). Every specifier is resolved the way TypeScript resolves it, type-only
 * imports count, and the `reachable` rules also catch an indirect path (library -> x -> engines).
 * The folder says the thread (README, "How it is built"):
 *
 *   shared/         every process, the renderer included: pure TypeScript, zod only
 *   main/rules/     both threads: pure rules (no I/O, no database)
 *   main/protocol/  both sides of a thread boundary: the messages, and how a thread starts
 *   main/library/   main thread, no window: the database, jobs, handlers, services that start workers
 *   main/engines/   worker threads only: blocking file I/O, sharp, exifr, ExifTool, ffmpeg
 *   main/workers/   worker threads: one entry point per thread and its plumbing
 *   main/desktop/   the Electron shell, the only folder that imports electron (preload aside)
 *   main/serve/, main/cli/   the same library over HTTP+WebSocket and the command line
 *   preload/, renderer/, e2e/, bench/, scripts/, bin/, test-support/
 *
 * Arrows run down only: front ends -> library -> rules/protocol -> shared; workers -> engines ->
 * rules/protocol -> shared. The library and the engines never meet; they share rules and protocols.
 */
const TEST = '(^e2e/|\\.(test|spec)\\.[cm]?[jt]sx?$)';
const NOT_PRODUCTION = [TEST, '^test-support/', '^bench/', '^scripts/', '(^|/)[^/]+\\.config\\.[cm]?[jt]s$'];
const DATABASE = '(^|/)node_modules/(better-sqlite3|drizzle-orm)/|^main/library/db/';
const ELECTRON = '(^|/)node_modules/electron/|^electron$';
const BLOCKING_PACKAGES = '(^|/)node_modules/(sharp|exifr|exiftool-vendored|image-size|file-type|@ffmpeg-installer)/';
const FRONT_ENDS = '^main/(desktop|serve|cli)/';
/** The one thread that opens the database besides the library: it only checkpoints the WAL. */
const CHECKPOINT_WORKER = '^main/workers/checkpoint-worker\\.ts$';

/** Production files of one folder. */
const prod = (path, ...not) => ({ path, pathNot: [...NOT_PRODUCTION, ...not] });

module.exports = {
  forbidden: [
    // ---- shared/
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs in every process (renderer included): no node:*, no main/, no packages but zod.',
      severity: 'error',
      from: prod('^shared/'),
      to: { pathNot: ['^shared/', '(^|/)node_modules/zod/'] },
    },

    // ---- main/rules and main/protocol: both threads
    {
      name: 'rules-are-pure',
      comment: 'Rules run on both threads: shared/, other rules and protocol types only; no I/O (node:path and node:buffer aside).',
      severity: 'error',
      from: prod('^main/rules/'),
      to: { pathNot: ['^shared/', '^main/(rules|protocol)/', '^(node:)?(path|buffer)$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'protocols-are-messages',
      comment: 'A protocol is types and constants both sides import, and the loader threads start with from the sources.',
      severity: 'error',
      from: prod('^main/protocol/'),
      to: { pathNot: ['^shared/', '^main/protocol/', '(^|/)node_modules/tsx/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'protocols-not-up',
      comment: 'Protocols (types included) know shared/, rules and other protocols only.',
      severity: 'error',
      from: prod('^main/protocol/'),
      to: { path: '^(main/(library|engines|workers|desktop|serve|cli)|preload|renderer)/' },
    },

    // ---- main/library: main thread
    {
      name: 'library-not-to-engines',
      comment: 'The library starts workers; it never runs engine code (blocking I/O) on the main thread, not even through another module.',
      severity: 'error',
      from: prod('^main/library/'),
      to: { path: '^main/(engines|workers)/', reachable: true },
    },
    {
      name: 'library-no-blocking-packages',
      comment: 'sharp, exifr, exiftool-vendored, file-type, image-size and ffmpeg run in worker threads, not on the main thread (type-only imports aside).',
      severity: 'error',
      from: prod('^main/library/'),
      to: { path: BLOCKING_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'library-not-up',
      comment: 'No arrow runs up: the library does not know desktop, serve, cli, preload or renderer.',
      severity: 'error',
      from: prod('^main/library/'),
      to: { path: '^(main/(desktop|serve|cli)|preload|renderer)/' },
    },

    // ---- main/engines and main/workers: worker threads
    {
      name: 'engines-no-database-no-electron',
      comment: 'Engines run inside worker threads: never the database (the runner is the single writer), never electron, directly or not.',
      severity: 'error',
      from: prod('^main/engines/'),
      to: { path: [DATABASE, ELECTRON, '^main/library/'], reachable: true },
    },
    {
      name: 'engines-not-up',
      comment: 'Engines know shared/, the rules and the protocols; not the thread entry points, the library or the front ends.',
      severity: 'error',
      from: prod('^main/engines/'),
      to: { path: '^(main/(library|workers|desktop|serve|cli)|preload|renderer)/' },
    },
    {
      name: 'workers-no-database-no-electron',
      comment: 'Worker threads do file I/O only: never the database, never electron, directly or not.',
      severity: 'error',
      from: prod('^main/workers/', CHECKPOINT_WORKER),
      to: { path: [DATABASE, ELECTRON, '^main/library/'], reachable: true },
    },
    {
      name: 'checkpoint-worker-no-database-code',
      comment: 'The checkpoint thread loads better-sqlite3 for one pragma; never the library or its database code.',
      severity: 'error',
      from: { path: CHECKPOINT_WORKER },
      to: { path: [ELECTRON, '^main/library/', '(^|/)node_modules/drizzle-orm/'], reachable: true },
    },
    {
      name: 'workers-not-up',
      comment: 'Worker threads import engines, rules, shared and the protocols only.',
      severity: 'error',
      from: prod('^main/workers/'),
      to: { path: '^(main/(library|desktop|serve|cli)|preload|renderer)/' },
    },

    // ---- the front ends
    {
      name: 'front-ends-through-the-library',
      comment: 'desktop, serve and cli use the library and shared/; engines and worker entries run only inside worker threads.',
      severity: 'error',
      from: prod(FRONT_ENDS),
      to: { path: '^main/(engines|workers)/' },
    },
    {
      name: 'front-ends-no-blocking-packages',
      comment: 'sharp and the metadata readers run in worker threads, not on the main thread (the library, rules and protocols reach them by type only: their own rules say so).',
      severity: 'error',
      from: prod(FRONT_ENDS),
      to: { path: BLOCKING_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'serve-and-cli-not-desktop',
      comment: 'serve and cli run without Electron.',
      severity: 'error',
      from: prod('^main/(serve|cli)/'),
      to: { path: ['^main/desktop/', ELECTRON], reachable: true },
    },
    {
      name: 'serve-not-cli',
      comment: '`mediaparser serve` starts the server; the server never reaches back into the CLI.',
      severity: 'error',
      from: prod('^main/serve/'),
      to: { path: '^main/cli/' },
    },
    {
      name: 'electron-only-in-desktop-and-preload',
      comment: 'Only main/desktop (and the preload) import electron.',
      severity: 'error',
      from: { pathNot: ['^main/desktop/', '^preload/', ...NOT_PRODUCTION] },
      to: { path: ELECTRON },
    },
    {
      name: 'main-not-to-renderer-or-preload',
      comment: 'main/ reaches the renderer only through the contract (serve bundles the browser client from a path, not an import).',
      severity: 'error',
      from: prod('^main/'),
      to: { path: '^(renderer|preload)/' },
    },

    // ---- preload and renderer
    {
      name: 'preload-narrow',
      comment: 'The sandboxed preload builds window.api from the contract: shared/ and electron only.',
      severity: 'error',
      from: prod('^preload/'),
      to: { pathNot: ['^preload/', '^shared/', ELECTRON] },
    },
    {
      name: 'renderer-through-window-api',
      comment: 'The renderer reaches main only through window.api: no main/, no preload/, no node:*, no electron.',
      severity: 'error',
      from: prod('^renderer/'),
      to: { path: ['^(main|preload)/', ELECTRON, DATABASE, BLOCKING_PACKAGES] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: prod('^renderer/src/'),
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'react-only-in-renderer',
      severity: 'error',
      from: { pathNot: ['^renderer/', ...NOT_PRODUCTION] },
      to: { path: '(^|/)node_modules/(react|react-dom|zustand)/' },
    },

    // ---- tests
    {
      name: 'production-not-to-test-support',
      comment: 'test-support/ and test files are for tests; production code never imports them.',
      severity: 'error',
      from: prod('^(shared|main|preload|renderer|bin)/'),
      to: { path: ['^test-support/', TEST, '(^|/)node_modules/(vitest|@playwright|@testing-library)/'] },
    },

    // ---- hygiene
    {
      name: 'not-to-unresolvable',
      comment: 'A specifier that resolves to nothing (a file that moved).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that is no entry point is dead code.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          TEST,
          '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$',
          '\\.d\\.ts$',
          '(^|/)[^/]+\\.config\\.[cm]?[jt]s$',
          '^main/workers/[^/]+-worker\\.ts$',
          '^main/protocol/register-tsx\\.mjs$',
          '^main/desktop/main\\.ts$',
          '^main/cli/main\\.ts$',
          '^preload/index\\.ts$',
          '^renderer/src/main\\.tsx$',
          '^(bin|scripts|build|bench)/',
          '^test-support/',
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release|out|coverage|test-results|playwright-report)/|/\\.bundle-test-' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
