/**
 * Which better-sqlite3 addon this process loads. `npm ci` compiles (or downloads) it for the
 * system Node's ABI, which the CLI, serve mode and the tests use. Electron's Node has an ABI of
 * its own, so `npm start` keeps a second build for it beside the first
 * (scripts/prepare-electron-native.mjs) and Electron loads that one through better-sqlite3's
 * `nativeBinding` option: neither build is ever rebuilt in place for the other.
 *
 * The packaged app has no such cache (it ships only production dependencies): electron-builder's
 * npmRebuild has already rebuilt the addon in place for the packaged Electron, and with no cache
 * file found the default lookup loads exactly that one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface BindingTarget {
  /** `process.versions.electron`: set only inside Electron (main process and its worker threads). */
  electron: string | undefined;
  /** better-sqlite3's version: a build for another version does not fit its JavaScript. */
  version: string;
  platform: string;
  arch: string;
}

/**
 * The Electron build's file under `nodeModules` (the folder holding better-sqlite3), named by
 * everything that must match, so an upgrade of Electron or better-sqlite3 never picks up a stale one.
 * scripts/prepare-electron-native.mjs writes the same path (a test keeps the two in step).
 */
export function electronBindingPath(nodeModules: string, target: BindingTarget & { electron: string }): string {
  const key = `better-sqlite3-${target.version}-electron-${target.electron}-${target.platform}-${target.arch}`;
  return join(nodeModules, '.cache', 'mediaparser', 'electron-native', key, 'better_sqlite3.node');
}

/**
 * The addon path to pass as `nativeBinding`, or undefined for better-sqlite3's own lookup:
 * under Node always; under Electron unless the second build exists (the packaged app).
 */
export function chooseNativeBinding(nodeModules: string, target: BindingTarget, exists: (path: string) => boolean): string | undefined {
  if (!target.electron) return undefined;
  const path = electronBindingPath(nodeModules, { ...target, electron: target.electron });
  return exists(path) ? path : undefined;
}

let chosen: { value: string | undefined } | null = null;

/** The choice for this process, made once. */
export function nativeBinding(): string | undefined {
  if (chosen) return chosen.value;
  const electron = process.versions.electron;
  let value: string | undefined;
  if (electron) {
    const pkgJson = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
    value = chooseNativeBinding(dirname(dirname(pkgJson)), { electron, version, platform: process.platform, arch: process.arch }, existsSync);
  }
  chosen = { value };
  return value;
}
