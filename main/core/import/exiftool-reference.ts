/**
 * Test support: analyses a file the way the import does and, separately, builds what the import
 * would record had ExifTool read the file (the reference reader), so tests can check that a
 * faster reader changes nothing. Used by tests only.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ExifTool } from 'exiftool-vendored';
import type { DateCandidate } from '../../../shared/types.js';
import type { ImportedFile } from '../../workers/protocol.js';
import { analyzeFile } from './analyze-file.js';
import { readWithExiftool } from './metadata.js';
import { buildCandidates } from './timestamps.js';

export interface ReaderComparison {
  ours: ImportedFile;
  /** How often the import asked ExifTool (0: another reader handled the file). */
  exiftoolCalls: number;
  reference: { candidates: DateCandidate[]; width: number | null; height: number | null; problem: string | null };
}

export async function compareWithExiftool(exiftool: ExifTool, file: string, root: string, timeZone: string): Promise<ReaderComparison> {
  const options = { timeZone, useFileDatesAsLastResort: false };
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
