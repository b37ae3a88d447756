/** The near-duplicate channels (issue 11), kept beside the grouping they call. */
import type { Handlers } from '../../../shared/contract.js';
import { ok } from '../../../shared/errors.js';
import type Database from 'better-sqlite3';
import type { FilesRepo } from '../db/files-repo.js';
import { findSimilarGroups, resolveSimilarGroups } from './near-duplicates.js';

export type SimilarChannel = 'similar:list' | 'similar:resolve-all';

/** `pending`: pictures the background hashing (similar-indexer.ts) has not reached yet. */
export function createSimilarHandlers(sqlite: Database.Database, files: FilesRepo, pending: () => number): Pick<Handlers, SimilarChannel> {
  return {
    // The library screen asks on every visit; the grouping reads every hash in the library.
    'similar:list': async () => ok({ groups: files.whileUnchanged('similar:list', () => findSimilarGroups(sqlite, files)), pending: pending() }),
    'similar:resolve-all': async ({ keep }) => ok(resolveSimilarGroups(sqlite, files, new Map((keep ?? []).map((k) => [k.group, k.keepId])))),
  };
}
