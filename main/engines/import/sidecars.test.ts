import { mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { scanFolders, type ScanEntry } from './scan.js';
import { describeSidecars, matchSidecars, sidecarKind, type SidecarCandidate } from './sidecars.js';

const JPEG = path.join(CORPUS_DIR, 'media', 'exiftool', 'Canon.jpg');
const MOV = path.join(CORPUS_DIR, 'media', 'exiftool', 'QuickTime.mov');

describe('sidecars', () => {
  let root: string;
  const media: ScanEntry[] = [];
  const found: SidecarCandidate[] = [];
  const at = (...p: string[]): string => path.join(root, ...p);

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mp-sidecars-'));
    mkdirSync(at('takeout'));
    for (const n of ['IMG_0001.JPG', 'IMG_0001.CR2', 'IMG_0002.HEIC', 'DSC_7.jpg']) copyFileSync(JPEG, at(n));
    copyFileSync(MOV, at('MVI_0003.MOV'));
    const sidecarNames = ['IMG_0001.xmp', 'IMG_0001.JPG.xmp', 'IMG_0002.AAE', 'IMG_O0002.AAE', 'MVI_0003.THM', 'orphan.xmp', 'notes.txt'];
    for (const n of sidecarNames) writeFileSync(at(n), `sidecar ${n}`);
    const longName = 'a_very_long_google_photos_file_name_that_is_cut.jpg';
    for (const n of ['PXL_1.jpg', 'PXL_2.jpg', 'PXL_2(1).jpg', longName]) copyFileSync(JPEG, at('takeout', n));
    for (const n of ['PXL_1.jpg.supplemental-metadata.json', 'PXL_2.jpg.suppl.json', 'PXL_2.jpg.supplemental-metadata(1).json', 'a_very_long_google_photos_file_name_that_is.json', 'metadata.json']) {
      writeFileSync(at('takeout', n), '{"photoTakenTime":{"timestamp":"1"}}');
    }
    for await (const e of scanFolders([root], { onSidecar: (s) => found.push(s) })) media.push(e);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('knows sidecar names and keeps them out of the media the scan yields', () => {
    expect(sidecarKind('a.XMP')).toBe('xmp');
    expect(sidecarKind('a.jpg.json')).toBe('takeout');
    expect(sidecarKind('metadata.json')).toBeNull();
    expect(media.map((e) => path.relative(root, e.path))).not.toContain('IMG_0001.xmp');
    expect(found.map((e) => path.relative(root, e.path)).sort()).toEqual(
      [
        'IMG_0001.JPG.xmp', 'IMG_0001.xmp', 'IMG_0002.AAE', 'IMG_O0002.AAE', 'MVI_0003.THM', 'orphan.xmp',
        'takeout/PXL_1.jpg.supplemental-metadata.json', 'takeout/PXL_2.jpg.suppl.json',
        'takeout/PXL_2.jpg.supplemental-metadata(1).json', 'takeout/a_very_long_google_photos_file_name_that_is.json',
      ].map((p) => p.split('/').join(path.sep)),
    );
  });

  it('links each sidecar to its file with the suffix it gets in the archive', () => {
    const matched = matchSidecars(media.map((e) => e.path), found);
    const view = Object.fromEntries(
      [...matched].map(([owner, list]) => [path.relative(root, owner).split(path.sep).join('/'), list.map((s) => `${path.basename(s.path)} ${s.kind} ${s.suffix}`).sort()]),
    );
    expect(view).toEqual({
      'IMG_0001.CR2': ['IMG_0001.xmp xmp .xmp'],
      'IMG_0001.JPG': ['IMG_0001.JPG.xmp xmp .jpg.xmp'],
      'IMG_0002.HEIC': ['IMG_0002.AAE aae .aae', 'IMG_O0002.AAE aae .img_o0002.aae'],
      'MVI_0003.MOV': ['MVI_0003.THM thm .thm'],
      'takeout/PXL_1.jpg': ['PXL_1.jpg.supplemental-metadata.json takeout .jpg.json'],
      'takeout/PXL_2.jpg': ['PXL_2.jpg.suppl.json takeout .jpg.json'],
      'takeout/PXL_2(1).jpg': ['PXL_2.jpg.supplemental-metadata(1).json takeout .jpg.json'],
      'takeout/a_very_long_google_photos_file_name_that_is_cut.jpg': ['a_very_long_google_photos_file_name_that_is.json takeout .jpg.json'],
    });
  });

  it('hashes what it links', async () => {
    const [s] = await describeSidecars([{ path: at('MVI_0003.THM'), kind: 'thm', suffix: '.thm', size: 1 }]);
    expect(s!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await describeSidecars([{ path: at('gone.thm'), kind: 'thm', suffix: '.thm', size: 1 }])).toEqual([]);
  });
});
