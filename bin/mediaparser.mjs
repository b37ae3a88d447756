#!/usr/bin/env node
// Runs the CLI straight from the TypeScript sources, so `npx mediaparser` works in a checkout
// right after `npm ci` with no separate build step.
//
// Loading the CLI's ~100 modules through tsx's loader costs about a second of every run, so the
// first run also bundles main/cli/main.ts and the worker threads with esbuild (already installed:
// tsx is built on it) into node_modules/.cache/mediaparser/, and later runs load those files for
// as long as none of their inputs changed. `import.meta.url` keeps pointing at each source file, so paths derived
// from it (migrations, workers, the renderer) are the same as under tsx. Whenever the cache
// cannot be used (read-only folder, esbuild missing, build error), the CLI runs through tsx.
// MEDIAPARSER_NO_BUNDLE=1 always runs through tsx.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'main', 'cli', 'main.ts');
const CACHE = join(ROOT, 'node_modules', '.cache', 'mediaparser');
const BUNDLE = join(CACHE, 'cli.mjs');
const MANIFEST = join(CACHE, 'cli.json');

/** Inputs are identified by size and mtime; any change (or a different Node) means a rebuild. */
function fingerprint(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

function bundleIsFresh() {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (manifest.node !== process.version || typeof manifest.inputs !== 'object') return false;
    for (const [rel, print] of Object.entries(manifest.inputs)) if (fingerprint(join(ROOT, rel)) !== print) return false;
    statSync(BUNDLE);
    for (const kind of WORKER_KINDS) statSync(join(WORKER_DIR, `${kind}-worker.cjs`));
    return true;
  } catch {
    return false;
  }
}

/** Fingerprints taken before each source was read, so an edit during the build is not missed. */
const seen = new Map();

/** Rewrites `import.meta.url` in each source file to that file's own URL. */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      if (args.path.split(/[\\/]/).includes('node_modules')) return undefined;
      seen.set(relative(ROOT, args.path), fingerprint(args.path));
      const source = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replace(/\bimport\.meta\.url\b/g, url), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** The worker threads the core starts, bundled like the CLI (CommonJS: worker-factory loads `<kind>-worker.cjs`). */
const WORKER_KINDS = ['import', 'export', 'thumbnail', 'verify', 'checkpoint'];
const WORKER_DIR = join(CACHE, 'workers');

async function bundleOne(build, entry, outfile, format) {
  // Written under a private name, then renamed: CLI runs started together never see half a file.
  const tmp = `${outfile}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format,
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    metafile: true,
    write: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    plugins: [sourceUrlPlugin],
  });
  renameSync(tmp, outfile);
  return Object.keys(result.metafile.inputs);
}

async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(WORKER_DIR, { recursive: true });
  const inputs = [...(await bundleOne(build, ENTRY, BUNDLE, 'esm'))];
  for (const kind of WORKER_KINDS) {
    inputs.push(...(await bundleOne(build, join(ROOT, 'main', 'workers', `${kind}-worker.ts`), join(WORKER_DIR, `${kind}-worker.cjs`), 'cjs')));
  }
  const prints = {};
  for (const input of inputs) {
    const rel = relative(ROOT, resolve(ROOT, input));
    prints[rel] = seen.get(rel) ?? fingerprint(join(ROOT, rel));
  }
  const manifestTmp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(manifestTmp, JSON.stringify({ node: process.version, inputs: prints }));
  renameSync(manifestTmp, MANIFEST);
}

async function loadBundle() {
  if (process.env.MEDIAPARSER_NO_BUNDLE === '1') return false;
  try {
    if (!bundleIsFresh()) await buildBundle();
  } catch {
    return false;
  }
  // The core starts its workers from these bundles too (app-core reads this when no workerDir is given).
  process.env.MEDIAPARSER_WORKER_DIR = WORKER_DIR;
  await import(pathToFileURL(BUNDLE).href);
  return true;
}

if (!(await loadBundle())) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/main.ts');
}
