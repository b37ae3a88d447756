// Test-only preload (execArgv --import) for copy threads: makes node:fs calls fail with a chosen
// errno, so fault tests run the production copy-thread code unchanged. Never used by the app.
// MEDIAPARSER_TEST_FS_FAULTS (in the thread's env) is a JSON list of
//   { "call": "openSync", "pathIncludes": "-7.tmp", "errno": "EBUSY", "times": 2 }
// each failing the first `times` matching calls in this thread.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const faults = JSON.parse(process.env.MEDIAPARSER_TEST_FS_FAULTS ?? '[]');
for (const fault of faults) {
  const original = fs[fault.call];
  if (typeof original !== 'function') throw new Error(`fs-faults-preload: no fs.${fault.call}`);
  let left = fault.times;
  fs[fault.call] = function (...args) {
    if (left > 0 && typeof args[0] === 'string' && args[0].includes(fault.pathIncludes)) {
      left--;
      const e = new Error(`${fault.errno}: injected by a test, ${fault.call} '${args[0]}'`);
      throw Object.assign(e, { code: fault.errno, syscall: `${fault.call.replace(/Sync$/, '')} (injected by a test)`, path: args[0] });
    }
    return original.apply(this, args);
  };
}
// ES module imports of node:fs see the patched functions too.
syncBuiltinESMExports();
