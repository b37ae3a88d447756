import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../test-support/corpus-fixture.js';
import { scanFolders, type ScanEntry } from './scan.js';

const JPEG = path.join(CORPUS_DIR, 'media', 'exiftool', 'Canon.jpg');
const MOV = path.join(CORPUS_DIR, 'media', 'exiftool', 'QuickTime.mov');

async function collect(roots: string[], opts: Parameters<typeof scanFolders>[1] = {}): Promise<ScanEntry[]> {
  const out: ScanEntry[] = [];
  for await (const e of scanFolders(roots, opts)) out.push(e);
  return out;
}

describe('scanFolders', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mp-scan-'));
    const at = (...p: string[]): string => path.join(root, ...p);
    mkdirSync(at('b', 'deep', 'deeper'), { recursive: true });
    mkdirSync(at('a'));
    mkdirSync(at('.hidden'));
    mkdirSync(at('@eaDir'));
    mkdirSync(at('$RECYCLE.BIN'));
    copyFileSync(JPEG, at('b', 'deep', 'deeper', 'z.jpg'));
    copyFileSync(JPEG, at('b', '2.JPG'));
    copyFileSync(JPEG, at('a', '1.jpg'));
    copyFileSync(MOV, at('a', 'clip.MOV'));
    copyFileSync(JPEG, at('a', 'no-extension'));
    copyFileSync(JPEG, at('a', 'photo.unknownext'));
    writeFileSync(at('a', 'notes.txt'), 'hello');
    writeFileSync(at('a', 'text-only'), 'just some text, not a picture');
    writeFileSync(at('a', 'fake.jpg'), 'not really a jpeg');
    copyFileSync(JPEG, at('a', '.hidden.jpg'));
    copyFileSync(JPEG, at('.hidden', 'x.jpg'));
    copyFileSync(JPEG, at('@eaDir', 'thumb.jpg'));
    copyFileSync(JPEG, at('$RECYCLE.BIN', 'gone.jpg'));
    writeFileSync(at('a', 'Thumbs.db'), 'junk');
    writeFileSync(at('a', 'desktop.ini'), 'junk');
    writeFileSync(at('a', '.DS_Store'), 'junk');
    // A loop back to the root and a second link to a file: each is seen once.
    symlinkSync(root, at('b', 'deep', 'loop'));
    symlinkSync(at('a', '1.jpg'), at('b', 'link-to-1.jpg'));
    symlinkSync(at('missing-target.jpg'), at('b', 'dangling.jpg'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('yields media in sorted depth-first order, skipping hidden and junk, following symlinks once', async () => {
    const errors: string[] = [];
    const got = await collect([root], { onError: (p) => errors.push(path.relative(root, p)) });
    expect(got.map((e) => path.relative(root, e.path))).toEqual([
      path.join('a', '1.jpg'),
      path.join('a', 'clip.MOV'),
      path.join('a', 'fake.jpg'), // a media extension: analysed later and rejected there
      path.join('a', 'no-extension'), // sniffed as a JPEG
      path.join('a', 'photo.unknownext'),
      path.join('b', '2.JPG'),
      path.join('b', 'deep', 'deeper', 'z.jpg'),
    ]);
    expect(errors).toEqual([path.join('b', 'dangling.jpg')]);
    for (const e of got) {
      expect(e.root).toBe(root);
      expect(e.size).toBeGreaterThan(0);
      expect(e.mtimeMs).toBeGreaterThan(0);
    }
  });

  it('scanning overlapping roots yields each file once', async () => {
    const got = await collect([root, path.join(root, 'a')]);
    const paths = got.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toHaveLength(7);
  });

  it('reports a missing root and goes on with the others', async () => {
    const errors: string[] = [];
    const got = await collect([path.join(root, 'nope'), path.join(root, 'a')], { onError: (p, e) => errors.push(`${path.basename(p)}:${e.code}`) });
    expect(errors).toEqual(['nope:ENOENT']);
    expect(got.map((e) => path.basename(e.path))).toEqual(['1.jpg', 'clip.MOV', 'fake.jpg', 'no-extension', 'photo.unknownext']);
  });

  it('reaches files through a symlinked folder, and a looping link ends', async () => {
    const got = await collect([path.join(root, 'b')]);
    expect(got.map((e) => path.relative(root, e.path))).toEqual([
      path.join('b', '2.JPG'),
      path.join('b', 'link-to-1.jpg'),
      path.join('b', 'deep', 'deeper', 'z.jpg'),
      // through b/deep/loop -> root: a/1.jpg is the same file as link-to-1.jpg, b/ was seen
      path.join('b', 'deep', 'loop', 'a', 'clip.MOV'),
      path.join('b', 'deep', 'loop', 'a', 'fake.jpg'),
      path.join('b', 'deep', 'loop', 'a', 'no-extension'),
      path.join('b', 'deep', 'loop', 'a', 'photo.unknownext'),
    ]);
  });

  it('stops when asked', async () => {
    let n = 0;
    const got = await collect([root], { shouldStop: () => n++ > 3 });
    expect(got.length).toBeLessThan(7);
  });
});

describe('scanFolders on names that are not valid UTF-8', () => {
  let root: string;
  const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p as string)));
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mp-scan-bytes-'));
    // A folder named `Über` in Latin-1, holding a UTF-8 name and its Takeout JSON; a Latin-1
    // `café.jpg` beside a UTF-8 one; a hidden Latin-1 name.
    const folder = bytes(root, '/', [0xdc], 'ber');
    mkdirSync(folder);
    copyFileSync(JPEG, Buffer.concat([folder, Buffer.from('/a.jpg')]));
    writeFileSync(Buffer.concat([folder, Buffer.from('/a.jpg.json')]), JSON.stringify({ title: 'a.jpg', photoTakenTime: { timestamp: '1500000000' } }));
    copyFileSync(JPEG, bytes(root, '/caf', [0xe9], '.jpg'));
    copyFileSync(JPEG, path.join(root, 'café.jpg'));
    copyFileSync(JPEG, bytes(root, '/.h', [0xe9], '.jpg'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('yields display paths with the exact bytes, below a byte-named folder too, and keeps skipping dot names', async () => {
    const skipped: string[] = [];
    const entries = await collect([root], { onSkipped: (p) => skipped.push(p) });
    expect(entries.map((e) => path.relative(root, e.path))).toEqual(['caf%E9.jpg', 'café.jpg', path.join('Über', 'a.jpg')]);
    expect(entries.map((e) => e.pathBytes ?? null)).toEqual([bytes(root, '/caf', [0xe9], '.jpg'), null, bytes(root, '/', [0xdc], 'ber/a.jpg')]);
    expect(entries[2]!.takeoutJson?.name).toBe('a.jpg.json');
    expect(entries[2]!.takeoutJsonBytes).toEqual(bytes(root, '/', [0xdc], 'ber/a.jpg.json'));
    expect(skipped).toEqual([path.join(root, '.hé.jpg')]);
  });
});
