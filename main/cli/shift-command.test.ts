/** `mediaparser shift` as a real process (the package bin) on a real library of real photos. */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftApplied, ShiftPreview, ShiftRecord } from '../../shared/date-shift.js';
import type { FileSummary } from '../../shared/types.js';
import { CANON_MODEL, buildClockFixture } from '../../test-support/clock-fixture.js';
import { corpusAvailable, makeTempDir, removeDir } from '../../test-support/corpus.js';

const bin = fileURLToPath(new URL('../../bin/mediaparser.mjs', import.meta.url));

function mediaparser(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, TZ: 'UTC' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

describe.skipIf(!corpusAvailable())('mediaparser shift', () => {
  let tmp: string;
  let db: string;
  let src: string;
  let files: FileSummary[];
  const id = (name: string): number => files.find((f) => f.originalName === name)!.id;
  const times = async (): Promise<Record<string, string | null>> => {
    const listed = JSON.parse((await mediaparser(['files', '--db', db, '--json'])).out) as FileSummary[];
    return Object.fromEntries(listed.map((f) => [f.originalName, f.finalTimestamp ?? f.detectedTimestamp]));
  };

  beforeAll(async () => {
    tmp = await makeTempDir('cli-shift');
    db = join(tmp, 'mediaparser.db');
    src = join(tmp, 'photos');
    await mkdir(src, { recursive: true });
    await buildClockFixture(src);
    const imported = await mediaparser(['import', src, '--db', db, '--json']);
    expect(imported.code, imported.err).toBe(0);
    files = JSON.parse((await mediaparser(['files', '--db', db, '--json'])).out) as FileSummary[];
  }, 120_000);
  afterAll(() => removeDir(tmp));

  it('--dry-run prints the times and archive names before and after, and changes nothing', async () => {
    const before = await times();
    const text = await mediaparser(['shift', '-8h', '--camera', CANON_MODEL, '--dry-run', '--db', db]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`Clock correction -8h for every file from ${CANON_MODEL}: 5 files`);
    expect(text.out).toMatch(/2003-12-04T06:46:52 {2}-> {2}2003-12-03T22:46:52 {3}2003\/20031204_064652\.jpg {2}-> {2}2003\/20031203_224652\.jpg/);
    expect(text.out).toContain('Dry run: nothing was changed.');
    const json = await mediaparser(['shift', '+1d', '2h', '3m', '--file', String(id('canon-1.jpg')), String(id('IMG_0001.JPG')), '--dry-run', '--json', '--db', db]);
    const preview = JSON.parse(json.out) as ShiftPreview & { dryRun: boolean };
    expect(preview).toMatchObject({ dryRun: true, delta: '+1d 2h 3m', total: 1, undated: 1 });
    expect(preview.items[0]!.after).toBe('2003-12-05T08:49:52');
    expect(await times()).toEqual(before);
  }, 60_000);

  it('applies a negative offset to an import, then --undo restores every time', async () => {
    const before = await times();
    const jobs = JSON.parse((await mediaparser(['jobs', '--db', db, '--json'])).out) as { id: number }[];
    const applied = await mediaparser(['shift', '-1d 30m', '--job', String(jobs[0]!.id), '--json', '--db', db]);
    expect(applied.code, applied.err).toBe(0);
    const result = JSON.parse(applied.out) as ShiftApplied;
    expect([result.updated, result.undated, result.delta]).toEqual([6, 1, '-1d 30m']);
    const shifted = await times();
    expect(shifted['canon-2.jpg']).toBe('2003-12-03T17:30:00');
    expect(shifted['IMG_0001.JPG']).toBeNull();

    const listed = JSON.parse((await mediaparser(['shift', '--list', '--json', '--db', db])).out) as ShiftRecord[];
    expect(listed[0]).toMatchObject({ id: result.shiftId, fileCount: 6, undoneAt: null });

    const undo = await mediaparser(['shift', '--undo', String(result.shiftId), '--db', db]);
    expect(undo.code, undo.err).toBe(0);
    expect(undo.out).toContain(`Clock correction ${result.shiftId} undone: 6 files back at their earlier time.`);
    expect(await times()).toEqual(before);
    const again = await mediaparser(['shift', '--undo', String(result.shiftId), '--db', db]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already undone');
  }, 60_000);

  it('--to corrects the rest of the camera session', async () => {
    const r = await mediaparser(['shift', '--file', String(id('canon-2.jpg')), '--to', '2003-12-04T17:00:00', '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Clock correction -1h for the session of canon-2.jpg');
    expect(r.out).toMatch(/Undo with: mediaparser shift --undo \d+/);
    const now = await times();
    expect([now['canon-1.jpg'], now['canon-3.jpg'], now['canon-4.jpg'], now['canon-5.jpg']]).toEqual([
      '2003-12-04T05:46:52',
      '2003-12-05T08:00:00',
      '2003-12-08T10:00:00',
      '2003-12-04T20:00:00',
    ]);
  }, 60_000);

  it('usage and input errors exit with status 2 and say why', async () => {
    const noTarget = await mediaparser(['shift', '+1h', '--db', db]);
    expect([noTarget.code, noTarget.err.includes('--camera MODEL')]).toEqual([2, true]);
    const badOffset = await mediaparser(['shift', '+1 hour', '--camera', CANON_MODEL, '--db', db]);
    expect([badOffset.code, badOffset.err.includes('not a clock correction')]).toEqual([2, true]);
    const both = await mediaparser(['shift', '+1h', '--camera', CANON_MODEL, '--folder', src, '--db', db]);
    expect(both.code).toBe(2);
    const missing = await mediaparser(['shift', '+1h', '--file', '99999', '--json', '--db', db]);
    expect(missing.code).toBe(2);
    expect((JSON.parse(missing.out) as { error: { code: string } }).error.code).toBe('not-found');
  }, 60_000);
});
