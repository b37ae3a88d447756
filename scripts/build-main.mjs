#!/usr/bin/env node
/**
 * `npm run build:main`: bundles everything Electron runs outside the renderer into dist/.
 *
 *   main/desktop/main.ts          -> dist/desktop/main.cjs     (package.json "main")
 *   preload/index.ts              -> dist/preload/index.cjs    (sandboxed: only `electron` may stay a require)
 *   main/workers/<kind>-worker.ts -> dist/workers/<kind>-worker.cjs
 *   main/library/db/migrations    -> dist/migrations
 *   build/icon.png                -> dist/desktop/icon.png     (window, tray and notification icon)
 *
 * Production dependencies stay external (native modules such as better-sqlite3 and sharp must be
 * loaded from node_modules, rebuilt for Electron by electron-builder); everything else is bundled.
 *
 * Options: --out DIR (default dist), --allow-missing-workers (development only: warn instead of
 * failing while a worker entry does not exist yet).
 */
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Electron 45 ships Node 22. */
const NODE_TARGET = 'node22';
/** The workers the core starts (main/library/worker-factory.ts, thumbnail-service.ts). */
export const WORKER_KINDS = ['import', 'export', 'thumbnail', 'verify', 'checkpoint'];

/**
 * CommonJS has no `import.meta`; code that derives paths from it gets the bundle's own location
 * instead of an empty object (main.ts passes workerDir and migrationsFolder explicitly anyway).
 */
const IMPORT_META_BANNER =
  'var __import_meta_url = require("node:url").pathToFileURL(__filename).href;';
const IMPORT_META_DEFINE = {
  'import.meta.url': '__import_meta_url',
  'import.meta.dirname': '__dirname',
  'import.meta.filename': '__filename',
};

function fail(message) {
  throw new Error(`build-main: ${message}`);
}

function productionExternals(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return ['electron', ...Object.keys(pkg.dependencies ?? {})];
}

/** Inputs a bundle took from node_modules (the preload must take none: zod must not ride along). */
function nodeModuleInputs(metafile) {
  return Object.keys(metafile.inputs).filter((input) => input.split(/[\\/]/).includes('node_modules'));
}

export async function buildMain({ root = ROOT, outDir = join(root, 'dist'), allowMissingWorkers = false } = {}) {
  const external = productionExternals(root);
  for (const dir of ['desktop', 'preload', 'workers', 'migrations']) rmSync(join(outDir, dir), { recursive: true, force: true });

  const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    external,
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
    banner: { js: IMPORT_META_BANNER },
    define: IMPORT_META_DEFINE,
    absWorkingDir: root,
  };

  const entries = [{ in: 'main/desktop/main.ts', out: 'desktop/main.cjs' }];
  for (const kind of WORKER_KINDS) {
    const entry = `main/workers/${kind}-worker.ts`;
    if (existsSync(join(root, entry))) entries.push({ in: entry, out: `workers/${kind}-worker.cjs` });
    else if (allowMissingWorkers) console.warn(`build-main: WARNING ${entry} does not exist yet; skipped (--allow-missing-workers)`);
    else fail(`${entry} is missing; the app cannot run ${kind} jobs without it.`);
  }
  for (const entry of entries) {
    if (!existsSync(join(root, entry.in))) fail(`${entry.in} is missing.`);
    await build({ ...node, entryPoints: [join(root, entry.in)], outfile: join(outDir, entry.out) });
  }

  // The sandboxed preload can require only `electron` (and a few polyfilled modules), so it is
  // bundled for the browser platform: any node:* import is a build error, not a runtime surprise.
  const preload = await build({
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    sourcemap: 'inline',
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
    entryPoints: [join(root, 'preload/index.ts')],
    outfile: join(outDir, 'preload/index.cjs'),
  });
  const leaked = nodeModuleInputs(preload.metafile);
  if (leaked.length > 0) fail(`the preload bundle pulls in packages it must not: ${leaked.join(', ')}`);

  const migrations = join(root, 'main/library/db/migrations');
  if (!existsSync(join(migrations, 'meta', '_journal.json'))) fail(`no drizzle migrations in ${migrations}`);
  cpSync(migrations, join(outDir, 'migrations'), { recursive: true });

  const icon = join(root, 'build/icon.png');
  if (!existsSync(icon)) fail('build/icon.png is missing (run node build/make-icon.mjs).');
  mkdirSync(join(outDir, 'desktop'), { recursive: true });
  cpSync(icon, join(outDir, 'desktop/icon.png'));

  const outputs = [
    ...entries.map((e) => e.out),
    'preload/index.cjs',
    'migrations/meta/_journal.json',
    'desktop/icon.png',
  ];
  for (const out of outputs) {
    const file = join(outDir, out);
    if (!existsSync(file) || statSync(file).size === 0) fail(`expected output ${relative(root, file)} was not written`);
  }
  return outputs.map((out) => join(outDir, out));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const options = {
    allowMissingWorkers: args.includes('--allow-missing-workers'),
    ...(outIndex >= 0 && args[outIndex + 1] ? { outDir: resolve(args[outIndex + 1]) } : {}),
  };
  buildMain(options).then(
    (files) => {
      for (const file of files) console.log(`  ${relative(process.cwd(), file)}`);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
