/**
 * Camera clock correction through the contract's handlers, on a real migrated library holding
 * real photos (times re-written by ExifTool): preview, apply, undo, the session rule, targets.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../shared/types.js';
import { createAppCore, type AppCore } from './app-core.js';
import { allFiles, fileNamed, importAndWait, openLibrary, unwrap } from '../../test-support/app-core.js';
import { CANON_MODEL, PHONE_MODEL, buildClockFixture } from '../../test-support/clock-fixture.js';
import { corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';

describe.skipIf(!corpusAvailable())('camera clock correction handlers', () => {
  let tmp: string;
  let src: string;
  let core: AppCore;
  let jobId: number;
  const list = (): Promise<FileSummary[]> => allFiles(core);
  const byName = (name: string): Promise<FileSummary> => fileNamed(core, name);
  const timeOf = async (name: string): Promise<string | null> => {
    const f = await byName(name);
    return f.finalTimestamp ?? f.detectedTimestamp;
  };

  beforeAll(async () => {
    tmp = await makeTempDir('clock');
    src = join(tmp, 'photos');
    await mkdir(src, { recursive: true });
    await buildClockFixture(src);
    core = openLibrary(tmp);
    jobId = await importAndWait(core, src);
  });

  afterAll(async () => {
    await core.close();
    await removeDir(tmp);
  });

  it('records the camera model the import read', async () => {
    const files = await list();
    expect(files).toHaveLength(7);
    expect((await byName('canon-1.jpg')).cameraModel).toBe(CANON_MODEL);
    expect((await byName('phone-1.jpg')).cameraModel).toBe(PHONE_MODEL);
    expect((await byName('IMG_0001.JPG')).cameraModel).toBeNull();
    expect(await timeOf('canon-2.jpg')).toBe('2003-12-04T18:00:00');
  });

  it('previews "this photo was really taken at T" on its session without changing anything', async () => {
    const anchor = await byName('canon-2.jpg');
    const preview = unwrap(
      await core.handlers['dates:shift-preview']({
        target: { kind: 'session', fileId: anchor.id },
        change: { kind: 'actual', fileId: anchor.id, timestamp: '2003-12-04T19:30:00' },
      }),
    );
    expect(preview.delta).toBe('+1h 30m');
    expect(preview.total).toBe(3);
    expect(preview.items.map((i) => [i.originalName, i.before, i.after, i.beforeName, i.afterName])).toEqual([
      ['canon-1.jpg', '2003-12-04T06:46:52', '2003-12-04T08:16:52', '2003/20031204_064652.jpg', '2003/20031204_081652.jpg'],
      ['canon-2.jpg', '2003-12-04T18:00:00', '2003-12-04T19:30:00', '2003/20031204_180000.jpg', '2003/20031204_193000.jpg'],
      ['canon-3.jpg', '2003-12-05T09:00:00', '2003-12-05T10:30:00', '2003/20031205_090000.jpg', '2003/20031205_103000.jpg'],
    ]);
    expect(preview.description).toContain(CANON_MODEL);
    expect(await timeOf('canon-2.jpg')).toBe('2003-12-04T18:00:00');
    expect((await byName('canon-2.jpg')).reviewedAt).toBeNull();
  });

  it('applies to the session only, then undo restores exactly what was there', async () => {
    const anchor = await byName('canon-2.jpg');
    const before = await list();
    const applied = unwrap(
      await core.handlers['dates:shift-apply']({
        target: { kind: 'session', fileId: anchor.id },
        change: { kind: 'actual', fileId: anchor.id, timestamp: '2003-12-04T19:30:00' },
      }),
    );
    expect(applied.updated).toBe(3);
    expect(await timeOf('canon-1.jpg')).toBe('2003-12-04T08:16:52');
    expect(await timeOf('canon-2.jpg')).toBe('2003-12-04T19:30:00');
    expect(await timeOf('canon-3.jpg')).toBe('2003-12-05T10:30:00');
    // Outside the session: after the gap, another camera, another folder.
    expect(await timeOf('canon-4.jpg')).toBe('2003-12-08T10:00:00');
    expect(await timeOf('phone-1.jpg')).toBe('2003-12-04T12:00:00.813'); // its SubSecTimeOriginal
    expect(await timeOf('canon-5.jpg')).toBe('2003-12-04T20:00:00');
    const history = unwrap(await core.handlers['dates:shift-list']({ limit: 50 }));
    expect(history[0]).toMatchObject({ id: applied.shiftId, delta: '+1h 30m', fileCount: 3, undoneAt: null });

    // A later hand edit survives the undo.
    const edited = await byName('canon-3.jpg');
    unwrap(await core.handlers['files:set-date']({ id: edited.id, timestamp: '2003-12-05T11:11:11' }));
    const undone = unwrap(await core.handlers['dates:shift-undo']({ shiftId: applied.shiftId }));
    expect(undone).toEqual({ shiftId: applied.shiftId, restored: 2, changedSince: 1 });
    const after = await list();
    for (const name of ['canon-1.jpg', 'canon-2.jpg']) {
      const was = before.find((f) => f.originalName === name)!;
      const now = after.find((f) => f.originalName === name)!;
      expect({ final: now.finalTimestamp, reviewed: now.reviewedAt }).toEqual({ final: was.finalTimestamp, reviewed: was.reviewedAt });
    }
    expect(await timeOf('canon-3.jpg')).toBe('2003-12-05T11:11:11');

    const again = await core.handlers['dates:shift-undo']({ shiftId: applied.shiftId });
    expect(again.ok ? null : again.error.code).toBe('conflict');
    unwrap(await core.handlers['files:set-date']({ id: edited.id, timestamp: null }));
  });

  it('keeps an earlier final time through a shift and its undo', async () => {
    const f = await byName('canon-4.jpg');
    unwrap(await core.handlers['files:set-date']({ id: f.id, timestamp: '2003-12-08T10:00:00+01:00' }));
    const kept = await byName('canon-4.jpg');
    const applied = unwrap(await core.handlers['dates:shift-apply']({ target: { kind: 'files', ids: [f.id] }, change: { kind: 'offset', offset: '-8h' } }));
    expect(applied.items[0]!.after).toBe('2003-12-08T02:00:00+01:00');
    expect(await timeOf('canon-4.jpg')).toBe('2003-12-08T02:00:00+01:00');
    unwrap(await core.handlers['dates:shift-undo']({ shiftId: applied.shiftId }));
    const back = await byName('canon-4.jpg');
    expect([back.finalTimestamp, back.reviewedAt]).toEqual([kept.finalTimestamp, kept.reviewedAt]);
    unwrap(await core.handlers['files:set-date']({ id: f.id, timestamp: null }));
  });

  it('targets a camera model, a folder, an import and chosen files; counts undated files apart', async () => {
    const preview = (target: Parameters<AppCore['handlers']['dates:shift-preview']>[0]['target'], offset = '+1d 2h 3m') =>
      core.handlers['dates:shift-preview']({ target, change: { kind: 'offset', offset } });
    const camera = unwrap(await preview({ kind: 'camera', model: CANON_MODEL }));
    expect(camera.total).toBe(5);
    expect(camera.items[0]!.after).toBe('2003-12-05T08:49:52');
    expect(unwrap(await preview({ kind: 'camera', model: CANON_MODEL, jobId })).total).toBe(5);
    const folder = unwrap(await preview({ kind: 'folder', folder: join(src, 'trip') }));
    expect([folder.total, folder.undated]).toEqual([5, 1]);
    const job = unwrap(await preview({ kind: 'job', jobId }));
    expect([job.total, job.undated]).toEqual([6, 1]);
    const importOf = unwrap(await preview({ kind: 'import-of', fileId: (await byName('canon-5.jpg')).id }));
    expect([importOf.total, importOf.undated, importOf.description]).toEqual([6, 1, `every file of import ${jobId}`]);
    const undated = await byName('IMG_0001.JPG');
    const phone = await byName('phone-1.jpg');
    const chosen = unwrap(await preview({ kind: 'files', ids: [undated.id, phone.id] }));
    expect([chosen.total, chosen.undated]).toEqual([1, 1]);

    const nothing = await core.handlers['dates:shift-apply']({ target: { kind: 'files', ids: [undated.id] }, change: { kind: 'offset', offset: '+1h' } });
    expect(nothing.ok ? null : nothing.error.code).toBe('invalid-argument');
    const unknownCamera = await preview({ kind: 'camera', model: 'No Such Camera' });
    expect(unknownCamera.ok ? null : unknownCamera.error.code).toBe('not-found');
    const badOffset = await preview({ kind: 'camera', model: CANON_MODEL }, '+1 hour');
    expect(badOffset.ok ? null : badOffset.error.message).toMatch(/not a clock correction/);
    const zero = await preview({ kind: 'camera', model: CANON_MODEL }, '0m');
    expect(zero.ok ? null : zero.error.code).toBe('invalid-argument');
    const missingUndo = await core.handlers['dates:shift-undo']({ shiftId: 9999 });
    expect(missingUndo.ok ? null : missingUndo.error.code).toBe('not-found');
  });

  it('a read-only core previews but refuses to apply or undo', async () => {
    const reader = createAppCore({ dbPath: join(tmp, 'db', 'mediaparser.db'), access: 'read', autoStart: false });
    try {
      const f = await byName('canon-1.jpg');
      const request = { target: { kind: 'files' as const, ids: [f.id] }, change: { kind: 'offset' as const, offset: '+1h' } };
      expect((await reader.handlers['dates:shift-preview'](request)).ok).toBe(true);
      const refused = await reader.handlers['dates:shift-apply'](request);
      expect(refused.ok).toBe(false);
      expect(await timeOf('canon-1.jpg')).toBe('2003-12-04T06:46:52');
    } finally {
      await reader.close();
    }
  });
});
