#!/usr/bin/env node
/**
 * Run by `npm start` before Electron. `npm ci` builds better-sqlite3 for the system Node (the CLI,
 * serve mode and the tests use that build); Electron's Node has another ABI. This keeps a second
 * build for Electron beside the first, under node_modules/.cache/mediaparser/electron-native/,
 * which main/library/db/native-binding.ts hands to better-sqlite3 when it runs inside Electron.
 * Neither build is ever rebuilt in place for the other.
 *
 * The build comes from better-sqlite3's own prebuilt binaries (prebuild-install, which npm ci
 * installed with it), else it is compiled from the package's sources against Electron's headers
 * (node-gyp). Where neither can run (offline), this says what is missing and how to get it and
 * exits 1, instead of Electron stopping later with "compiled against a different Node.js version".
 *
 * Usage: node scripts/prepare-electron-native.mjs [--cache-root <folder>]
 *   --cache-root  the folder whose .cache/ receives the build (default: node_modules; tests)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The same path as electronBindingPath in main/library/db/native-binding.ts (a test keeps them in step). */
export function electronBindingPath(nodeModules, target) {
  const key = `better-sqlite3-${target.version}-electron-${target.electron}-${target.platform}-${target.arch}`;
  return join(nodeModules, '.cache', 'mediaparser', 'electron-native', key, 'better_sqlite3.node');
}

/** Why a tool failed, in one line: its own reason where it gives one, not its whole log. */
function reason(result) {
  if (result.error) return result.error.message;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const fetched = lines.find((l) => /\bhttp GET\b/.test(l))?.replace(/^.*\bGET\s+/, '');
  if (fetched && lines.some((l) => /network connectivity|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT/.test(l))) {
    return `could not download ${fetched} (no network connection)`;
  }
  const why = lines.find((l) => /warn install|stack Error:|Could not find|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(l));
  return why ?? lines.at(-1) ?? `exit status ${result.status}`;
}

/**
 * The tools' environment, minus what would aim them at the wrong target: npm's package variables
 * (prebuild-install would judge mediaparser, not better-sqlite3) and a configured nodedir (node-gyp
 * would compile against the system Node's headers and produce the very ABI mismatch this avoids).
 */
function toolEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('npm_package_') && k.toLowerCase() !== 'npm_config_nodedir'));
}

/** A tool's entry script, or null when npm did not install it (both come with the dev install). */
function toolPath(entry) {
  try {
    return require.resolve(entry);
  } catch {
    return null;
  }
}

/** The prebuilt binary better-sqlite3 publishes for this Electron, unpacked into `staging`. */
function fromPrebuilt(ctx, staging) {
  const tool = toolPath('prebuild-install/bin.js');
  if (!tool) return { error: 'prebuild-install is not installed (npm ci installs it with better-sqlite3)' };
  cpSync(join(ctx.packageDir, 'package.json'), join(staging, 'package.json'));
  const result = spawnSync(
    process.execPath,
    [tool, '--runtime', 'electron', '--target', ctx.electron, '--arch', ctx.arch, '--platform', ctx.platform],
    { cwd: staging, env: toolEnv(ctx.env), encoding: 'utf8' },
  );
  const built = join(staging, 'build', 'Release', 'better_sqlite3.node');
  return result.status === 0 && existsSync(built) ? { built } : { error: reason(result) };
}

/** A build from better-sqlite3's sources against Electron's headers (needs Python and a C++ compiler). */
function fromSource(ctx, staging) {
  const distUrl = ctx.env.npm_config_dist_url || 'https://electronjs.org/headers';
  const tool = toolPath('node-gyp/bin/node-gyp.js');
  if (!tool) return { error: 'node-gyp is not installed (npm ci installs it with electron-builder)', distUrl };
  const src = join(staging, 'src');
  const skip = (p) => {
    const rel = relative(ctx.packageDir, p);
    return rel === 'build' || rel.startsWith(`build${sep}`); // the Node build and its objects
  };
  cpSync(ctx.packageDir, src, { recursive: true, filter: (p) => !skip(p) });
  const result = spawnSync(
    process.execPath,
    [tool, 'rebuild', '--release', `--target=${ctx.electron}`, '--runtime=electron', `--arch=${ctx.arch}`, `--dist-url=${distUrl}`],
    { cwd: src, env: toolEnv(ctx.env), encoding: 'utf8' },
  );
  const built = join(src, 'build', 'Release', 'better_sqlite3.node');
  return result.status === 0 && existsSync(built) ? { built } : { error: reason(result), distUrl };
}

/** Makes sure the Electron build exists; returns what happened, or what failed and why. */
export function prepareBinding(ctx) {
  const target = electronBindingPath(ctx.cacheRoot, ctx);
  if (existsSync(target)) return { ok: true, target, how: 'present' };
  const parent = dirname(dirname(target));
  mkdirSync(parent, { recursive: true });
  const failures = {};
  for (const [how, attempt] of [
    ['prebuilt', fromPrebuilt],
    ['compiled', fromSource],
  ]) {
    const staging = mkdtempSync(join(parent, '.staging-'));
    try {
      const result = attempt(ctx, staging);
      if (result.built) {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(result.built, target); // one rename: a half-written file is never found
        return { ok: true, target, how };
      }
      failures[how] = result;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { ok: false, target, failures };
}

/** The exact release asset prebuild-install asks for, so the message can name it. */
function prebuiltUrl(ctx) {
  try {
    const util = require('prebuild-install/util.js');
    const pkg = JSON.parse(readFileSync(join(ctx.packageDir, 'package.json'), 'utf8'));
    return util.getDownloadUrl({ pkg, abi: ctx.abi, runtime: 'electron', platform: ctx.platform, arch: ctx.arch, libc: '', 'tag-prefix': 'v' });
  } catch {
    return 'https://github.com/WiseLibs/better-sqlite3/releases';
  }
}

/** A path inside the checkout relative to it, anything else in full. */
function shown(path) {
  const rel = relative(ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

/** Electron's own binary: npm ci skips it with ELECTRON_SKIP_BINARY_DOWNLOAD. */
function electronBinaryMissing(env) {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))) return null;
  return shown(join(dir, 'dist'));
}

function main() {
  const { values } = parseArgs({ options: { 'cache-root': { type: 'string' } } });
  const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
  const electronDir = dirname(require.resolve('electron/package.json'));
  const electron = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  let abi;
  try {
    abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  } catch {
    abi = require('node-abi').getAbi(electron, 'electron');
  }
  const ctx = {
    cacheRoot: values['cache-root'] ? resolve(values['cache-root']) : dirname(packageDir),
    packageDir,
    electron,
    abi,
    version: JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version,
    platform: process.platform,
    arch: process.arch,
    env: process.env,
  };

  const problems = [];
  const binding = prepareBinding(ctx);
  if (binding.ok && binding.how !== 'present') {
    console.error(`better-sqlite3 for Electron ${electron}: ${binding.how === 'prebuilt' ? 'downloaded' : 'compiled'} to ${shown(binding.target)}`);
  }
  if (!binding.ok) {
    const { prebuilt, compiled } = binding.failures;
    problems.push(
      [
        `better-sqlite3 (the SQLite driver) has no build for Electron ${electron} (NODE_MODULE_VERSION ${abi}, ${ctx.platform}-${ctx.arch}).`,
        `  It belongs at ${shown(binding.target)}`,
        `  Downloading it failed: ${prebuilt.error}`,
        `  Compiling it failed:   ${compiled.error}`,
        '  To get it, either:',
        '  - connect to the internet and run `npm start` again; it downloads',
        `      ${prebuiltUrl(ctx)}`,
        `    or, if there is none, compiles it with node-gyp (Python and a C++ compiler) against Electron's headers from ${compiled.distUrl};`,
        `  - or put a better_sqlite3.node built for Electron ${electron} at that path.`,
      ].join('\n'),
    );
  }
  const electronDist = electronBinaryMissing(ctx.env);
  if (electronDist) {
    problems.push(
      [
        `Electron's own program is not installed (${electronDist} is missing; npm ci with ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips it).`,
        '  To get it: connect to the internet and run `node node_modules/electron/install.js`',
        `  (it downloads Electron ${electron} from github.com/electron/electron/releases, or from $ELECTRON_MIRROR).`,
      ].join('\n'),
    );
  }
  if (problems.length === 0) return 0;
  console.error(`npm start: the desktop app cannot open on this machine yet.\n\n${problems.join('\n\n')}\n`);
  console.error('The command line (`npx mediaparser`) and the browser app (`npm run serve`) need neither.');
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main();
}
