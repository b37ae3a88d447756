import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/corpus.js';
import { nodeFs, type ExportFs } from './copy.js';
import { ArchiveState, DurableResults, withParents } from './archive-actions.js';

describe('withParents', () => {
  const root = path.join(path.sep, 'archive');
  it('adds every folder between a synced folder and the archive root, and nothing above it', () => {
    expect(withParents([path.join(root, '2003', '12')], root).sort()).toEqual([root, path.join(root, '2003'), path.join(root, '2003', '12')].sort());
    expect(withParents([root], root)).toEqual([root]);
    expect(withParents([path.join(root, '2004'), path.join(root, '2005')], root).sort()).toEqual([root, path.join(root, '2004'), path.join(root, '2005')].sort());
  });
});

describe('DurableResults', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('durable');
  });
  afterEach(async () => {
    await removeDir(root);
  });

  it("syncs a new nested folder's parents with the batch before it reports the copy", () => {
    const synced: string[] = [];
    const opened = new Map<number, string>();
    const fs: ExportFs = {
      ...nodeFs,
      openSync: (p, flags, mode) => {
        const fd = nodeFs.openSync(p, flags, mode);
        opened.set(fd, String(p));
        return fd;
      },
      fsyncSync: (fd) => {
        synced.push(opened.get(fd) ?? `fd ${fd}`);
        nodeFs.fsyncSync(fd);
      },
    };
    const nested = path.join(root, '2003', '12');
    mkdirSync(nested, { recursive: true });
    const reported: unknown[] = [];
    const durable = new DurableResults(new ArchiveState(root, 1, fs), (m) => reported.push({ synced: [...synced], m }), (e) => {
      throw e;
    }, fs);
    durable.add({ fileId: 7, outcome: 'copied', relPath: '2003/12/20031204_064652.jpg', sha256: 'a'.repeat(64), size: 1, mtimeMs: 0, bytes: 1 }, nested, null);
    durable.flush();
    expect(reported).toHaveLength(1);
    const before = (reported[0] as { synced: string[] }).synced;
    for (const dir of [nested, path.join(root, '2003'), root]) expect(before, dir).toContain(dir);
  });
});
