import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFolders } from './scan.js';
import { extractTags } from './tags.js';
import { CORPUS_MEDIA } from '../../../test-support/corpus.js';

const root = path.join(path.sep, 'photos');
const at = (...parts: string[]): string => path.join(root, ...parts);

describe('extractTags', () => {
  it('uses folder levels below the root, lower-cased and trimmed', () => {
    expect(extractTags(at('Holiday 2019', '  Beach  ', 'x.jpg'), root)).toEqual(['holiday 2019', 'beach']);
  });
  it('reads {tag1,tag2} groups in file names', () => {
    expect(extractTags(at('Beach {Beach, Family }.jpg'), root)).toEqual(['beach', 'family']);
  });
  it('a folder with a {group} contributes the group only', () => {
    expect(extractTags(at('Family {family}', 'Birthday {cake,party}.jpg'), root)).toEqual(['family', 'cake', 'party']);
  });
  it('skips generic, 1-letter and all-digit names', () => {
    expect(extractTags(at('DCIM', '100APPLE', 'Camera', 'Pictures', 'WhatsApp Images', '2019', 'x', 'IMG_1.jpg'), root)).toEqual([]);
    expect(extractTags(at('101CANON', '100_FUJI', 'a {b,12,ok}.jpg'), root)).toEqual(['ok']);
  });
  it("skips the folders a camcorder's card structure makes", () => {
    expect(extractTags(at('PRIVATE', 'AVCHD', 'BDMV', 'STREAM', '00001.MTS'), root)).toEqual([]);
    expect(extractTags(at('Wedding', 'PRIVATE', 'M4ROOT', 'CLIP', 'C0001.MP4'), root)).toEqual(['wedding']);
  });
  it('deduplicates', () => {
    expect(extractTags(at('Family', 'x {family,FAMILY}.jpg'), root)).toEqual(['family']);
  });
  it('a malformed {unclosed group yields no tag from the braces', () => {
    expect(extractTags(at('Odd', 'broken {unclosed.jpg'), root)).toEqual(['odd']);
  });
  it('a file directly in the root has only its own brace tags', () => {
    expect(extractTags(at('plain.jpg'), root)).toEqual([]);
  });

  describe('on the corpus tags/ folder', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'mp-tags-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    it('gives the expected tags for each file', async () => {
      const dir = path.join(tmp, 'tags');
      cpSync(path.join(CORPUS_MEDIA, 'tags'), dir, { recursive: true });
      const got: Record<string, string[]> = {};
      for await (const e of scanFolders([dir])) got[path.relative(dir, e.path)] = extractTags(e.path, e.root);
      expect(got).toEqual({
        [path.join('Family {family}', 'Birthday {cake,party}.jpg')]: ['family', 'cake', 'party'],
        [path.join('Holiday 2019', 'Beach {beach,family}.jpg')]: ['holiday 2019', 'beach', 'family'],
        [path.join('Holiday 2019', 'Hotel {family}.heic')]: ['holiday 2019', 'family'],
        [path.join('Misc', 'untagged.jpg')]: [],
        [path.join('Nested {outer}', 'Deeper {inner}', 'clip {video}.mov')]: ['outer', 'inner', 'video'],
        [path.join('Odd', 'broken {unclosed.jpg')]: ['odd'],
      });
    });
  });
});
