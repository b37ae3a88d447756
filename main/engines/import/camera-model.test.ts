/**
 * Camera clock correction needs each file's camera model: every reader (exifr, ExifTool, the
 * Canon CR3 reader) reports the model ExifTool reads, on real corpus files.
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { readWithExiftool } from './exiftool-dates.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const OPTIONS = { timeZone: 'UTC', useFileDatesAsLastResort: false };

describe('camera model at import', () => {
  let exiftool: ExifTool;
  beforeAll(() => {
    exiftool = new ExifTool({ maxProcs: 1, useMWG: false });
  });
  afterAll(async () => {
    await exiftool.end();
  });

  const modelOf = async (rel: string): Promise<{ model: string | null; exiftoolCalls: number }> => {
    const file = path.join(MEDIA, rel);
    let exiftoolCalls = 0;
    const r = await analyzeFile({ path: file, root: MEDIA, size: statSync(file).size, mtimeMs: statSync(file).mtimeMs }, OPTIONS, {
      readExiftool: (p) => {
        exiftoolCalls++;
        return readWithExiftool(exiftool, p);
      },
    });
    if (!r.ok) throw new Error(r.error.message);
    return { model: r.value.cameraModel ?? null, exiftoolCalls };
  };

  it('reads it with exifr from JPEG, HEIC and TIFF-based raw files', async () => {
    expect(await modelOf('exiftool/Canon.jpg')).toEqual({ model: 'Canon EOS DIGITAL REBEL', exiftoolCalls: 0 });
    expect(await modelOf('exiftool/Nikon.nef')).toEqual({ model: 'NIKON D70', exiftoolCalls: 0 });
    expect((await modelOf('immich/IMG_2682.heic')).model).toBe('iPhone 7');
  });

  it('reads it with ExifTool where ExifTool reads the file', async () => {
    expect(await modelOf('exiftool/FujiFilm.raf')).toEqual({ model: 'FinePix S5Pro', exiftoolCalls: 1 });
  });

  it('reads it from a Canon CR3', async () => {
    expect((await modelOf('exiftool/CanonRaw.cr3')).model).toBe('Canon EOS M50');
  });

  it('is null where the file names no camera', async () => {
    expect((await modelOf('names/IMG_0001.JPG')).model).toBeNull();
  });
});
