/**
 * Starts the import/export/verify workers. From the TypeScript sources (CLI, tests, serve) the
 * worker runs through tsx; a packaged app passes the folder of its bundled `*.cjs` workers.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExportWorkerData, ImportWorkerData } from '../protocol/workers.js';
import { tsxExecArgv } from '../protocol/tsx-loader.js';

export type WorkerKind = 'import' | 'export' | 'thumbnail' | 'verify' | 'checkpoint';

export { tsxExecArgv } from '../protocol/tsx-loader.js';

export function createWorkerFactory(workerDir?: string) {
  return (kind: WorkerKind, workerData: ImportWorkerData | ExportWorkerData | unknown): Worker => {
    if (workerDir) return new Worker(join(workerDir, `${kind}-worker.cjs`), { workerData });
    return new Worker(new URL(`../workers/${kind}-worker.ts`, import.meta.url), { workerData, execArgv: tsxExecArgv() });
  };
}
