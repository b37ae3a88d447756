import { describe, expect, it } from 'vitest';
import { likelyNeedsExiftool } from './metadata.js';

describe('likelyNeedsExiftool', () => {
  it('names videos and the image formats exifr does not read, not the ones it does', () => {
    for (const name of ['/a/CLIP.MOV', 'b/clip.mp4', 'x.mts', 'y.avi', 'z.3gp', 'p.gif', 'q.webp', 'r.avif', 's.CR3', 't.raf', 'u.png']) {
      expect(likelyNeedsExiftool(name), name).toBe(true);
    }
    for (const name of ['/a/IMG_1.JPG', 'b.jpeg', 'c.heic', 'd.nef', 'e.dng', 'f.cr2', 'g.tif', 'notes.txt', 'noext', 'x.constructor']) {
      expect(likelyNeedsExiftool(name), name).toBe(false);
    }
  });
});
