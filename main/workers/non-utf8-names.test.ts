/**
 * Names that are not valid UTF-8, end to end on real files: the import reads them by their exact
 * bytes and records a display form plus those bytes in a migrated database; the export copies
 * the bytes it finds there to the archive's names; the originals stay as they were.
 * Files are dated with ExifTool under ASCII names, then renamed to byte names (Buffer paths).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchivesRepo } from '../library/db/archives-repo.js';
import { FilesRepo } from '../library/db/files-repo.js';
import { createJob } from '../library/db/jobs-repo.js';
import { openDatabase, type OpenDb } from '../library/db/open-db.js';
import { CORPUS_DIR } from '../../test-support/corpus-fixture.js';
import { exiftoolWrite } from '../../test-support/exiftool-reference.js';
import { renderThumbnail } from '../engines/thumbnails/render-thumbnail.js';
import { runExport } from './export-worker.js';
import { runImport } from './import-worker.js';
import type { ImportedFile, ImportWorkerMessage } from '../protocol/workers.js';
import { importWorkerData } from '../../test-support/import-data.js';
import { FakeRunner } from '../../test-support/fake-runner.js';

const MEDIA = path.join(CORPUS_DIR, 'media');
const b = (...parts: (string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const sha = (p: string | Buffer): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('names that are not valid UTF-8', () => {
  let dir: string;
  let src: string;
  let out: string;
  let db: OpenDb;
  const files = new Map<string, ImportedFile>();
  let messages: ImportWorkerMessage[] = [];
  /** Byte paths of the originals with their sha256 and mtime before anything read them. */
  const before: { bytes: Buffer; sha: string; mtimeMs: number }[] = [];

  /** Copies `from`, runs ExifTool on the ASCII-named copy, then gives it the byte name `name` in `folder`. */
  const make = (folder: Buffer, name: Buffer, from: string, args: string[]): Buffer => {
    const ascii = path.join(dir, `work${path.extname(from)}`);
    copyFileSync(from, ascii);
    if (args.length > 0) exiftoolWrite(ascii, args);
    const full = Buffer.concat([folder, Buffer.from('/'), name]);
    renameSync(ascii, full);
    return full;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mp-bytenames-'));
    src = path.join(dir, 'src');
    out = path.join(dir, 'out');
    mkdirSync(src);
    mkdirSync(out);
    const srcB = Buffer.from(src);
    const noExif = path.join(MEDIA, 'elodie/no-exif.jpg');
    // `café.jpg` written on a Latin-1 drive (0xE9), and `cafè.jpg` (0xE8): only that byte differs.
    make(srcB, b('caf', [0xe9], '.jpg'), noExif, ['-DateTimeOriginal=2015:06:07 08:09:10']);
    make(srcB, b('caf', [0xe8], '.jpg'), noExif, ['-DateTimeOriginal=2016:01:02 03:04:05']);
    // The same name as valid UTF-8 beside them: the Latin-1 one must not take its display form.
    make(srcB, Buffer.from('café.jpg'), noExif, ['-DateTimeOriginal=2017:01:01 00:00:00']);
    // A folder whose own name is not UTF-8 (`Über`), holding a movie and an undated photo.
    const folder = b(srcB, '/', [0xdc], 'ber');
    mkdirSync(folder);
    make(folder, b('clip', [0xff], '.mov'), path.join(MEDIA, 'exiftool/QuickTime.mov'), [
      '-Keys:all=',
      '-QuickTime:CreateDate=2019:07:04 12:00:00',
      '-QuickTime:ModifyDate=2019:07:04 12:00:00',
    ]);
    make(folder, b([0xe9], 't', [0xe9], '.jpg'), noExif, []);
    // AVI is read by ExifTool, which gets the file through a string path.
    make(folder, b('film', [0xe4], '.avi'), path.join(MEDIA, 'exiftool/Pentax.avi'), []);
    // A hidden byte name is still hidden.
    make(srcB, b('.h', [0xe9], '.jpg'), noExif, []);

    for (const folderB of [srcB, folder]) {
      for (const name of readdirSync(folderB, { encoding: 'buffer' })) {
        const full = Buffer.concat([folderB, Buffer.from('/'), name]);
        if (statSync(full).isFile()) before.push({ bytes: full, sha: sha(full), mtimeMs: statSync(full).mtimeMs });
      }
    }

    const data = importWorkerData([src]);
    messages = [];
    await runImport(data, (m) => messages.push(m), new Int32Array(data.control));
    for (const m of messages) if (m.type === 'file') files.set(path.relative(src, m.file.path), m.file);
    db = openDatabase(path.join(dir, 'library.db'));
  }, 60_000);

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports every file under a readable, unique display form with its exact bytes', () => {
    expect(messages.filter((m) => m.type === 'file-failed')).toEqual([]);
    const scanned = messages.find((m): m is Extract<ImportWorkerMessage, { type: 'scanned' }> => m.type === 'scanned')!;
    expect(scanned.skipped).toMatchObject({ count: 1, hidden: 1, examples: [path.join(src, '.hé.jpg')] });
    expect([...files.keys()].sort()).toEqual(['caf%E9.jpg', 'café.jpg', 'cafè.jpg', 'Über/clip\u00ff.mov', 'Über/film\u00e4.avi', 'Über/été.jpg'].sort());
    const bytesOf = (rel: string): Buffer | null => {
      const f = files.get(rel)!;
      return f.pathBytes === undefined ? null : Buffer.from(f.pathBytes, 'base64');
    };
    expect(bytesOf('café.jpg')).toBeNull();
    expect(bytesOf('caf%E9.jpg')).toEqual(b(src, '/caf', [0xe9], '.jpg'));
    expect(bytesOf('cafè.jpg')).toEqual(b(src, '/caf', [0xe8], '.jpg'));
    expect(bytesOf('Über/clip\u00ff.mov')).toEqual(b(src, '/', [0xdc], 'ber/clip', [0xff], '.mov'));
    expect(files.get('caf%E9.jpg')!.name).toBe('caf%E9.jpg');
    expect(files.get('caf%E9.jpg')!.detected?.local).toBe('2015-06-07T08:09:10.000');
    expect(files.get('cafè.jpg')!.detected?.local).toBe('2016-01-02T03:04:05.000');
    expect(files.get('Über/clip\u00ff.mov')!.detected?.local).toBe('2019-07-04T12:00:00.000');
    expect(files.get('Über/film\u00e4.avi')!.detected).not.toBeNull();
    expect(files.get('Über/film\u00e4.avi')!.warning).toBeNull();
    expect(files.get('Über/été.jpg')!.detected).toBeNull();
    // The sha256 is of the file's own bytes, read through the byte path.
    for (const rel of files.keys()) {
      const f = files.get(rel)!;
      expect(f.sha256, rel).toBe(sha(f.pathBytes ? Buffer.from(f.pathBytes, 'base64') : f.path));
    }
  });

  it('records the bytes in the library, exports from them to the archive names, and leaves the originals alone', async () => {
    const repo = new FilesRepo(db.sqlite);
    const job = createJob(db.db, 'import', { sourceFolders: [src] }, 'completed').id;
    repo.recordImported(job, [...files.values()].map((file) => ({ kind: 'ok' as const, file })));
    const stored = db.sqlite.prepare('SELECT original_path AS p, original_path_bytes AS b FROM files ORDER BY p').all() as { p: string; b: Buffer | null }[];
    expect(stored.find((r) => r.p === path.join(src, 'caf%E9.jpg'))!.b).toEqual(b(src, '/caf', [0xe9], '.jpg'));
    expect(stored.find((r) => r.p === path.join(src, 'café.jpg'))!.b).toBeNull();
    expect(stored).toHaveLength(6);

    const archives = new ArchivesRepo(db.sqlite);
    const { items } = archives.exportPage({ importJobId: null }, null, null, 100);
    expect(items).toHaveLength(6);
    const runner = new FakeRunner(items, 3);
    await runExport(runner.data(out, 9), runner, { retryDelaysMs: [1, 1] });
    expect(runner.messages.at(-1)).toEqual({ type: 'done' });

    const done = runner.doneById();
    const outputOf = (rel: string): string => done.get(items.find((i) => i.sourcePath === path.join(src, rel))!.fileId)!.outputPath;
    expect(path.relative(out, outputOf('caf%E9.jpg'))).toBe('2015/20150607_080910.jpg');
    expect(path.relative(out, outputOf('cafè.jpg'))).toBe('2016/20160102_030405.jpg');
    expect(path.relative(out, outputOf('Über/clip\u00ff.mov'))).toBe('2019/20190704_120000.mov');
    // Undated: unknown/ under the readable (valid UTF-8) name.
    expect(path.relative(out, outputOf('Über/été.jpg'))).toBe(path.join('unknown', 'été.jpg'));
    for (const item of items) {
      const original = item.sourcePathBytes ? Buffer.from(item.sourcePathBytes, 'base64') : item.sourcePath;
      expect(sha(done.get(item.fileId)!.outputPath), item.sourcePath).toBe(sha(original));
    }
    // Every archive name is valid UTF-8.
    const names: Buffer[] = [];
    const walk = (d: Buffer): void => {
      for (const e of readdirSync(d, { encoding: 'buffer', withFileTypes: true })) {
        names.push(e.name);
        if (e.isDirectory()) walk(Buffer.concat([d, Buffer.from('/'), e.name]));
      }
    };
    walk(Buffer.from(out));
    expect(names.length).toBeGreaterThan(6);
    for (const n of names) expect(Buffer.from(n.toString('utf8')).equals(n), n.toString('latin1')).toBe(true);
    // The originals: same bytes, same names, same times.
    for (const o of before) {
      expect(sha(o.bytes)).toBe(o.sha);
      expect(statSync(o.bytes).mtimeMs).toBe(o.mtimeMs);
    }
  });

  it('renders a thumbnail from the exact bytes, and the library hands them out', async () => {
    const repo = new FilesRepo(db.sqlite);
    const id = db.sqlite.prepare('SELECT id FROM files WHERE original_path = ?').pluck().get(path.join(src, 'cafè.jpg')) as number;
    const bytes = repo.pathBytes(id);
    expect(bytes && Buffer.from(bytes, 'base64')).toEqual(b(src, '/caf', [0xe8], '.jpg'));
    const target = path.join(dir, 'thumbs', 'a.webp');
    const r = await renderThumbnail({ sourcePath: path.join(src, 'cafè.jpg'), sourcePathBytes: bytes!, targetPath: target, maxEdge: 256 });
    expect(r.ok).toBe(true);
    expect(statSync(target).size).toBeGreaterThan(0);
    // Without the bytes, the display form names no file.
    const without = await renderThumbnail({ sourcePath: path.join(src, 'cafè.jpg'), targetPath: path.join(dir, 'thumbs', 'b.webp'), maxEdge: 256 });
    expect(without.ok ? null : without.error.code).toBe('not-found');
  });
});
