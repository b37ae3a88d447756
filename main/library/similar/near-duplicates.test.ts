/**
 * Near-duplicates on real pictures: copies of a corpus JPEG made the ways families make them
 * (a re-save, a chat app's smaller re-encode without metadata, a half-size copy) are imported
 * through the real worker into a migrated database, grouped, and resolved in one action.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../../shared/types.js';
import type { AppCore } from '../app-core.js';
import { allFiles, importAndWait, openLibrary, unwrap } from '../../../test-support/app-core.js';
import { CORPUS_MEDIA, corpusAvailable, makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { hammingDistance, perceptualHash } from '../../engines/import/perceptual-hash.js';

const ORIGINAL = join(CORPUS_MEDIA, 'exif-samples', 'DSCN0010.jpg');
const OTHER = join(CORPUS_MEDIA, 'exif-samples', 'no_exif.jpg');

describe.skipIf(!corpusAvailable())('near-duplicates', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  const byName = new Map<string, FileSummary>();

  beforeAll(async () => {
    tmp = await makeTempDir('similar');
    src = join(tmp, 'photos');
    await mkdir(join(src, 'camera'), { recursive: true });
    await mkdir(join(src, 'chat'), { recursive: true });
    await copyFile(ORIGINAL, join(src, 'camera', 'DSCN0010.jpg'));
    // An exact copy: stays with the exact-duplicate flow.
    await copyFile(ORIGINAL, join(src, 'camera', 'DSCN0010 copy.jpg'));
    // A re-save by an editor: same size, metadata kept, other bytes.
    await sharp(ORIGINAL).withMetadata().jpeg({ quality: 70 }).toFile(join(src, 'camera', 'DSCN0010 edited.jpg'));
    // A chat app's re-encode: smaller, no metadata.
    await sharp(ORIGINAL).resize({ width: 320 }).jpeg({ quality: 45 }).toFile(join(src, 'chat', 'IMG-20240101-WA0001.jpg'));
    // A half-size copy, as PNG.
    await sharp(ORIGINAL).resize({ width: 320 }).png().toFile(join(src, 'chat', 'small.png'));
    // Another picture entirely, and a flat one (no gradients: no useful hash).
    await copyFile(OTHER, join(src, 'camera', 'other.jpg'));
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#202020' } }).jpeg().toFile(join(src, 'camera', 'black.jpg'));
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000000' } }).jpeg().toFile(join(src, 'camera', 'black2.jpg'));

    core = openLibrary(tmp);
    await importAndWait(core, src);
    // The pictures are hashed in the background once the import is done (similar-indexer.ts).
    await core.similar.settled();
    expect(core.similar.pending()).toBe(0);
    for (const f of await allFiles(core)) {
      byName.set(f.originalName, f);
    }
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await removeDir(tmp);
  });

  it('hashes copies of one picture within a few bits, another picture far away', async () => {
    const a = await perceptualHash(ORIGINAL);
    const resized = await perceptualHash(await sharp(ORIGINAL).resize({ width: 200 }).jpeg({ quality: 40 }).toBuffer());
    const other = await perceptualHash(OTHER);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(a!, resized!)).toBeLessThanOrEqual(5);
    expect(hammingDistance(a!, other!)).toBeGreaterThan(10);
    expect(await perceptualHash(Buffer.from('not a picture'))).toBeNull();
  });

  it('groups the re-save, the re-encode and the resized copy with the original, and suggests the original', async () => {
    const { groups } = unwrap(await core.handlers['similar:list']({}));
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    const names = group.members.map((m) => m.originalName).sort();
    expect(names).toEqual(['DSCN0010 copy.jpg', 'DSCN0010 edited.jpg', 'DSCN0010.jpg', 'IMG-20240101-WA0001.jpg', 'small.png']);
    // Largest with the camera's metadata, earliest: the original (or its exact copy, imported first).
    const keep = group.members.find((m) => m.id === group.keepId)!;
    expect(keep.sha256).toBe(byName.get('DSCN0010.jpg')!.sha256);
    expect(['DSCN0010.jpg', 'DSCN0010 copy.jpg']).toContain(keep.originalName);
    expect(group.reason).toMatch(/camera|largest|earliest/);
    expect(group.memberCount).toBe(5);
    // The exact copies are still an exact-duplicate group of their own.
    expect(byName.get('DSCN0010.jpg')!.duplicateGroup).not.toBeNull();
  });

  it('resolves every group in one action, leaving exact copies of the kept file alone', async () => {
    const result = unwrap(await core.handlers['similar:resolve-all']({ keep: [] }));
    expect(result).toEqual({ groups: 1, discarded: 3 });
    const after = new Map(
      (await allFiles(core)).map((f) => [f.originalName, f.discarded]),
    );
    expect(after.get('DSCN0010.jpg')).toBe(false);
    expect(after.get('DSCN0010 copy.jpg')).toBe(false);
    expect(after.get('DSCN0010 edited.jpg')).toBe(true);
    expect(after.get('IMG-20240101-WA0001.jpg')).toBe(true);
    expect(after.get('small.png')).toBe(true);
    expect(after.get('other.jpg')).toBe(false);
    expect(after.get('black.jpg')).toBe(false);
    expect(unwrap(await core.handlers['similar:list']({})).groups).toEqual([]);
  });
});
