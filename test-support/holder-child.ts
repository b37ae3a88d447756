/**
 * Test helper process: opens a library as `<kind>` and starts an import of `<folder>`. Once the
 * job is `running` in the database it prints `{"ready":true,"pid":..,"jobId":..,"mode":..}` and
 * freezes its main thread, so the job stays `running` and the writer lock stays held until the
 * test kills it (SIGKILL, like a crash). Not part of the app.
 * Usage: node --import <register-tsx.mjs> holder-child.ts <db> <desktop|serve|cli> <folder>
 */
import { writeSync } from 'node:fs';
import { createAppCore, type WriterKind } from '../main/library/app-core.js';

const [dbPath, kind, folder] = process.argv.slice(2);
if (!dbPath || !folder || (kind !== 'desktop' && kind !== 'serve' && kind !== 'cli')) {
  process.stderr.write('usage: holder-child.ts <db> <desktop|serve|cli> <folder>\n');
  process.exit(2);
}
const core = createAppCore({ dbPath, writer: { kind: kind as WriterKind, command: `holder-child ${kind}` } });
core.subscribe((e) => {
  // The runner starts the job inside import:start, before its id is returned.
  if (e.channel !== 'job:status' || e.payload.type !== 'import' || e.payload.status !== 'running') return;
  const jobId = e.payload.jobId;
  // Synchronous, so the line is out before the thread stops.
  writeSync(1, JSON.stringify({ ready: true, pid: process.pid, jobId, mode: core.access.mode }) + '\n');
  // The runner records nothing more: no worker message is handled on a frozen main thread.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
const started = await core.handlers['import:start']({ folders: [folder] });
if (!started.ok) {
  writeSync(1, JSON.stringify({ ready: false, error: started.error }) + '\n');
  process.exit(1);
}
