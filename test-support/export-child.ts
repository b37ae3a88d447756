/**
 * Test helper process: runs one export and reports every event on stdout as a JSON line, so a
 * test can kill it (SIGKILL, like a power cut) at a chosen point. Not part of the app.
 * Usage: node --import <register-tsx.mjs> export-child.ts <db> <importJobId> <outputDir>
 */
import { createAppCore } from '../main/library/app-core.js';

const [dbPath, importJobId, outputDir] = process.argv.slice(2);
if (!dbPath || !importJobId || !outputDir) {
  process.stderr.write('usage: export-child.ts <db> <importJobId> <outputDir>\n');
  process.exit(2);
}
const core = createAppCore({ dbPath });
core.subscribe((e) => process.stdout.write(JSON.stringify(e) + '\n'));
const started = await core.handlers['jobs:export']({ importJobId: Number(importJobId), outputDir });
if (!started.ok) {
  process.stdout.write(JSON.stringify({ channel: 'error', payload: started.error }) + '\n');
  process.exit(1);
}
const job = await core.waitForJob(started.value.jobId);
await core.close();
process.exit(job.status === 'completed' ? 0 : 1);
