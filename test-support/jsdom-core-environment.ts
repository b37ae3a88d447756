/**
 * Vitest's jsdom environment with the modules transformed for Node, for renderer tests that run a
 * real core in the same process (test-support/real-api.ts): the client transform rewrites the
 * core's `new Worker(new URL(..., import.meta.url))` as a browser worker and cannot load it.
 * A test file opts in with a `@vitest-environment` docblock naming `jsdom-core` (an alias in vitest.config.ts).
 */
import { builtinEnvironments, type Environment } from 'vitest/runtime';

export default { ...builtinEnvironments.jsdom, name: 'jsdom-core', viteEnvironment: 'ssr' } satisfies Environment;
