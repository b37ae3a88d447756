import { describe, expect, it } from 'vitest';
import type { CaptureTime } from './capture-time.js';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, planName, sanitizeTokenValue, templateOrDefault, validateNameTemplate, type NameSource } from './name-template.js';
import { relativePathFor, utf8Bytes } from './naming.js';

const ny: CaptureTime = { local: '2024-12-31T22:05:09.000', offset: '-05:00' };
const path = (file: NameSource, template = DEFAULT_NAME_TEMPLATE, n = 0): string => relativePathFor(planName(file, templateOrDefault(template)), n);

describe('the default template', () => {
  it('gives exactly the names MediaParser always gave', () => {
    expect(path({ timestamp: ny, originalName: 'IMG_1234.JPG' })).toBe('2024/20241231_220509.jpg');
    expect(path({ timestamp: ny, originalName: 'IMG_1234.JPG' }, DEFAULT_NAME_TEMPLATE, 1)).toBe('2024/20241231_220509_001.jpg');
    expect(path({ timestamp: null, originalName: '../IMG_0001.JPG' })).toBe('unknown/IMG_0001.jpg');
    expect(path({ timestamp: ny, originalName: 'README' })).toBe('2024/20241231_220509');
  });
  it('names coarse dates with what is known (day, month, year), as before', () => {
    const at = (local: string, precision: CaptureTime['precision']) => path({ timestamp: { local, offset: null, precision }, originalName: 'scan.TIF' });
    expect(at('1987-12-25T00:00:00.000', 'day')).toBe('1987/19871225.tif');
    expect(at('1987-12-01T00:00:00.000', 'month')).toBe('1987/198712.tif');
    expect(at('1987-01-01T00:00:00.000', 'year')).toBe('1987/1987.tif');
    expect(at('1987-01-01T00:00:00.000', 'second')).toBe('1987/19870101_000000.tif');
  });
  it('ignores camera and tags', () => {
    expect(path({ timestamp: ny, originalName: 'a.jpg', cameraModel: 'X', tags: ['t'] })).toBe('2024/20241231_220509.jpg');
  });
});

describe('custom templates', () => {
  const file: NameSource = { timestamp: ny, originalName: 'IMG_0042.HEIC', cameraModel: 'iPhone 12 Pro', tags: ['beach', 'family'] };
  it('fills every token', () => {
    expect(path(file, '{YYYY}/{MM}/{DD}/{hh}{mm}{ss}_{name}')).toBe('2024/12/31/220509_IMG_0042.heic');
    expect(path(file, '{camera}/{tag}/{YYYY}-{MM}-{DD} {hh}.{mm}.{ss}')).toBe('iPhone 12 Pro/beach/2024-12-31 22.05.09.heic');
    expect(path(file, '{YYYY}{MM}{DD}_{name}')).toBe('20241231_IMG_0042.heic');
  });
  it('leaves out a token without a value together with its separator', () => {
    const bare: NameSource = { timestamp: { local: '1987-12-25T00:00:00.000', offset: null, precision: 'day' }, originalName: 'scan.jpg' };
    expect(path(bare, '{YYYY}-{MM}-{DD} {hh}.{mm}.{ss}')).toBe('1987-12-25.jpg');
    expect(path(bare, '{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}_{name}')).toBe('1987/19871225_scan.jpg');
    expect(path(bare, '{camera}/{YYYY}/{camera}_{name}')).toBe('1987/scan.jpg');
    expect(path(bare, '{YYYY}/{MM}/{DD}/{hh}{mm}{ss}')).toBe('1987/12/25/19871225.jpg');
    expect(path({ ...bare, timestamp: { local: '1987-01-01T00:00:00.000', offset: null, precision: 'year' } }, '{YYYY}/{MM}/{name}')).toBe('1987/scan.jpg');
  });
  it('sends undated files to unknown/ when the template has dates, else follows it', () => {
    expect(path({ ...file, timestamp: null }, '{YYYY}/{MM}/{name}')).toBe('unknown/IMG_0042.heic');
    expect(path({ ...file, timestamp: null }, '{camera}/{name}')).toBe('iPhone 12 Pro/IMG_0042.heic');
  });
  it('puts files in the archive root when the template has no folder', () => {
    expect(path(file, '{YYYY}{MM}{DD}_{hh}{mm}{ss}')).toBe('20241231_220509.heic');
    expect(path(file, '{YYYY}{MM}{DD}_{hh}{mm}{ss}', 2)).toBe('20241231_220509_002.heic');
  });
  it('makes camera models and tags safe for file names', () => {
    expect(sanitizeTokenValue('HP/Scanjet: 5*7')).toBe('HP-Scanjet- 5-7');
    expect(sanitizeTokenValue('..')).toBe('');
    expect(sanitizeTokenValue(' ../../etc ')).toBe('-..-etc');
    expect(path({ ...file, cameraModel: '../../etc/passwd' }, '{camera}/{name}')).toBe('-..-etc-passwd/IMG_0042.heic');
    expect(path({ ...file, cameraModel: '..' }, '{camera}/{name}')).toBe('IMG_0042.heic');
    expect(path({ ...file, tags: ['con'] }, '{tag}/{name}')).toBe('_con/IMG_0042.heic');
    expect(path({ ...file, cameraModel: 'a\u202Egpj.exe' }, '{camera}_{name}')).toBe('agpj.exe_IMG_0042.heic');
    const long = planName({ ...file, cameraModel: 'é'.repeat(300) }, templateOrDefault('{camera}/{camera}{camera}{camera}{camera}{camera}_{name}'));
    expect(utf8Bytes(long.dir)).toBeLessThanOrEqual(64);
    expect(utf8Bytes(long.stem + '_999' + long.ext)).toBeLessThanOrEqual(255);
  });
});

describe('refused templates', () => {
  const refused: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['/{YYYY}/{name}', /inside the archive/],
    ['~/{name}', /inside the archive/],
    ['../{YYYY}/{name}', /outside the archive/],
    ['{YYYY}/../../{name}', /outside the archive/],
    ['{YYYY}/./{name}', /outside the archive/],
    ['{YYYY}//{name}', /empty folder/],
    ['{YYYY}/', /file name is missing/],
    ['{YYYY}\\{name}', /not "\\"/],
    ['C:/{name}', /cannot contain ":"/],
    ['{YYYY}/a|b{name}', /cannot contain "\|"/],
    ['{YYYY}/x\u0001{name}', /control character/],
    ['{YYYY}/.{name}', /hides it/],
    ['{YYYY}./{name}', /Windows drops/],
    ['{YYYY}/{nam}', /\{nam\} is not a token/],
    ['{yyyy}/{name}', /\{yyyy\} is not a token/],
    ['{YYYY}/{name', /not closed/],
    ['{YYYY}/name}', /without its "\{"/],
    ['{YYYY}/photo', /same name/],
    ['{YYYY}/{camera}', /same name/],
    ['con/{name}', /reserves/],
    ['{name}' + 'x'.repeat(300), /too long/],
    ['a/b/c/d/e/f/g/h/i/{name}', /folder levels/],
  ];
  it.each(refused)('refuses %j', (template, message) => {
    const why = validateNameTemplate(template);
    expect(why).toMatch(message);
    expect(parseNameTemplate(template).ok).toBe(false);
    expect(() => templateOrDefault(template)).toThrow();
  });
  it('accepts the default and ordinary templates', () => {
    for (const t of [DEFAULT_NAME_TEMPLATE, '{YYYY}/{MM}/{name}', '{camera}/{YYYY}-{MM}-{DD} {hh}.{mm}.{ss}', 'Photos {YYYY}/{tag}/{name}', '{YYYY}{MM}{DD}']) {
      expect(validateNameTemplate(t)).toBeNull();
    }
  });
});
