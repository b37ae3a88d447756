/**
 * Starts the import/export workers. From the TypeScript sources (CLI, tests, serve) the
 * worker runs through tsx; a packaged app passes the folder of its bundled `*.cjs` workers.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExportWorkerData, ImportWorkerData } from '../workers/protocol.js';

export type WorkerKind = 'import' | 'export' | 'thumbnail';

let tsxLoader: string | null = null;

/** `--import <tsx loader>` as an absolute URL, so it works from any working directory. */
export function tsxExecArgv(): string[] {
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsxLoader];
}

export function createWorkerFactory(workerDir?: string) {
  return (kind: WorkerKind, workerData: ImportWorkerData | ExportWorkerData | unknown): Worker => {
    if (workerDir) return new Worker(join(workerDir, `${kind}-worker.cjs`), { workerData });
    return new Worker(new URL(`../workers/${kind}-worker.ts`, import.meta.url), { workerData, execArgv: tsxExecArgv() });
  };
}
