/**
 * Test support: a writable copy of the shared corpus with the mtimes the oracle recorded
 * (a plain copy loses them, see the corpus README). Used by tests only.
 */
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

import { CORPUS_DIR, loadOracle } from './corpus.js';

export { CORPUS_DIR };

import type { OracleEntry } from './corpus.js';

export type OracleRecord = OracleEntry;

/** ExifTool's reading of every corpus file (shared with the other corpus tests). */
export const readOracle = loadOracle;

/** `2023:06:15 12:00:00+00:00` -> epoch ms. */
export function oracleMtimeMs(value: string): number {
  return Date.parse(value.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T'));
}

export interface CorpusCopy {
  /** The copied `media` folder. */
  media: string;
  oracle: Record<string, OracleRecord>;
  cleanup: () => void;
}

/** Copies `media/` (or one of its sub-folders) into a temp folder and restores the oracle's mtimes. */
function copyCorpus(subFolder: string): CorpusCopy {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mp-corpus-'));
  const media = path.join(tmp, 'media');
  cpSync(path.join(CORPUS_DIR, 'media', subFolder), path.join(media, subFolder), { recursive: true });
  const oracle = readOracle();
  for (const [rel, rec] of Object.entries(oracle)) {
    if (subFolder && !rel.startsWith(subFolder + '/')) continue;
    const t = oracleMtimeMs(rec.FileModifyDate) / 1000;
    utimesSync(path.join(media, rel), t, t);
  }
  return { media, oracle, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/**
 * For one describe block: that copy (of `media/` or one of its sub-folders), made before its
 * tests (and before the block's own beforeAll) and removed after them.
 */
export function corpusCopy(subFolder = ''): Pick<CorpusCopy, 'media' | 'oracle'> {
  const suite = { media: '', oracle: {} as CorpusCopy['oracle'] };
  let copy: CorpusCopy | undefined;
  beforeAll(() => {
    copy = copyCorpus(subFolder);
    suite.media = copy.media;
    suite.oracle = copy.oracle;
  });
  afterAll(() => copy?.cleanup());
  return suite;
}
