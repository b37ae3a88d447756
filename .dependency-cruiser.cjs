/**
 * Who may import what (HOUSE-STYLE section 2), checked by dependency-cruiser: `npm run lint:layers`,
 * part of `npm run lint`. Specifiers are resolved as TypeScript resolves them, type-only imports
 * count, and the `reachable` rules also catch an indirect path (library -> x -> engine).
 *
 * Where code runs, by path (README, "How it is built"):
 *   shared/                       pure TypeScript for every process, the renderer included
 *   LIBRARY (main/core/db, jobs, similar, the handlers, app-core, the services that start workers)
 *                                 the main thread, the only code that opens the database
 *   ENGINES (main/core/import, export, archive/manifest + verify, thumbnails' renderers)
 *                                 worker threads only: blocking file I/O, sharp, exifr, ExifTool
 *   RULES (main/core/errors, byte-names)   pure helpers both sides use
 *   main/workers/                 thread entry points; *protocol.ts = messages both sides import
 *   main/desktop/                 the Electron shell, the only folder that imports electron
 *   main/serve/, main/cli/        the same library over HTTP + WebSocket and the command line
 *   preload/, renderer/           window.api, and the React UI that uses only window.api
 */
const TEST = '(^e2e/|\\.(test|spec)\\.[cm]?[jt]sx?$)';
const TEST_SUPPORT = '^main/core/testing/|^main/workers/testing/|^main/desktop/testing/|^main/core/thumbnails/test-helpers\\.ts$|^main/core/import/corpus-fixture\\.ts$';
const NOT_PRODUCTION = [TEST, TEST_SUPPORT, '^bench/', '^scripts/', '(^|/)[^/]+\\.config\\.[cm]?[jt]s$'];

const PROTOCOL = '^main/workers/[^/]*protocol\\.ts$|^main/core/(archive/verify|thumbnails/thumbnail)-protocol\\.ts$';
const LIBRARY =
  '^main/core/(db|jobs|similar)/|^main/core/(app-core|handlers|date-shift-handlers|write-guard|worker-factory|known-places|paths|byte-range)\\.ts$' +
  '|^main/core/archive/verify-(handlers|service)\\.ts$|^main/core/thumbnails/thumbnail-service\\.ts$';
const ENGINES = '^main/core/(import|export)/|^main/core/originals\\.ts$|^main/core/archive/(manifest|verify)\\.ts$|^main/core/thumbnails/(render-thumbnail|ffmpeg|heif-preview|raw-preview)\\.ts$';
const DATABASE = '(^|/)node_modules/(better-sqlite3|drizzle-orm)/|^main/core/db/';
const ELECTRON = '(^|/)node_modules/electron/|^electron$';
const BLOCKING_PACKAGES = '(^|/)node_modules/(sharp|exifr|exiftool-vendored|image-size|file-type|@ffmpeg-installer)/';
const FRONT_ENDS = '^main/(desktop|serve|cli)/';

/**
 * Pure rules that still live in engine modules and that the library uses: what a copy gets
 * written (write-truth's EMBEDDED_SOURCES, writableFormat, writeReasons), the export groups and
 * the companions' names. They import nothing that blocks; they move to a rules folder with the
 * folder split by thread.
 */
const PURE_RULES_IN_ENGINES = '^main/core/export/(write-truth|groups|companions)\\.ts$';

/** Production files of one group. */
const prod = (path) => ({ path, pathNot: NOT_PRODUCTION });

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

    // ---- the library: main thread
    {
      name: 'library-not-to-engines',
      comment: 'The library starts workers; it never runs engine code (blocking I/O) on the main thread, not even through another module.',
      severity: 'error',
      from: prod(LIBRARY),
      to: { path: ENGINES, pathNot: PURE_RULES_IN_ENGINES, reachable: true },
    },
    {
      name: 'library-no-blocking-packages',
      comment: 'sharp, exifr, exiftool-vendored, file-type, image-size and ffmpeg run in worker threads, not on the main thread (type-only imports aside).',
      severity: 'error',
      from: prod(LIBRARY),
      to: { path: BLOCKING_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'library-to-workers-only-protocols',
      comment: 'The library reaches worker threads by URL (worker-factory); it imports only their message protocols.',
      severity: 'error',
      from: prod(LIBRARY),
      to: { path: '^main/workers/', pathNot: [PROTOCOL, '^main/workers/tsx-loader\\.ts$'] },
    },
    {
      name: 'core-not-up',
      comment: 'No arrow runs up: main/core does not know desktop, serve, cli, preload or renderer.',
      severity: 'error',
      from: prod('^main/core/'),
      to: { path: '^(main/(desktop|serve|cli)|preload|renderer)/' },
    },

    // ---- engines and workers: worker threads
    {
      name: 'engines-no-database-no-electron',
      comment: 'Engines run inside worker threads: never the database (the runner is the single writer), never electron, directly or not.',
      severity: 'error',
      from: prod(ENGINES),
      to: { path: [DATABASE, ELECTRON, LIBRARY], reachable: true },
    },
    {
      name: 'engines-not-to-worker-entries',
      comment: 'Engines know shared/, the rules and the protocols; not the thread entry points.',
      severity: 'error',
      from: prod(ENGINES),
      to: { path: '^main/workers/', pathNot: PROTOCOL },
    },
    {
      name: 'workers-no-database-no-electron',
      comment: 'Worker threads do file I/O only: never the database code, never electron, directly or not.',
      severity: 'error',
      from: prod('^main/workers/'),
      to: { path: [DATABASE, ELECTRON, LIBRARY], reachable: true },
    },
    {
      name: 'workers-not-up',
      comment: 'Worker threads import engines, rules, shared and the protocols only.',
      severity: 'error',
      from: prod('^main/workers/'),
      to: { path: '^(main/(desktop|serve|cli)|preload|renderer)/' },
    },

    // ---- the front ends
    {
      name: 'front-ends-through-the-library',
      comment: 'desktop, serve and cli use the library and shared/; engines and worker entries run only inside worker threads.',
      severity: 'error',
      from: prod(FRONT_ENDS),
      to: { path: [ENGINES, '^main/workers/'], pathNot: [PROTOCOL, PURE_RULES_IN_ENGINES] },
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

    // ---- preload and renderer
    {
      name: 'preload-narrow',
      comment: 'The sandboxed preload builds window.api from the contract: shared/ and electron only.',
      severity: 'error',
      from: prod('^preload/'),
      to: { pathNot: ['^preload/', '^shared/', ELECTRON, '(^|/)node_modules/zod/'] },
    },
    {
      name: 'renderer-through-window-api',
      comment: 'The renderer reaches main only through window.api: no main/, no preload/, no electron, no Node-only packages.',
      severity: 'error',
      from: prod('^renderer/'),
      to: { path: ['^(main|preload)/', ELECTRON, DATABASE, BLOCKING_PACKAGES] },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs in a browser: no node:* modules.',
      severity: 'error',
      from: prod('^renderer/src/'),
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'react-only-in-renderer',
      severity: 'error',
      from: { path: '^(main|shared|preload)/', pathNot: NOT_PRODUCTION },
      to: { path: '(^|/)node_modules/(react|react-dom|zustand)/' },
    },

    // ---- tests
    {
      name: 'production-not-to-test-support',
      comment: 'Test support and test files are for tests; production code never imports them.',
      severity: 'error',
      from: prod('^(shared|main|preload|renderer|bin)/'),
      to: { path: [TEST_SUPPORT, TEST, '(^|/)node_modules/(vitest|@playwright|@testing-library)/'] },
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
          '^main/workers/register-tsx\\.mjs$',
          '^main/desktop/main\\.ts$',
          '^main/cli/main\\.ts$',
          '^preload/index\\.ts$',
          '^renderer/src/main\\.tsx$',
          '^(bin|scripts|build|bench)/',
          TEST_SUPPORT,
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
