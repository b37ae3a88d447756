/**
 * The folders the user has pointed MediaParser at: import roots and source folders, and export
 * output folders. "Show in folder" reveals only paths inside these, so a compromised page cannot
 * use it to probe or surface arbitrary places on the disk.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { JobOptions } from '../../shared/types.js';
import type { Db } from './db/open-db.js';
import { files, jobs } from './db/schema.js';
import { readSettings } from './db/settings-repo.js';

/** Every known root, resolved, without duplicates. */
export function knownPlaces(db: Db): string[] {
  const roots = new Set<string>();
  const add = (path: unknown): void => {
    if (typeof path === 'string' && isAbsolute(path)) roots.add(resolve(path));
  };
  for (const row of db.selectDistinct({ root: files.importRoot }).from(files).all()) add(row.root);
  for (const row of db.select({ options: jobs.options }).from(jobs).all()) {
    let options: JobOptions;
    try {
      options = JSON.parse(row.options) as JobOptions;
    } catch {
      continue;
    }
    if (Array.isArray(options.sourceFolders)) options.sourceFolders.forEach(add);
    add(options.outputDir);
  }
  add(readSettings(db).outputDirectory);
  return [...roots];
}

/** True when `path` (absolute) is one of `roots` or lies beneath one; `..` segments cannot climb out. */
export function isInside(path: string, roots: readonly string[]): boolean {
  const target = resolve(path);
  return roots.some((root) => {
    const rel = relative(root, target);
    return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
  });
}

export function isInKnownPlace(db: Db, path: string): boolean {
  return isInside(path, knownPlaces(db));
}
