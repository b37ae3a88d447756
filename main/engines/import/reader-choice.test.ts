import { describe, expect, it } from 'vitest';
import { likelyNeedsExiftool } from './reader-choice.js';

describe('likelyNeedsExiftool', () => {
  it('names the formats only ExifTool reads, not the ones exifr or the container readers handle', () => {
    for (const name of ['t.raf', 'u.png', 'v.MKV', 'w.wmv']) {
      expect(likelyNeedsExiftool(name), name).toBe(true);
    }
    // QuickTime/MP4 movies, CR3, AVIF, GIF, WebP, AVI and AVCHD are read without ExifTool unless their content needs it.
    for (const name of ['/a/CLIP.MOV', 'b/clip.mp4', 'z.3gp', 'r.avif', 's.CR3', 'p.gif', 'q.webp', 'y.avi', 'x.mts', '00001.M2TS']) {
      expect(likelyNeedsExiftool(name), name).toBe(false);
    }
    for (const name of ['/a/IMG_1.JPG', 'b.jpeg', 'c.heic', 'd.nef', 'e.dng', 'f.cr2', 'g.tif', 'notes.txt', 'noext', 'x.constructor']) {
      expect(likelyNeedsExiftool(name), name).toBe(false);
    }
  });
});
