/**
 * HOUSE-STYLE section 2 as a test: a forbidden import fails `npm test` even where ESLint is not
 * run. Same rules as eslint.config.js, but every relative specifier is resolved against its file,
 * and dynamic import() / require() count too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import layerTable from '../../scripts/layers.json';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED_ROOTS = ['shared', 'main', 'preload', 'renderer', 'bench', 'scripts'];
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
// Tests and e2e specs may import whatever they need; build configs run in Node.
const EXEMPT_FILE = /(\.test\.|\.spec\.)|(^|\/)[^/]*\.config\.[cm]?[jt]s$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'release', 'out', 'coverage', 'test-results', 'playwright-report']);

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

interface Layer {
  root: string;
  /** Repo folders this layer may not import from; `except` keeps single modules open. */
  dirs: { dir: string; except?: string[] }[];
  /** Bare packages (and their subpaths) this layer may not import. */
  packages: string[];
  nodeBuiltins: boolean;
  /** Only preload may touch ipcRenderer. */
  noIpcRenderer?: boolean;
}

const DEFAULT_LAYER: Layer = { root: '', dirs: [], packages: ['electron'], nodeBuiltins: false };

/** The same table eslint.config.js builds its rules from. */
export const LAYERS: Layer[] = (layerTable as { layers: Layer[] }).layers;

export function layerOf(file: string): Layer {
  const matches = LAYERS.filter((layer) => file === layer.root || file.startsWith(`${layer.root}/`));
  return matches.sort((a, b) => b.root.length - a.root.length)[0] ?? DEFAULT_LAYER;
}

/** Source without comments, strings kept (specifiers live in them). Rough, but enough for imports. */
function stripComments(source: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const next = source[i + 1];
    if (quote) {
      out += ch;
      if (ch === '\\') {
        out += next ?? '';
        i++;
      } else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 1;
      out += ' ';
    } else {
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      out += ch;
    }
  }
  return out;
}

const SPECIFIER_PATTERNS = [
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from 'a'; export { x } from 'a'
  /\bimport\s*['"]([^'"]+)['"]/g, // import 'a'
  /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g, // import('a')
  /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g, // require('a'), import x = require('a')
];

export function importSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const found = new Set<string>();
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const match of code.matchAll(pattern)) if (match[1]) found.add(match[1]);
  }
  return [...found];
}

const stripExtension = (p: string) => p.replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/**
 * Forbidden imports in one file. `file` is repo-relative with forward slashes.
 * Returns one human-readable line per violation.
 */
export function findForbiddenImports(file: string, source: string): string[] {
  const layer = layerOf(file);
  const problems: string[] = [];
  const specifiers = importSpecifiers(source);
  for (const spec of specifiers) {
    if (spec.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      for (const { dir, except = [] } of layer.dirs) {
        if (within(target, dir) && !except.includes(stripExtension(target))) {
          problems.push(`${file}: imports '${spec}' (${target}), but ${layer.root || 'this file'}/ may not import from ${dir}/`);
        }
      }
      continue;
    }
    const packageName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
    if (layer.packages.includes(packageName)) {
      problems.push(`${file}: imports '${spec}', which ${layer.root || 'this folder'}/ may not use`);
    } else if (layer.nodeBuiltins && (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(packageName))) {
      problems.push(`${file}: imports the Node module '${spec}', which ${layer.root}/ may not use`);
    }
  }
  if (layer.noIpcRenderer && specifiers.includes('electron') && /\bipcRenderer\b/.test(stripComments(source))) {
    problems.push(`${file}: uses ipcRenderer, which belongs in preload/ only`);
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) files.push(...sourceFiles(rel));
    } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(rel);
    }
  }
  return files;
}

describe('layer rules (HOUSE-STYLE section 2)', () => {
  it('flags forbidden imports in synthetic files', () => {
    const flagged = (file: string, code: string) => findForbiddenImports(file, code).length;

    expect(flagged('main/core/jobs/runner.ts', "import { app } from 'electron';")).toBe(1);
    expect(flagged('main/core/x.ts', "export { a } from '../desktop/window.js';")).toBe(1);
    expect(flagged('main/core/a/b.ts', "const w = await import('../../workers/import-worker.js');")).toBe(1);
    expect(flagged('main/core/a/b.ts', "import {\n  thing,\n} from '../../../main/serve/server.js';")).toBe(1);
    expect(flagged('main/workers/import-worker.ts', "import { files } from '../core/db/schema.js';")).toBe(1);
    expect(flagged('main/workers/w.ts', "import { eq } from 'drizzle-orm/sql';")).toBe(1);
    expect(flagged('main/workers/w.ts', "const Database = require('better-sqlite3');")).toBe(1);
    expect(flagged('shared/types.ts', "import { readFile } from 'node:fs/promises';")).toBe(1);
    expect(flagged('shared/types.ts', "import path from 'path';")).toBe(1);
    expect(flagged('shared/types.ts', "import type { X } from '../main/core/x.js';")).toBe(1);
    expect(flagged('renderer/src/App.tsx', "import { ipcRenderer } from 'electron';")).toBe(1);
    expect(flagged('renderer/src/a/b.tsx', "import { openDatabase } from '../../../main/core/db/open-db.js';")).toBe(1);
    expect(flagged('preload/index.ts', "import { handlers } from '../main/core/handlers.js';")).toBe(1);
    expect(flagged('main/desktop/ipc.ts', "import { ipcMain, ipcRenderer } from 'electron';")).toBe(1);
    expect(flagged('main/serve/server.ts', "import { app } from 'electron';")).toBe(1);
    expect(flagged('bench/export.ts', "import { app } from 'electron';")).toBe(1);
  });

  it('allows what the layers may import', () => {
    const allowed = (file: string, code: string) => findForbiddenImports(file, code);

    expect(allowed('main/core/worker-factory.ts', "import type { ImportWorkerData } from '../workers/protocol.js';")).toEqual([]);
    expect(allowed('main/core/db/repo.ts', "import Database from 'better-sqlite3';\nimport { eq } from 'drizzle-orm';")).toEqual([]);
    expect(allowed('main/workers/thumbnail-worker.ts', "import { renderThumbnail } from '../core/thumbnails/render-thumbnail.js';")).toEqual([]);
    expect(allowed('main/desktop/main.ts', "import { app, BrowserWindow, ipcMain } from 'electron';")).toEqual([]);
    expect(allowed('preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nimport type { Api } from '../shared/contract.js';")).toEqual([]);
    expect(allowed('renderer/src/App.tsx', "import { create } from 'zustand';\nimport type { FileRow } from '../../shared/types.js';")).toEqual([]);
    expect(allowed('shared/contract.ts', "import { z } from 'zod';")).toEqual([]);
    // Mentions in comments and ordinary strings are not imports.
    expect(allowed('main/core/x.ts', "// import { app } from 'electron';\nconst s = 'electron is not imported';")).toEqual([]);
  });

  it('finds no forbidden import in the source tree', () => {
    const violations: string[] = [];
    let scanned = 0;
    for (const root of SCANNED_ROOTS) {
      let files: string[];
      try {
        files = sourceFiles(root);
      } catch {
        continue; // A folder that does not exist yet.
      }
      for (const file of files) {
        if (EXEMPT_FILE.test(file)) continue;
        scanned++;
        violations.push(...findForbiddenImports(file, readFileSync(path.join(REPO, file), 'utf8')));
      }
    }
    expect(scanned).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });
});
