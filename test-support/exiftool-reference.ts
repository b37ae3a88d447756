/**
 * Test support: analyses a file the way the import does and, separately, builds what the import
 * would record had ExifTool read the file (the reference reader), so tests can check that a
 * faster reader changes nothing. Used by tests only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll } from 'vitest';
import type { DateCandidate } from '../shared/types.js';
import type { ImportedFile, ImportOptions } from '../main/protocol/workers.js';
import { analyzeFile } from '../main/engines/import/analyze-file.js';
import { readWithExiftool } from '../main/engines/import/exiftool-dates.js';
import { exiftoolEnv } from '../main/engines/import/exiftool-process.js';
import { buildCandidates } from '../main/engines/import/timestamps.js';

export interface ReaderComparison {
  ours: ImportedFile;
  /** How often the import asked ExifTool (0: another reader handled the file). */
  exiftoolCalls: number;
  reference: { candidates: DateCandidate[]; width: number | null; height: number | null; problem: string | null };
}

export async function compareWithExiftool(
  exiftool: ExifTool,
  file: string,
  root: string,
  timeZone: string,
  more: Partial<ImportOptions> = {},
): Promise<ReaderComparison> {
  const options = { timeZone, useFileDatesAsLastResort: false, ...more };
  const st = statSync(file);
  let exiftoolCalls = 0;
  const r = await analyzeFile({ path: file, root, size: st.size, mtimeMs: st.mtimeMs }, options, {
    readExiftool: (p) => {
      exiftoolCalls++;
      return readWithExiftool(exiftool, p);
    },
  });
  if (!r.ok) throw new Error(r.error.message);
  const ref = await readWithExiftool(exiftool, file);
  return {
    ours: r.value,
    exiftoolCalls,
    reference: { candidates: buildCandidates(ref.dates, path.basename(file), st.mtimeMs, options), width: ref.width, height: ref.height, problem: ref.problem },
  };
}

/**
 * For one describe block: a temp folder and a single ExifTool process (the reference reader),
 * ready in every test, ended and removed after the block.
 */
export function exiftoolSuite(prefix: string): { dir: string; exiftool: ExifTool } {
  const suite = { dir: '', exiftool: null as unknown as ExifTool };
  beforeAll(() => {
    suite.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    suite.exiftool = new ExifTool({ maxProcs: 1, useMWG: false, exiftoolEnv: exiftoolEnv() });
  });
  afterAll(async () => {
    await suite.exiftool.end();
    rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}

/** The ExifTool script exiftool-vendored ships (perl), for tests that make files with it. */
const exiftoolScript = createRequire(import.meta.url)('exiftool-vendored.pl') as string;

/**
 * Writes tags into a test's own file with ExifTool (`-overwrite_original`), e.g.
 * `['-QuickTime:CreateDate=2020:11:20 14:04:36', '-UserData:ContentCreateDate=2020-11-20T15:04:02+0100']`.
 */
export function exiftoolWrite(file: string, args: string[]): void {
  execFileSync('perl', [exiftoolScript, '-q', '-overwrite_original', ...args, file], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** What ExifTool itself reads from a file (`exiftool -j -G1`), an independent reader for checks. */
export function exiftoolJson(file: string, ...tags: string[]): Record<string, unknown> {
  const out = execFileSync('perl', [exiftoolScript, '-j', '-G1', ...tags.map((t) => `-${t}`), file], { encoding: 'utf8' });
  return (JSON.parse(out) as Record<string, unknown>[])[0]!;
}
