// ESLint flat config: typescript-eslint's recommended rules (not the type-checked set, so a full
// run stays fast). The layers of HOUSE-STYLE section 2 are checked by dependency-cruiser
// (.dependency-cruiser.cjs, `npm run lint:layers`), which resolves every import and follows
// indirect paths; ESLint keeps only what that tool cannot see: which names come from 'electron'.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const SOURCE_EXTENSIONS = '{ts,tsx,mts,cts,js,mjs,cjs}';
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', 'e2e/**'];
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
    // Only the preload talks to ipcRenderer; the shell, serve and the rest never take it from electron.
    name: 'layers/ipc-renderer-only-in-preload',
    files: [`**/*.${SOURCE_EXTENSIONS}`],
    ignores: ['preload/**', 'test-support/**', ...TEST_FILES],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs in preload/ only.' }] },
      ],
    },
  },
]);
