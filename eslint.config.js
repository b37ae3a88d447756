// ESLint flat config: typescript-eslint's recommended rules (not the type-checked set, so a full
// run stays fast) plus the layer rules of HOUSE-STYLE section 2 as `no-restricted-imports`, which
// point at the offending line in the editor. dependency-cruiser (.dependency-cruiser.cjs,
// `npm run lint:layers`) checks the same layers on resolved modules, indirect paths included.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const SOURCE_EXTENSIONS = '{ts,tsx,mts,cts,js,mjs,cjs}';
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', 'e2e/**'];
// Folders nest this deep below a layer root at most; deeper files still get the package rules
// from the catch-all block, and dependency-cruiser resolves any depth.
const MAX_DEPTH = 6;

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Bare package specifiers (and their subpaths). */
const packages = (names, message) => ({
  regex: `^(${names.map(escape).join('|')})(/|$)`,
  caseSensitive: true,
  message,
});
const nodeBuiltins = (message) => [
  { regex: '^node:', caseSensitive: true, message },
  { regex: `^(${NODE_BUILTINS.map(escape).join('|')})(/|$)`, caseSensitive: true, message },
];

/** The layers, from one table (scripts/layers.json). */
const LAYER_TABLE = JSON.parse(readFileSync(new URL('./scripts/layers.json', import.meta.url), 'utf8')).layers;

export const LAYERS = LAYER_TABLE.map((layer) => ({
  root: layer.root,
  dirs: layer.dirs,
  patterns: [...(layer.nodeBuiltins ? nodeBuiltins(layer.why) : []), packages(layer.packages, layer.why)],
  paths: layer.noIpcRenderer ? [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs in preload/ only.' }] : [],
}));

const ELECTRON_ONLY_IN_SHELL = packages(['electron'], 'Only main/desktop and preload may import electron.');

/**
 * A regex for the relative specifier that reaches repo path `target` from folder `fromDir`
 * (`../desktop` from main/core). `file`: `target` is a module, so `.js`/`.ts` may follow.
 */
function relativeRegex(fromDir, target, { file = false } = {}) {
  const rel = path.posix.relative(fromDir, target);
  const spec = rel.startsWith('..') ? rel : `./${rel}`;
  return `${escape(spec)}${file ? '(\\.[cm]?[jt]sx?)?$' : '(/|$)'}`;
}

function layerBlocks(layer) {
  const blocks = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    // Any folder names: the relative path to another layer only depends on how deep we are.
    const fromDir = path.posix.join(layer.root, ...Array.from({ length: depth }, (_, i) => `d${i}`));
    const dirPatterns = layer.dirs.map(({ dir, except = [] }) => {
      const allowed = except.map((p) => `(?!${relativeRegex(fromDir, p, { file: true })})`).join('');
      return {
        regex: `^${allowed}${relativeRegex(fromDir, dir)}`,
        caseSensitive: true,
        message: `${layer.root}/ may not import from ${dir}/${except.length ? ` (except ${except.join(', ')})` : ''} (HOUSE-STYLE section 2).`,
      };
    });
    blocks.push({
      name: `layers/${layer.root}/depth-${depth}`,
      files: [`${layer.root}/${'*/'.repeat(depth)}*.${SOURCE_EXTENSIONS}`],
      rules: {
        'no-restricted-imports': ['error', { paths: layer.paths ?? [], patterns: [...dirPatterns, ...layer.patterns] }],
      },
    });
  }
  // Deeper than MAX_DEPTH: at least the package rules.
  blocks.unshift({
    name: `layers/${layer.root}/packages`,
    files: [`${layer.root}/**/*.${SOURCE_EXTENSIONS}`],
    rules: { 'no-restricted-imports': ['error', { paths: layer.paths ?? [], patterns: layer.patterns }] },
  });
  return blocks;
}

const scopeToTs = (config) => ({ ...config, files: config.files ?? TS_FILES });

export default defineConfig([
  globalIgnores([
    'dist/',
    'release/',
    'out/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    'coverage/',
    '.vite/',
    '**/.bundle-test-*/',
  ]),

  ...tseslint.configs.recommended.map(scopeToTs),
  {
    name: 'mediaparser/pragmatic',
    files: TS_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      // `import x = require()` is the only way to load some CJS typings; allow `require` type imports.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    name: 'mediaparser/core-js',
    files: [`**/*.${SOURCE_EXTENSIONS}`],
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-self-assign': 'error',
      'no-cond-assign': 'error',
      'no-constant-binary-expression': 'error',
      'no-async-promise-executor': 'error',
      'no-compare-neg-zero': 'error',
      'no-control-regex': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
    },
  },

  {
    name: 'layers/electron-only-in-shell',
    files: [`**/*.${SOURCE_EXTENSIONS}`],
    rules: { 'no-restricted-imports': ['error', { patterns: [ELECTRON_ONLY_IN_SHELL] }] },
  },
  ...LAYERS.flatMap(layerBlocks),

  {
    // Build tooling (vite.config.ts, vitest.config.ts...) runs in Node, whatever folder it sits in.
    name: 'layers/build-config-files',
    files: ['**/*.config.{ts,mts,js,mjs,cjs}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ELECTRON_ONLY_IN_SHELL] }] },
  },
  {
    name: 'layers/tests-import-anything',
    files: TEST_FILES,
    rules: { 'no-restricted-imports': 'off' },
  },
]);
