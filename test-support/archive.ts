/**
 * Test fixtures for archives: real copies in a temp folder with a manifest written by the
 * production appendManifest. Never imported by production code.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendManifest, type ManifestRecord } from '../main/engines/archive/manifest.js';

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest record of the bytes now at `root/rel`, as an export would write it. */
export function recordFor(root: string, rel: string, extra: Partial<ManifestRecord> = {}): ManifestRecord {
  const bytes = readFileSync(join(root, ...rel.split('/')));
  return {
    op: 'add',
    path: rel,
    sha256: sha256Of(bytes),
    size: bytes.length,
    source: `/photos/${rel.split('/').pop()}`,
    sourceSha256: sha256Of(bytes),
    captured: null,
    captureSource: null,
    confidence: null,
    job: 1,
    at: new Date().toISOString(),
    ...extra,
  };
}

/** Writes `files` (archive-relative path -> bytes) under `root` and lists them all in its manifest. */
export function writeArchive(root: string, files: Record<string, Buffer | string>): ManifestRecord[] {
  const records: ManifestRecord[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const target = join(root, ...rel.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    records.push(recordFor(root, rel));
  }
  appendManifest(root, records);
  return records;
}

/** Flips one bit of the byte at `offset`, keeping the size. */
export function flipByte(file: string, offset = 0): void {
  const bytes = readFileSync(file);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
  writeFileSync(file, bytes);
}

/**
 * A small archive of real corpus media, copied the way an export names them, with its manifest.
 * Returns the archive-relative paths.
 */
export function copyCorpusArchive(root: string, corpusMedia: string): string[] {
  const layout: Record<string, string> = {
    '2008/20081011_120301.jpg': 'exif-samples/DSCN0010.jpg',
    '2018/20180725_163423.jpg': 'exifr/IMG_20180725_163423-tiny.jpg',
    '2019/20190101_000000.heic': 'elodie/photo.heic',
    'unknown/no-exif.jpg': 'elodie/no-exif.jpg',
    'unknown/photo.png': 'elodie/photo.png',
  };
  const records: ManifestRecord[] = [];
  for (const [rel, source] of Object.entries(layout)) {
    const target = join(root, ...rel.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(corpusMedia, ...source.split('/')), target);
    records.push(recordFor(root, rel, { source: join(corpusMedia, ...source.split('/')) }));
  }
  appendManifest(root, records);
  return Object.keys(layout);
}
