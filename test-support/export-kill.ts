/**
 * Test support for crash tests: runs an export in a child process (export-child.ts) and kills it
 * with SIGKILL, like a power cut, at the first event a test chooses. Never imported by the app.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CoreEvent } from '../main/library/app-core.js';
import { tsxExecArgv } from '../main/library/worker-factory.js';

/** Runs the export in a child process and kills it when `killWhen` first holds for an event. */
export function exportAndKill(dbPath: string, importJobId: number, out: string, killWhen: (e: CoreEvent) => boolean): Promise<CoreEvent[]> {
  const script = fileURLToPath(new URL('./export-child.ts', import.meta.url));
  const child = spawn(process.execPath, [...tsxExecArgv(), script, dbPath, String(importJobId), out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const seen: CoreEvent[] = [];
  return new Promise((resolve, reject) => {
    let killed = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (killed) return;
      const e = JSON.parse(line) as CoreEvent;
      seen.push(e);
      if (killWhen(e)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', () => (killed ? resolve(seen) : reject(new Error('the export finished before the kill point'))));
  });
}
