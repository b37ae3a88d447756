import { describe, expect, it } from 'vitest';
import {
  collisionKey,
  MAX_COLLISION_COUNTER,
  isNameFor,
  relativePathFor,
  sanitizeFileName,
  splitExtension,
  timestampBaseName,
  truncateUtf8,
  utf8Bytes,
  withCounter,
  yearFolder,
} from './naming.js';
import { plannedRelativePath } from './name-template.js';

const ny = { local: '2024-12-31T22:00:00.000', offset: '-05:00' };

describe('timestampBaseName', () => {
  it('uses the local wall-clock time, never UTC (New York new-year example)', () => {
    expect(timestampBaseName(ny)).toBe('20241231_220000');
    expect(yearFolder(ny)).toBe('2024');
    expect(plannedRelativePath(ny, 'IMG_1234.JPG')).toEqual({ dir: '2024', stem: '20241231_220000', ext: '.jpg' });
  });

  it('names a date known only to the day, month or year with just that', () => {
    expect(plannedRelativePath({ local: '1987-12-25T00:00:00.000', offset: null, precision: 'day' }, 'scan.TIF')).toEqual({ dir: '1987', stem: '19871225', ext: '.tif' });
    expect(timestampBaseName({ local: '1987-12-01T00:00:00.000', offset: null, precision: 'month' })).toBe('198712');
    expect(timestampBaseName({ local: '1987-01-01T00:00:00.000', offset: null, precision: 'year' })).toBe('1987');
    expect(timestampBaseName({ local: '1987-01-01T00:00:00.000', offset: null, precision: 'second' })).toBe('19870101_000000');
  });

  it('ignores milliseconds and works without an offset', () => {
    expect(timestampBaseName({ local: '1998-07-04T09:05:03.999', offset: null })).toBe('19980704_090503');
  });
});

describe('sanitizeFileName', () => {
  const cases: Array<[string, string]> = [
    ['家族写真.jpg', '家族写真.jpg'],
    ['../../etc/passwd', 'etcpasswd'],
    ['..\\..\\windows\\system32', 'windowssystem32'],
    ['CON', '_CON'],
    ['con.jpg', '_con.jpg'],
    ['nul.txt', '_nul.txt'],
    ['LPT9.tar.gz', '_LPT9.tar.gz'],
    ['COM1 .png', '_COM1.png'],
    ['console.jpg', 'console.jpg'],
    ['a<b>c:d|e?f*.jpg', 'abcdef.jpg'],
    ['a"quoted".jpg', 'aquoted.jpg'],
    ['\u0000x.jpg', 'x.jpg'],
    ['tab\there\n.jpg', 'tabhere.jpg'],
    ['...hidden.jpg', 'hidden.jpg'],
    ['.jpg', 'jpg'],
    ['name. . .', 'name'],
    ['photo .jpg', 'photo.jpg'],
    ['', 'unnamed'],
    ['...', 'unnamed'],
    ['/\\<>', 'unnamed'],
    ['photo\u202egpj.exe', 'photogpj.exe'],
    ['🎉 party 👨‍👩‍👧.heic', '🎉 party 👨‍👩‍👧.heic'],
  ];
  it.each(cases)('%j -> %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('normalises to NFC', () => {
    const nfd = 'fin de journe\u0301e.jpg';
    const out = sanitizeFileName(nfd);
    expect(out).toBe('fin de journ\u00e9e.jpg');
    expect(out.normalize('NFC')).toBe(out);
  });

  it('cuts a 300-byte CJK name to at most 255 bytes, keeping the extension and whole characters', () => {
    const name = '写'.repeat(100) + '.jpeg'; // 300 bytes of stem
    const out = sanitizeFileName(name);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(255);
    expect(out.endsWith('.jpeg')).toBe(true);
    expect(out).toBe('写'.repeat(83) + '.jpeg'); // 83*3 + 5 = 254
    expect(out).not.toContain('\ufffd');
  });

  it('never splits an emoji when truncating', () => {
    const name = '👨‍👩‍👧'.repeat(20) + '.png'; // 18 bytes each
    const out = sanitizeFileName(name);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(255);
    expect(out).toBe('👨‍👩‍👧'.repeat(13) + '.png');
  });

  it('is idempotent on hostile input', () => {
    for (const n of ['../../etc/passwd', 'CON', 'name. . .', '写'.repeat(200) + '.jpg', ' .. a .. ']) {
      const once = sanitizeFileName(n);
      expect(sanitizeFileName(once)).toBe(once);
    }
  });
});

describe('splitExtension / truncateUtf8', () => {
  it('does not treat time fractions as extensions', () => {
    expect(splitExtension('WhatsApp Image 2021-03-04 at 12.30.45')).toEqual({ stem: 'WhatsApp Image 2021-03-04 at 12.30.45', ext: '' });
    expect(splitExtension('clip.3gp')).toEqual({ stem: 'clip', ext: '.3gp' });
  });
  it('truncates on character boundaries', () => {
    expect(truncateUtf8('ééé', 5)).toBe('éé');
    expect(truncateUtf8('abc', 10)).toBe('abc');
  });
});

describe('plannedRelativePath', () => {
  it('lower-cases the extension and keeps its spelling', () => {
    expect(plannedRelativePath(ny, 'x.JPEG').ext).toBe('.jpeg');
    expect(plannedRelativePath(ny, 'clip.MOV')).toEqual({ dir: '2024', stem: '20241231_220000', ext: '.mov' });
  });
  it('sends undated files to unknown/ with the sanitised original name', () => {
    expect(plannedRelativePath(null, '../IMG_0001.JPG')).toEqual({ dir: 'unknown', stem: 'IMG_0001', ext: '.jpg' });
    expect(plannedRelativePath(null, '家族写真.jpg')).toEqual({ dir: 'unknown', stem: '家族写真', ext: '.jpg' });
    expect(plannedRelativePath(null, 'nul.txt')).toEqual({ dir: 'unknown', stem: '_nul', ext: '.txt' });
  });
  it('leaves room for a counter on long undated names', () => {
    const p = plannedRelativePath(null, '写'.repeat(100) + '.jpg');
    expect(utf8Bytes(withCounter(p.stem, p.ext, 999))).toBeLessThanOrEqual(255);
    expect(withCounter(p.stem, p.ext, 999).endsWith('_999.jpg')).toBe(true);
  });
  it('works for files without an extension', () => {
    expect(plannedRelativePath(ny, 'README')).toEqual({ dir: '2024', stem: '20241231_220000', ext: '' });
  });
});

describe('collisions', () => {
  it('formats counters _001.._999', () => {
    expect(withCounter('20241231_220000', '.jpg', 0)).toBe('20241231_220000.jpg');
    expect(withCounter('20241231_220000', '.jpg', 1)).toBe('20241231_220000_001.jpg');
    expect(withCounter('20241231_220000', '.jpg', 999)).toBe('20241231_220000_999.jpg');
    expect(MAX_COLLISION_COUNTER).toBe(999);
  });
  it('collision keys ignore case and Unicode normalisation', () => {
    expect(collisionKey('2024/IMG.JPG')).toBe(collisionKey('2024/img.jpg'));
    expect(collisionKey('unknown/Cafe\u0301.jpg')).toBe(collisionKey('unknown/CAF\u00c9.JPG'));
    expect(collisionKey('2024/a.jpg')).not.toBe(collisionKey('2024/b.jpg'));
  });
  it('recognises the names a plan can produce, as the file system compares them', () => {
    const planned = plannedRelativePath(ny, 'IMG_1.JPG');
    expect(isNameFor('2024/20241231_220000.jpg', planned)).toBe(true);
    expect(isNameFor('2024/20241231_220000_007.JPG', planned)).toBe(true);
    expect(isNameFor('2024/20241231_220000_000.jpg', planned)).toBe(false);
    expect(isNameFor('2024/20241231_220001.jpg', planned)).toBe(false);
    expect(isNameFor('2023/20241231_220000.jpg', planned)).toBe(false);
    expect(isNameFor('2024/20241231_220000.png', planned)).toBe(false);
    expect(isNameFor('2024/20241231_220000_changed_20260101T000000.jpg', planned)).toBe(false);
    const undated = plannedRelativePath(null, 'Photo.jpg');
    expect(isNameFor('unknown/photo_001.jpg', undated)).toBe(true);
    expect(isNameFor('unknown/Photo.jpg', undated)).toBe(true);
    expect(relativePathFor({ dir: '2024', stem: 's', ext: '.jpg' }, 12)).toBe('2024/s_012.jpg');
  });
});
