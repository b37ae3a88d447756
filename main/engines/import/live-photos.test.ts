import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LivePhotoCandidates, needsContentId } from './live-photos.js';

const dir = path.join(path.sep, 'photos', 'iphone');
const at = (name: string): string => path.join(dir, name);
const still = (name: string, local: string | null, contentId?: string) => ({ path: at(name), mediaType: 'image' as const, detected: local ? { local } : null, ...(contentId ? { contentId } : {}) });
const video = (name: string, local: string | null, contentId?: string) => ({ path: at(name), mediaType: 'video' as const, detected: local ? { local } : null, ...(contentId ? { contentId } : {}) });

describe('needsContentId', () => {
  it('names the stills and videos of mixed folders that no same-named partner explains', () => {
    const paths = ['IMG_1.HEIC', 'IMG_1.MOV', 'IMG_2.JPG', 'clip.mov', 'IMG_3.jpg'].map(at);
    expect([...needsContentId(paths)].sort()).toEqual(['IMG_2.JPG', 'IMG_3.jpg', 'clip.mov'].map(at).sort());
    expect(needsContentId(['a.jpg', 'b.jpg'].map(at)).size).toBe(0);
  });
});

describe('LivePhotoCandidates', () => {
  const make = (files: ReturnType<typeof still | typeof video>[]): LivePhotoCandidates => {
    const c = new LivePhotoCandidates(needsContentId(files.map((f) => f.path)));
    for (const f of files) c.seen(f);
    return c;
  };

  it('reads nothing when no video carries an identifier (ordinary phone videos)', () => {
    expect(make([still('IMG_2.JPG', '2021-04-10T11:44:00'), video('VID_9.MOV', '2021-04-10T11:44:00')]).stillsToRead()).toEqual([]);
  });

  it('reads the stills dated within 10 s of a video whose identifier nothing explains', () => {
    const c = make([
      still('near.JPG', '2021-04-10T11:44:05'),
      still('far.JPG', '2021-04-10T12:00:00'),
      still('undated.JPG', null),
      video('clip.MOV', '2021-04-10T11:43:59', 'ID-1'),
    ]);
    expect(c.stillsToRead()).toEqual([at('near.JPG'), at('undated.JPG')]);
  });

  it('reads nothing for a video already explained by a still that carried the same identifier', () => {
    expect(make([still('a.HEIC', '2021-04-10T11:44:00', 'ID-1'), still('b.JPG', '2021-04-10T11:44:01'), video('clip.MOV', '2021-04-10T11:44:00', 'ID-1')]).stillsToRead()).toEqual([]);
  });

  it('an undated video makes every still of its folder a candidate, another folder none', () => {
    const other = path.join(path.sep, 'photos', 'other', 'x.JPG');
    const c = new LivePhotoCandidates(new Set([at('a.JPG'), at('clip.MOV'), other]));
    c.seen(still('a.JPG', '2001-01-01T00:00:00'));
    c.seen({ path: other, mediaType: 'image', detected: { local: '2021-04-10T11:44:00' } });
    c.seen(video('clip.MOV', null, 'ID-2'));
    expect(c.stillsToRead()).toEqual([at('a.JPG')]);
  });
});
