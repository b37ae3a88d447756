/**
 * The library's read queries (list, counts, timeline, folders) against an oracle computed in
 * JavaScript from the raw rows, over a varied library (reviewed, discarded, exported, failed,
 * duplicate, tagged, undated, placeholder-dated files), with every refinement; and the plans that
 * keep them off the wide `files` rows (files_browse_idx, files_folder_idx).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Confidence, FileFilter, TimelineDay, TimestampSource } from '../../../shared/types.js';
import type { ImportedFile } from '../../protocol/workers.js';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { importedFile } from '../../../test-support/imported-file.js';
import { FilesRepo, type Refinements } from './files-repo.js';
import { createJob } from './jobs-repo.js';
import { openDatabase, type OpenDb } from './open-db.js';
import { rng } from '../../../test-support/rng.js';

const FILTERS: FileFilter[] = ['all', 'needs-review', 'undated', 'duplicates', 'discarded', 'exported', 'errors'];

interface Raw {
  id: number;
  original_path: string;
  original_name: string;
  confidence: Confidence;
  final_at: string | null;
  final_precision: string | null;
  detected_at: string | null;
  detected_source: TimestampSource | null;
  discarded: number;
  duplicate_group: number | null;
  error: string | null;
}

describe('FilesRepo list, counts, timeline and folders', () => {
  let tmp: string;
  let db: OpenDb;
  let files: FilesRepo;
  const tagsOf = new Map<number, string[]>();
  const exported = new Set<number>();

  beforeEach(async () => {
    tmp = await makeTempDir('mp-files-repo-');
    db = openDatabase(join(tmp, 'library.db'));
    files = new FilesRepo(db.sqlite);
    const job = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'running');
    const random = rng(11);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const days = ['2019-03-04', '2019-03-05', '2020-12-31', '2021-01-01', '2001-01-01'];
    const folders = ['/photos/2019/Trip', '/photos/2019/Trip/Day 2', '/photos/2020', '/photos/Phone/DCIM', '/photos/a_b%c'];
    const confidences: Confidence[] = ['high', 'medium', 'low', 'none'];
    const sources: TimestampSource[] = ['exif-datetime-original', 'file-mtime', 'filename-datetime'];
    const items: { kind: 'ok'; file: ImportedFile }[] = [];
    for (let i = 0; i < 400; i++) {
      const day = pick(days);
      // Some at midnight on 1 January (a placeholder), some undated.
      const local = random() < 0.12 ? null : day === '2001-01-01' && random() < 0.5 ? '2001-01-01T00:00:00.000' : `${day}T${String(Math.floor(random() * 24)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000`;
      const folder = pick(folders);
      // Same names in different folders, and names that sort before their folder's other names.
      const name = `${pick(['IMG', 'DSC', 'scan', 'Holiday'])}_${String(i % 37).padStart(4, '0')}.jpg`;
      items.push({
        kind: 'ok',
        file: importedFile({
          path: `${folder}/${i}-${name}`,
          name: `${i}-${name}`,
          size: 100 + i,
          // Every 13th file repeats an earlier one's content: exact duplicates.
          sha256: i % 13 === 12 ? `sha-${i - 7}` : `sha-${i}`,
          detected: local === null ? null : { local, offset: null },
          detectedSource: local === null ? null : pick(sources),
          confidence: local === null ? 'none' : pick(confidences),
          tags: random() < 0.3 ? [pick(['Holiday', 'Family', 'Work'])] : [],
          warning: random() < 0.08 ? 'Metadata could not be read' : null,
        }),
      });
    }
    files.recordImported(job.id, items);
    files.recomputeDuplicateGroups();
    const ids = db.sqlite.prepare('SELECT id FROM files ORDER BY id').pluck().all() as number[];
    for (const id of ids) {
      const r = random();
      if (r < 0.1) files.setFinal([id], { local: '2019-03-05T10:00:00.000', offset: null });
      else if (r < 0.15) files.setFinal([id], { local: '1987-12-25T00:00:00.000', offset: null, precision: 'day' });
      else if (r < 0.17) files.setFinal([id], { local: '2001-01-01T00:00:00.000', offset: null, precision: 'year' });
      if (random() < 0.1) files.setDiscarded([id], true);
    }
    db.sqlite.prepare("INSERT INTO archives (root) VALUES ('/archive')").run();
    const archiveId = db.sqlite.prepare('SELECT id FROM archives').pluck().get() as number;
    const copy = db.sqlite.prepare("INSERT INTO archive_copies (archive_id, file_id, rel_path, sha256, size) VALUES (?, ?, ?, 'x', 1)");
    tagsOf.clear();
    exported.clear();
    for (const id of ids) {
      if (random() < 0.25) {
        copy.run(archiveId, id, `copy-${id}.jpg`);
        exported.add(id);
      }
    }
    const tagRows = db.sqlite.prepare('SELECT ft.file_id AS id, t.name AS name FROM file_tags ft JOIN tags t ON t.id = ft.tag_id').all() as { id: number; name: string }[];
    for (const t of tagRows) tagsOf.set(t.id, [...(tagsOf.get(t.id) ?? []), t.name]);
  });

  afterEach(async () => {
    db.close();
    await removeDir(tmp);
  });

  const rows = (): Raw[] =>
    db.sqlite
      .prepare('SELECT id, original_path, original_name, confidence, final_at, final_precision, detected_at, detected_source, discarded, duplicate_group, error FROM files')
      .all() as Raw[];

  const inFilter = (r: Raw, filter: FileFilter): boolean => {
    switch (filter) {
      case 'all':
        return true;
      case 'needs-review':
        return (r.confidence === 'low' || r.confidence === 'none') && r.final_at === null && r.discarded === 0;
      case 'undated':
        return r.final_at === null && r.detected_at === null && r.discarded === 0;
      case 'duplicates':
        return r.duplicate_group !== null;
      case 'discarded':
        return r.discarded === 1;
      case 'exported':
        return exported.has(r.id);
      case 'errors':
        return r.error !== null;
    }
  };

  const refined = (r: Raw, q: Refinements): boolean =>
    (!q.tag || (tagsOf.get(r.id) ?? []).includes(q.tag)) &&
    (!q.folder || r.original_path.startsWith(`${q.folder.replace(/\/+$/, '')}/`)) &&
    (!q.search || r.original_name.toLowerCase().includes(q.search.toLowerCase()));

  const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

  /** The list order: effective time (undated last), name, id; duplicates by group, then id. */
  const expectedOrder = (filter: FileFilter, q: Refinements): number[] =>
    rows()
      .filter((r) => inFilter(r, filter) && refined(r, q))
      .sort((a, b) =>
        filter === 'duplicates'
          ? compare(a.duplicate_group!, b.duplicate_group!) || compare(a.id, b.id)
          : compare(a.final_at ?? a.detected_at ?? '~', b.final_at ?? b.detected_at ?? '~') || compare(a.original_name, b.original_name) || compare(a.id, b.id),
      )
      .map((r) => r.id);

  const expectedTimeline = (filter: FileFilter, q: Refinements): TimelineDay[] => {
    const byDay = new Map<string | null, TimelineDay>();
    for (const r of rows().filter((x) => inFilter(x, filter) && refined(x, q))) {
      const ts = r.final_at ?? r.detected_at;
      const day = ts === null ? null : ts.slice(0, 10);
      const d = byDay.get(day) ?? { day, count: 0, fileTimeOnly: 0, unsure: 0, placeholder: 0 };
      d.count++;
      if (r.final_at === null && r.detected_source === 'file-mtime') d.fileTimeOnly++;
      if (r.final_at === null && r.confidence === 'low') d.unsure++;
      if (ts !== null && ts.slice(5, 19) === '01-01T00:00:00' && r.final_precision === null) d.placeholder++;
      byDay.set(day, d);
    }
    return [...byDay.values()].sort((a, b) => (a.day === null ? 1 : b.day === null ? -1 : compare(a.day, b.day)));
  };

  const REFINEMENTS: Refinements[] = [
    {},
    { tag: 'Holiday' },
    { folder: '/photos/2019/Trip' },
    { folder: '/photos/a_b%c/' },
    { search: 'holiday' },
    { search: '_00' },
    { tag: 'Family', folder: '/photos/2019', search: 'IMG' },
  ];

  it('has every kind of file the filters tell apart', () => {
    const all = rows();
    for (const filter of FILTERS) expect(all.filter((r) => inFilter(r, filter)).length, filter).toBeGreaterThan(3);
    expect(expectedTimeline('all', {}).some((d) => d.placeholder > 0 && d.fileTimeOnly > 0 && d.unsure > 0)).toBe(true);
  });

  it('counts every filter as the list totals it, with and without refinements', () => {
    for (const q of REFINEMENTS) {
      const counts = files.counts(q);
      for (const filter of FILTERS) {
        const expected = expectedOrder(filter, q).length;
        expect(counts[filter], `${filter} ${JSON.stringify(q)}`).toBe(expected);
        expect(files.list({ ...q, filter, offset: 0, limit: 1 }).total, `${filter} ${JSON.stringify(q)}`).toBe(expected);
      }
    }
  });

  it('lists every filter in order, page by page', () => {
    for (const q of REFINEMENTS) {
      for (const filter of FILTERS) {
        const expected = expectedOrder(filter, q);
        const got: number[] = [];
        for (let offset = 0; offset < expected.length + 7; offset += 7) got.push(...files.list({ ...q, filter, offset, limit: 7 }).items.map((f) => f.id));
        expect(got, `${filter} ${JSON.stringify(q)}`).toEqual(expected);
      }
    }
  });

  it('gives each list its days with their suspicious files', () => {
    for (const q of REFINEMENTS) {
      for (const filter of FILTERS) {
        expect(files.timeline({ ...q, filter }), `${filter} ${JSON.stringify(q)}`).toEqual(expectedTimeline(filter, q));
      }
    }
  });

  it('lists the folders that hold files, with how many', () => {
    const expected = new Map<string, number>();
    for (const r of rows()) {
      const folder = r.original_path.slice(0, r.original_path.lastIndexOf('/'));
      expected.set(folder, (expected.get(folder) ?? 0) + 1);
    }
    expect(files.folders()).toEqual([...expected].sort((a, b) => compare(a[0], b[0])).map(([path, count]) => ({ path, count })));
  });

  it('answers again from memory only while nothing changed, whoever changes the database', () => {
    const snapshot = () => ({
      counts: files.counts({}),
      refined: files.counts({ tag: 'Holiday' }),
      timeline: files.timeline({ filter: 'needs-review' }),
      folders: files.folders(),
      total: files.list({ filter: 'undated', offset: 0, limit: 1 }).total,
    });
    const expected = () => ({
      counts: Object.fromEntries(FILTERS.map((f) => [f, expectedOrder(f, {}).length])),
      refined: Object.fromEntries(FILTERS.map((f) => [f, expectedOrder(f, { tag: 'Holiday' }).length])),
      timeline: expectedTimeline('needs-review', {}),
      total: expectedOrder('undated', {}).length,
    });
    const first = snapshot();
    const again = snapshot();
    // Nothing changed: the same answers, not recomputed.
    expect(again.counts).toBe(first.counts);
    expect(again.timeline).toBe(first.timeline);
    expect(again.folders).toBe(first.folders);

    const undatedIds = () => expectedOrder('undated', {});
    const changes: [string, () => void][] = [
      ['a date set through the repo', () => files.setFinal([undatedIds()[0]!], { local: '2019-03-04T08:00:00.000', offset: null })],
      ['a discard through the repo', () => files.setDiscarded([undatedIds()[0]!], true)],
      ['an update in plain SQL on this connection', () => db.sqlite.prepare("UPDATE files SET confidence = 'low', final_at = NULL WHERE id = (SELECT MIN(id) FROM files WHERE confidence = 'high' AND discarded = 0)").run()],
      [
        'a commit by another connection (a worker, another process)',
        () => {
          const other = openDatabase(join(tmp, 'library.db'));
          other.sqlite.prepare("UPDATE files SET detected_at = NULL, final_at = NULL, discarded = 0 WHERE id IN (SELECT id FROM files WHERE detected_at IS NOT NULL ORDER BY id LIMIT 3)").run();
          other.close();
        },
      ],
      ['a new file in a new folder', () => {
        const job = createJob(db.db, 'import', { sourceFolders: ['/photos'] }, 'running');
        files.recordImported(job.id, [{ kind: 'ok', file: importedFile({ path: '/photos/New/x.jpg', name: 'x.jpg', size: 1, sha256: 'sha-new', tags: ['Holiday'] }) }]);
        tagsOf.set(db.sqlite.prepare("SELECT id FROM files WHERE original_path = '/photos/New/x.jpg'").pluck().get() as number, ['Holiday']);
      }],
    ];
    let before = snapshot();
    for (const [what, change] of changes) {
      change();
      const after = snapshot();
      expect(after, what).toMatchObject(expected());
      expect(after, what).not.toEqual(before);
      before = after;
    }
    expect(before.folders).toContainEqual({ path: '/photos/New', count: 1 });
  });

  it('reads the counts, the timeline, the list totals and the folders from the narrow indexes, not the wide rows', () => {
    const seen: string[] = [];
    const prepare = db.sqlite.prepare.bind(db.sqlite);
    const spy = vi.spyOn(db.sqlite, 'prepare').mockImplementation((sql: string) => {
      seen.push(sql);
      return prepare(sql);
    });
    files.counts({});
    for (const filter of FILTERS) {
      files.timeline({ filter });
      files.list({ filter, offset: 0, limit: 10 });
    }
    files.folders();
    spy.mockRestore();
    const plan = (sql: string): string =>
      (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ limit: 10, offset: 0 }) as { detail: string }[]).map((p) => p.detail).join(' / ');
    const reads = seen.filter((sql) => !sql.startsWith('SELECT f.*'));
    // counts, a COUNT and a timeline per filter, folders
    expect(reads).toHaveLength(1 + 2 * FILTERS.length + 1);
    for (const sql of reads) {
      const p = plan(sql);
      // A COUNT(*) may count any index that holds what its filter reads (an index of its own for
      // `duplicates`; `exported` asks archive_copies per file); the counts and the timeline read the
      // browse index's columns.
      // The folders come in the folder index's order, grouped without a sort (a row is read once per folder).
      if (/FROM files GROUP BY path/.test(sql)) expect(p, sql).toMatch(/^SCAN files USING INDEX files_folder_idx$/);
      else if (/^SELECT COUNT\(\*\)/.test(sql)) expect(p, sql).toMatch(/^(SCAN|SEARCH) (f|files) USING COVERING INDEX \w+/);
      else expect(p, sql).toMatch(/^SCAN f USING COVERING INDEX files_browse_idx|^SEARCH f USING INDEX files_duplicate_group_idx/);
      expect(p, sql).not.toMatch(/SCAN (f|files)\b(?! USING)/);
    }
  });
});
