/** "Show in folder" reaches only the folders the user imported from or exported to (real db, temp folders). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from './app-core.js';
import { createJob } from './db/jobs-repo.js';
import { files } from './db/schema.js';
import { writeSettings } from './db/settings-repo.js';
import type { HostServices } from './handlers.js';
import { headlessHost } from './handlers.js';
import { isInside, knownPlaces } from './known-places.js';
import { makeTempDir, removeDir } from '../../test-support/corpus.js';

describe('known places', () => {
  let tmp: string;
  let core: AppCore;
  let shown: string[];
  const dirs = { oldImport: '', source: '', archive: '', settingsArchive: '', elsewhere: '' };

  beforeEach(async () => {
    tmp = await makeTempDir('known-places');
    for (const key of Object.keys(dirs) as (keyof typeof dirs)[]) {
      dirs[key] = join(tmp, key);
      await mkdir(join(dirs[key], '2024'), { recursive: true });
      await writeFile(join(dirs[key], '2024', '20240101_120000.jpg'), 'x');
    }
    shown = [];
    const host: HostServices = {
      ...headlessHost,
      showPath: async (path) => {
        shown.push(path);
        return { ok: true, value: { shown: true } };
      },
    };
    core = createAppCore({ dbPath: join(tmp, 'db', 'mediaparser.db'), host, autoStart: false, thumbnailCacheDir: join(tmp, 'thumbs') });
    const db = core.db.db;
    // A file whose import job is gone still names its root.
    db.insert(files).values({ originalPath: join(dirs.oldImport, 'a.jpg'), originalName: 'a.jpg', importRoot: dirs.oldImport, size: 1 }).run();
    createJob(db, 'import', { sourceFolders: [dirs.source] }, 'completed');
    createJob(db, 'export', { outputDir: dirs.archive, importJobId: 1 }, 'completed');
    writeSettings(db, { outputDirectory: dirs.settingsArchive });
  });

  afterEach(async () => {
    await core.close();
    await removeDir(tmp);
  });

  it('lists import roots, import source folders, export folders and the output setting', () => {
    expect(knownPlaces(core.db.db).sort()).toEqual([dirs.archive, dirs.oldImport, dirs.settingsArchive, dirs.source].sort());
  });

  it('shows a file inside an archive or a source folder, and the folders themselves', async () => {
    const inArchive = join(dirs.archive, '2024', '20240101_120000.jpg');
    const inSettingsArchive = join(dirs.settingsArchive, '2024');
    for (const path of [inArchive, inSettingsArchive, dirs.source, join(dirs.oldImport, '2024', '20240101_120000.jpg')]) {
      expect(await core.handlers['shell:show-path']({ path }), path).toEqual({ ok: true, value: { shown: true } });
    }
    expect(shown).toEqual([inArchive, inSettingsArchive, dirs.source, join(dirs.oldImport, '2024', '20240101_120000.jpg')]);
  });

  it('refuses anything outside them, existing or not, before the host sees it', async () => {
    const outside = [
      join(dirs.elsewhere, '2024', '20240101_120000.jpg'),
      dirs.elsewhere,
      tmp,
      join(dirs.archive, '..', 'elsewhere'),
      `${dirs.archive}-sibling`,
      join(tmp, 'no', 'such', 'place'),
      '/',
    ];
    for (const path of outside) {
      const result = await core.handlers['shell:show-path']({ path });
      expect(result, path).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    }
    expect(shown).toEqual([]);
  });

  it('reports a vanished file inside a known place as not-found', async () => {
    const result = await core.handlers['shell:show-path']({ path: join(dirs.archive, '2024', 'gone.jpg') });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('isInside', () => {
  it('treats a root and its descendants as inside, siblings and climbs as outside', () => {
    const roots = ['/photos/archive'];
    expect(isInside('/photos/archive', roots)).toBe(true);
    expect(isInside('/photos/archive/2024/x.jpg', roots)).toBe(true);
    expect(isInside('/photos/archive/..hidden', roots)).toBe(true);
    expect(isInside('/photos/archive-old/x.jpg', roots)).toBe(false);
    expect(isInside('/photos/archive/../other', roots)).toBe(false);
    expect(isInside('/photos', roots)).toBe(false);
    expect(isInside('/anything', [])).toBe(false);
  });
});
