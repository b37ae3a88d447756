/**
 * Test support: a file as the import worker reports it (an ImportedFile), for tests that fill a
 * library's tables without running an import. Used by tests only.
 */
import type { ImportedFile } from '../main/protocol/workers.js';

/** An undated JPEG of 100 bytes in /photos, unless `over` says otherwise. */
export function importedFile(over: Pick<ImportedFile, 'name' | 'sha256'> & Partial<ImportedFile>): ImportedFile {
  return {
    path: `/photos/${over.name}`,
    root: '/photos',
    size: 100,
    mtimeMs: 0,
    mediaType: 'image',
    mime: 'image/jpeg',
    width: null,
    height: null,
    candidates: [],
    detected: null,
    detectedSource: null,
    confidence: 'none',
    tags: [],
    warning: null,
    ...over,
  };
}
