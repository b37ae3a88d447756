import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobSummary } from '../../test-support/job-summary.js';
import {
  e2ePickedPaths,
  formatLogEntry,
  openDialogOptions,
  resolveDesktopPaths,
  resumePrompt,
  showPath,
} from './host.js';

describe('resolveDesktopPaths', () => {
  it('keeps the database and its thumbnails in the user-data folder', () => {
    expect(resolveDesktopPaths({}, '/home/u/.config/MediaParser')).toEqual({
      dbPath: '/home/u/.config/MediaParser/mediaparser.db',
      thumbnailCacheDir: '/home/u/.config/MediaParser/thumbnails',
    });
  });

  it('uses MEDIAPARSER_DB, with a thumbnail cache of its own', () => {
    expect(resolveDesktopPaths({ MEDIAPARSER_DB: '/data/test.db' }, '/ignored')).toEqual({
      dbPath: '/data/test.db',
      thumbnailCacheDir: '/data/test.db-thumbnails',
    });
    expect(resolveDesktopPaths({ MEDIAPARSER_DB: '  ' }, '/u').dbPath).toBe('/u/mediaparser.db');
  });
});

describe('e2ePickedPaths', () => {
  const env = {
    MEDIAPARSER_E2E_PICK_SOURCE: ['/a', '/b c', 'relative'].join(delimiter),
    MEDIAPARSER_E2E_PICK_OUTPUT: '/out',
  };

  it('is ignored unless the e2e flag is on', () => {
    expect(e2ePickedPaths(env, 'source')).toBeNull();
    expect(e2ePickedPaths({ ...env, MEDIAPARSER_E2E: 'true' }, 'source')).toBeNull();
  });

  it('answers from the variables, absolute paths only', () => {
    const on = { ...env, MEDIAPARSER_E2E: '1' };
    expect(e2ePickedPaths(on, 'source')).toEqual(['/a', '/b c']);
    expect(e2ePickedPaths(on, 'output')).toEqual(['/out']);
    expect(e2ePickedPaths({ MEDIAPARSER_E2E: '1' }, 'output')).toBeNull();
    expect(e2ePickedPaths({ MEDIAPARSER_E2E: '1', MEDIAPARSER_E2E_PICK_OUTPUT: '' }, 'output')).toEqual([]);
  });
});

describe('openDialogOptions', () => {
  it('lets sources be picked several at a time', () => {
    expect(openDialogOptions('source', true, null).properties).toEqual([
      'openDirectory',
      'multiSelections',
      'dontAddToRecent',
    ]);
    expect(openDialogOptions('source', false, null).properties).not.toContain('multiSelections');
    expect(openDialogOptions('source', false, null).properties).not.toContain('createDirectory');
  });

  it('lets the output folder be created and starts from the current one', () => {
    const options = openDialogOptions('output', true, '/media/archive');
    expect(options.properties).toEqual(['openDirectory', 'createDirectory', 'dontAddToRecent']);
    expect(options.defaultPath).toBe('/media/archive');
    expect('defaultPath' in openDialogOptions('output', false, null)).toBe(false);
  });
});

describe('resumePrompt', () => {
  it('offers nothing when nothing is unfinished', () => {
    expect(resumePrompt([])).toBeNull();
  });

  it('offers the newest unfinished job and mentions the others', () => {
    const prompt = resumePrompt([jobSummary({ id: 3, type: 'import', status: 'paused' }), jobSummary({ id: 5 })]);
    expect(prompt).toMatchObject({
      jobId: 5,
      message: 'Your last export was interrupted after 1,234 of 5,000 files. Resume it now?',
      buttons: ['Resume', 'Not now'],
      defaultId: 0,
      cancelId: 1,
    });
    expect(prompt?.detail).toContain('One more job is waiting in Jobs.');
    expect(resumePrompt([jobSummary({ status: 'paused', type: 'import', filesTotal: 0 })])?.message).toBe(
      'Your last import was paused. Resume it now?',
    );
  });
});

describe('showPath', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-show-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function deps() {
    const calls: string[] = [];
    return {
      calls,
      deps: {
        revealItem: (p: string) => {
          calls.push(`reveal ${p}`);
        },
      },
    };
  }

  it('reveals folders and files alike, never opening either (an .app bundle is a folder)', async () => {
    const file = join(dir, '20200101_120000.jpg');
    const bundle = join(dir, 'Calculator.app');
    await writeFile(file, 'x');
    await mkdir(bundle);
    const d = deps();
    expect(await showPath(dir, d.deps)).toEqual({ ok: true, value: { shown: true } });
    expect(await showPath(file, d.deps)).toEqual({ ok: true, value: { shown: true } });
    expect(await showPath(bundle, d.deps)).toEqual({ ok: true, value: { shown: true } });
    expect(d.calls).toEqual([`reveal ${dir}`, `reveal ${file}`, `reveal ${bundle}`]);
  });

  it('reports missing and relative paths without revealing anything', async () => {
    const d = deps();
    expect(await showPath(join(dir, 'gone'), d.deps)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await showPath('relative/path', d.deps)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(d.calls).toEqual([]);
  });
});

describe('formatLogEntry', () => {
  const at = new Date('2026-11-26T05:00:00.000Z');
  it('writes the time, the message and the indented stack', () => {
    const error = new Error('kaboom');
    const entry = formatLogEntry('Handler threw', error, at);
    expect(entry.startsWith('[2026-11-26T05:00:00.000Z] Handler threw\n    Error: kaboom\n    ')).toBe(true);
    expect(entry).toContain('host.test.ts');
    expect(entry.endsWith('\n')).toBe(true);
  });

  it('writes a message alone, or a thrown non-error as text', () => {
    expect(formatLogEntry('Refused', null, at)).toBe('[2026-11-26T05:00:00.000Z] Refused\n');
    expect(formatLogEntry('Odd', 'a string', at)).toBe('[2026-11-26T05:00:00.000Z] Odd\n    a string\n');
  });
});
