/**
 * `mediaparser verify <archive> [--json]`: re-hashes an archive against its manifest on a worker
 * thread. Needs no database: an archive can be checked on any machine that can read it.
 *
 * Exit status: 0 when every listed copy is there with its bytes and nothing else is; 1 when
 * something is missing, changed, not in the manifest or unreadable (or the run did not finish);
 * 2 for a usage error or a folder that is not an archive (no manifest); 130 after Ctrl-C.
 */
import { resolve } from 'node:path';
import type { AppError } from '../../shared/errors.js';
import { verifyProblemCount, type VerifyChanged, type VerifyProgress, type VerifyReport } from '../../shared/verify-report.js';
import { createVerifyService } from '../library/verify-service.js';
import { formatBytes } from '../../shared/format.js';
import { renderProgressLine } from './progress-line.js';

export interface VerifyIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

function counts(report: VerifyReport) {
  return {
    ok: report.ok,
    missing: report.missing.length,
    changed: report.changed.length,
    notInManifest: report.notInManifest.length,
    unreadable: report.unreadable.length,
    movedAside: report.movedAside.length,
    ignored: report.ignored.length,
  };
}

function describeChange(c: VerifyChanged): string {
  switch (c.reason) {
    case 'size':
      return `${formatBytes(c.actualSize ?? 0)}, was ${formatBytes(c.expectedSize)}`;
    case 'content':
      return 'same size, different content';
    case 'not-a-file':
      return 'no longer a regular file';
    default: {
      const never: never = c.reason;
      return String(never);
    }
  }
}

/** The human summary: counts first, then every problem file. */
export function formatVerifyReport(report: VerifyReport): string[] {
  const lines: string[] = [];
  const problems = verifyProblemCount(report);
  const n = (count: number, one: string, many = `${one}s`): string => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
  if (problems === 0) {
    lines.push(`Archive ${report.root} is intact: ${n(report.ok, 'copy', 'copies')} (${formatBytes(report.bytesChecked)}) hold the bytes MediaParser wrote.`);
  } else {
    lines.push(`Archive ${report.root}: ${n(problems, 'problem')}.`);
    lines.push(
      `  ${report.ok.toLocaleString('en-US')} ok, ${report.changed.length} changed, ${report.missing.length} missing, ${report.notInManifest.length} not in the manifest` +
        (report.unreadable.length > 0 ? `, ${report.unreadable.length} unreadable` : ''),
    );
  }
  if (report.changed.length > 0) {
    lines.push('', 'Changed (not the bytes MediaParser copied):');
    for (const c of report.changed) lines.push(`  ${c.path}  (${describeChange(c)})`);
  }
  if (report.missing.length > 0) {
    lines.push('', 'Missing (listed in the manifest, not in the archive):');
    for (const m of report.missing) lines.push(`  ${m.path}`);
  }
  if (report.notInManifest.length > 0) {
    lines.push('', 'Not in the manifest (MediaParser did not put these here):');
    for (const s of report.notInManifest) lines.push(`  ${s.path}`);
  }
  if (report.unreadable.length > 0) {
    lines.push('', 'Could not be read:');
    for (const u of report.unreadable) lines.push(`  ${u.path}: ${u.error.message}`);
  }
  if (report.movedAside.length > 0) {
    lines.push('', `Moved aside by MediaParser (kept, not a problem): ${report.movedAside.length}`);
    for (const a of report.movedAside) lines.push(`  ${a.path}${a.from ? `  (was ${a.from})` : ''}${a.present ? '' : '  [since deleted]'}`);
  }
  if (report.ignored.length > 0) lines.push('', `Hidden and system files not checked: ${report.ignored.length}`);
  if (report.manifestSkippedLines > 0) {
    lines.push('', `The manifest has ${n(report.manifestSkippedLines, 'line')} that could not be read (a torn last line after a crash is harmless).`);
  }
  return lines;
}

function progressLine(p: VerifyProgress, startedAt: number, columns: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  const speed = seconds > 0.5 ? p.bytesDone / seconds : 0;
  return renderProgressLine(
    'Verifying',
    {
      jobId: 0,
      type: 'export',
      status: 'running',
      filesDone: p.filesDone,
      filesTotal: p.filesTotal,
      bytesDone: p.bytesDone,
      bytesTotal: p.bytesTotal,
      currentFile: p.currentFile,
      errorCount: 0,
      bytesPerSecond: speed,
      etaSeconds: speed > 0 ? (p.bytesTotal - p.bytesDone) / speed : null,
    },
    columns,
  );
}

export async function runVerifyCommand(args: string[], io: VerifyIo, json: boolean): Promise<number> {
  const usage = (message: string): number => {
    io.err(`mediaparser: ${message}\nRun "mediaparser --help" for usage.`);
    return 2;
  };
  if (args.length === 0) return usage('verify needs the archive folder: mediaparser verify <archive>.');
  if (args.length > 1) return usage('verify checks one archive at a time.');
  const fail = (error: AppError, code: number): number => {
    if (json) io.out(JSON.stringify({ error }, null, 2));
    else io.err(`mediaparser: ${error.message}${error.detail ? ` (${error.detail})` : ''}`);
    return code;
  };

  const showBar = io.isTTY && !json;
  const startedAt = Date.now();
  let drew = false;
  const service = createVerifyService({
    // bin/mediaparser.mjs bundles the worker threads; without it the worker runs from source.
    ...(process.env.MEDIAPARSER_WORKER_DIR ? { workerDir: process.env.MEDIAPARSER_WORKER_DIR } : {}),
    emit: (e) => {
      if (showBar && e.channel === 'verify:progress') {
        drew = true;
        process.stderr.write('\r' + progressLine(e.payload, startedAt, process.stderr.columns ?? 100));
      }
    },
  });
  let interrupts = 0;
  let verifyId: number | null = null;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1 || verifyId === null) process.exit(130);
    io.err('\nStopping the verification… (press Ctrl-C again to quit at once)');
    service.cancel(verifyId);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const started = await service.start(resolve(args[0]!));
    if (!started.ok) return fail(started.error, 2);
    verifyId = started.value.verifyId;
    const finished = await service.wait(verifyId);
    if (drew) process.stderr.write('\n');
    switch (finished.status) {
      case 'cancelled':
        if (json) io.out(JSON.stringify({ root: finished.root, status: 'cancelled' }, null, 2));
        else io.err('Verification cancelled.');
        return 130;
      case 'failed':
        return fail(finished.error ?? { code: 'internal', message: 'The verification failed.' }, 1);
      case 'completed': {
        const report = finished.report!;
        const problems = verifyProblemCount(report);
        if (json) io.out(JSON.stringify({ status: problems === 0 ? 'ok' : 'problems', counts: counts(report), ...report }, null, 2));
        else for (const line of formatVerifyReport(report)) io.out(line);
        return problems === 0 ? 0 : 1;
      }
      default: {
        const never: never = finished.status;
        throw new Error(`Unexpected verify status ${String(never)}`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await service.close();
  }
}
