/**
 * Test helper: real copy threads started from the TypeScript sources (the export worker's own
 * entry, as in production), optionally with node:fs faults injected by a preload
 * (fs-faults-preload.mjs). Tests reach the threads through `started` (to terminate one, say).
 * Not part of the app.
 */
import { Worker } from 'node:worker_threads';
import { tsxExecArgv } from '../main/library/worker-factory.js';
import type { CopyThreadData, CopyThreadSpawner } from '../main/workers/copy-pool.js';

/** One injected failure: the first `times` calls of `fs[call]` on a path containing `pathIncludes` throw `errno`. */
export interface FsFault {
  call: 'openSync' | 'writeSync' | 'linkSync' | 'renameSync' | 'fsyncSync' | 'lstatSync';
  pathIncludes: string;
  errno: string;
  times: number;
}

export function sourceCopyThreads(opts: { started?: Worker[]; faults?: FsFault[] } = {}): CopyThreadSpawner {
  const execArgv = [...tsxExecArgv()];
  if (opts.faults?.length) execArgv.push('--import', new URL('./fs-faults-preload.mjs', import.meta.url).href);
  return (d: CopyThreadData) => {
    const w = new Worker(new URL('../main/workers/export-worker.ts', import.meta.url), {
      workerData: d,
      execArgv,
      env: { ...process.env, MEDIAPARSER_TEST_FS_FAULTS: JSON.stringify(opts.faults ?? []) },
    });
    opts.started?.push(w);
    return w;
  };
}
