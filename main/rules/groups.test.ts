import { describe, expect, it } from 'vitest';
import { findExportGroups } from './groups.js';

const f = (id: number, p: string, local: string | null, contentId: string | null = null) => ({ id, path: p, local, contentId });

describe('findExportGroups', () => {
  it('pairs Live Photos by ContentIdentifier, else by base name within 3 s, and RAW+JPEG within 2 s', () => {
    const groups = findExportGroups([
      f(1, '/a/train.jpg', '2021-04-10T11:44:00.000', 'E905E6C6'),
      f(2, '/a/renamed.mov', '2021-04-10T11:43:59.000', 'E905E6C6'),
      f(3, '/a/IMG_1.HEIC', '2021-04-10T12:00:00.000'),
      f(4, '/a/IMG_1.MOV', '2021-04-10T12:00:02.900'),
      f(5, '/a/DSC_2.JPG', '2021-04-10T13:00:00.000'),
      f(6, '/a/DSC_2.NEF', '2021-04-10T13:00:01.500'),
      f(7, '/a/DSC_3.JPG', '2021-04-10T13:00:00.000'),
      f(8, '/a/DSC_3.NEF', '2021-04-10T13:00:02.500'), // too far apart for a RAW pair
      f(9, '/b/IMG_1.MOV', '2021-04-10T12:00:00.000'), // another folder
      f(10, '/a/IMG_5.JPG', null),
      f(11, '/a/IMG_5.MOV', null), // undated: no proof they are one shot
    ]);
    expect(groups).toEqual([
      { main: 1, members: [2] },
      { main: 3, members: [4] },
      { main: 5, members: [6] },
    ]);
  });
});
