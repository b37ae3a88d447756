import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // `// @vitest-environment jsdom-core`: jsdom for renderer tests that run a real core.
    alias: { 'vitest-environment-jsdom-core': fileURLToPath(new URL('./test-support/jsdom-core-environment.ts', import.meta.url)) },
  },
  test: {
    include: ['shared/**/*.test.ts', 'main/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
