/**
 * How a thread is started from the TypeScript sources (tests, the CLI without its bundle): with
 * tsx's loader, as `--import <register-tsx.mjs>` by absolute URL so it works from any working
 * directory (`--import tsx` alone does not install the loader inside worker threads on Node 20).
 * A bundle (`*.cjs`) needs none. Used by the worker factory and by workers that start threads.
 */
export function tsxExecArgv(): string[] {
  return ['--import', new URL('./register-tsx.mjs', import.meta.url).href];
}

/** The Worker options that load `entry`: tsx's loader for a `.ts` entry, nothing for a bundle. */
export function loaderFor(entry: string): { execArgv?: string[] } {
  return entry.endsWith('.ts') ? { execArgv: tsxExecArgv() } : {};
}
