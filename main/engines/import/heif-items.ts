/**
 * The EXIF and XMP items of a HEIF/AVIF still. exifr's HEIF reader does not know every brand,
 * ignores iloc base offsets (so it misreads some AVIFs) and skips the XMP item, which ExifTool
 * reads. Here the items are located, the EXIF block is handed to exifr as TIFF and the XMP
 * dates are read as ExifTool reports them (see xmp-dates.ts), so both readers give the same
 * candidates.
 *
 * Only what locating the item needs is read: the item types of `iinf` and the extents of `iloc`
 * (ISO/IEC 23008-12 and 14496-12). Anything unexpected (old box versions, several EXIF or XMP
 * items, a compressed or indirect item, other metadata items) answers null, and the file goes
 * to ExifTool as before.
 */
import { boxes, fail, HeifUnsupported, itemInfos, itemLocations, type ItemLocation } from './heif-boxes.js';
import { xmpDatesLikeExiftool } from './xmp-dates.js';

/** The bytes of one item stored in the file itself (construction method 0), extents joined. */
function itemBytes(file: Buffer, locations: Map<number, ItemLocation>, wanted: number): Buffer {
  const loc = locations.get(wanted) ?? fail();
  if (loc.method !== 0) fail();
  const parts = loc.extents.map(({ offset, length }) => {
    if (length === 0 || offset + length > file.length) fail();
    return file.subarray(offset, offset + length);
  });
  return Buffer.concat(parts);
}

export interface HeifItems {
  /** The EXIF item's TIFF block (after its header offset), null when the file has none. */
  exifTiff: Buffer | null;
  /** The XMP item's capture dates as ExifTool reports them (empty without an XMP item). */
  xmp: { tag: string; value: string }[];
}

/** The metadata items of a HEIF/AVIF file held whole in memory; null when only ExifTool can tell. */
export function heifItems(file: Buffer): HeifItems | null {
  try {
    const meta = boxes(file, 0, file.length).filter((b) => b.type === 'meta');
    if (meta.length !== 1) return null;
    const inner = boxes(file, meta[0]!.start + 4, meta[0]!.end);
    const iinf = inner.filter((b) => b.type === 'iinf');
    const iloc = inner.filter((b) => b.type === 'iloc');
    if (iinf.length !== 1 || iloc.length !== 1) return null;
    const items = [...itemInfos(file, iinf[0]!, true).entries()];
    const locations = itemLocations(file, iloc[0]!);
    const exif = items.filter(([, i]) => i.type === 'Exif');
    const mime = items.filter(([, i]) => i.type === 'mime');
    if (exif.length > 1 || mime.length > 1) return null;
    let exifTiff: Buffer | null = null;
    if (exif.length === 1) {
      const block = itemBytes(file, locations, exif[0]![0]);
      // The item starts with the offset of the TIFF header after these 4 bytes ("Exif\0\0": 6).
      const headerOffset = block.readUInt32BE(0);
      if (4 + headerOffset + 8 > block.length) return null;
      exifTiff = block.subarray(4 + headerOffset);
    }
    let xmp: { tag: string; value: string }[] = [];
    if (mime.length === 1) {
      const [id, item] = mime[0]!;
      if (item.contentType !== 'application/rdf+xml' || (item.encoding ?? '') !== '') return null;
      const found = xmpDatesLikeExiftool(itemBytes(file, locations, id).toString('utf8'));
      if (found === null) return null;
      xmp = found;
    }
    return { exifTiff, xmp };
  } catch (e) {
    if (e instanceof HeifUnsupported || e instanceof RangeError) return null;
    throw e;
  }
}
