/**
 * Test support for whole-app tests on a real AppCore: handler results unwrapped, an import or an
 * export run to completion, the files the library lists, and the large sparse video that pauses and
 * kill points land inside. Used by tests only.
 */
import { open, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { FileSummary, JobSummary } from '../shared/types.js';
import { createAppCore, type AppCore } from '../main/library/app-core.js';

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A library inside the test's temp folder: its database in `tmp/<dbFolder>`, thumbnails in `tmp/thumbs`. */
export function openLibrary(tmp: string, dbFolder = 'db'): AppCore {
  return createAppCore({ dbPath: join(tmp, dbFolder, 'mediaparser.db'), thumbnailCacheDir: join(tmp, 'thumbs') });
}

/** Copies stay byte-for-byte: no dates or folder tags written into them. */
export async function byteCopiesOnly(core: AppCore): Promise<void> {
  unwrap(await core.handlers['settings:set']({ writeDatesIntoCopies: false, writeFolderTagsAsKeywords: false }));
}

/** Imports `folder` and waits for the job to complete; its id. */
export async function importAndWait(core: AppCore, folder: string): Promise<number> {
  const { jobId } = unwrap(await core.handlers['import:start']({ folders: [folder] }));
  expect((await core.waitForJob(jobId)).status).toBe('completed');
  return jobId;
}

/** Exports into `outputDir` (what `importJobId` imported, or the whole library) and waits for it to complete. */
export async function exportAndWait(core: AppCore, outputDir: string, importJobId?: number): Promise<JobSummary> {
  const started = unwrap(await core.handlers['jobs:export']({ importJobId, outputDir }));
  const job = await core.waitForJob(started.jobId);
  expect(job.status).toBe('completed');
  return job;
}

export async function allFiles(core: AppCore): Promise<FileSummary[]> {
  return unwrap(await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 5000 })).items;
}

/** The file the library lists under this original name. */
export async function fileNamed(core: AppCore, name: string): Promise<FileSummary> {
  return (await allFiles(core)).find((f) => f.originalName === name)!;
}

/** Sets the date of the file the library lists under this original name. */
export async function setDateOf(core: AppCore, name: string, timestamp: string): Promise<void> {
  unwrap(await core.handlers['files:set-date']({ id: (await fileNamed(core, name)).id, timestamp }));
}

/** A large video made quickly: an MP4 header, then zeros up to `size` bytes (a sparse file). */
export async function writeSparseVideo(path: string, size: number): Promise<void> {
  const fh = await open(path, 'w');
  const header = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  await fh.write(header, 0, header.length, 0);
  await fh.close();
  await truncate(path, size);
}
