/**
 * The Electron fuses in electron-builder.yml, read and checked by electron-builder 26 itself: its
 * config loader, its JSON schema (a misspelt key fails there) and the function that turns the
 * config into @electron/fuses' wire, so each fuse is checked where it lands in the binary.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface BuilderConfig {
  electronFuses?: Record<string, unknown> | null;
  asar?: unknown;
}
// app-builder-lib's index first: its internal modules import each other in a cycle.
const lib = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
};
const configModule = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };

async function loadConfig(): Promise<BuilderConfig> {
  return configModule.getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
}

describe('electron-builder fuses', () => {
  it('passes electron-builder’s own schema, which refuses a misspelt fuse', async () => {
    const config = await loadConfig();
    await configModule.validateConfiguration(config, new DebugLogger(false));
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } };
    await expect(configModule.validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses that turn the shipped app into a Node runtime or a debug target off', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true); // onlyLoadAppFromAsar needs an app.asar
    const wire = await lib.PlatformPackager.prototype.generateFuseConfig.call(null, config.electronFuses);
    const fuse = (name: string): unknown => wire[String(FuseV1Options[name])];
    expect(fuse('RunAsNode')).toBe(false);
    expect(fuse('EnableNodeOptionsEnvironmentVariable')).toBe(false);
    expect(fuse('EnableNodeCliInspectArguments')).toBe(false);
    expect(fuse('EnableCookieEncryption')).toBe(true);
    expect(fuse('EnableEmbeddedAsarIntegrityValidation')).toBe(true);
    expect(fuse('OnlyLoadAppFromAsar')).toBe(true);
  });

  it('keeps file:// privileges exactly as long as the window loads its page from file://', async () => {
    const config = await loadConfig();
    const wire = await lib.PlatformPackager.prototype.generateFuseConfig.call(null, config.electronFuses);
    const main = await readFile(join(ROOT, 'main', 'desktop', 'main.ts'), 'utf8');
    const loadsFromFile = /\.loadFile\(/.test(main);
    // Vite's <script type="module" crossorigin> is a CORS fetch; Chromium allows it from file:// only with the privileges.
    expect(wire[String(FuseV1Options.GrantFileProtocolExtraPrivileges)]).toBe(loadsFromFile);
  });
});
