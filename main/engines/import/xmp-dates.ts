/**
 * The XMP capture dates of an XMP packet found inside a container (a movie's XMP_ atom or uuid
 * box, a CR3's XMP box, a HEIF's XMP item), as ExifTool reports them: the packet is parsed by
 * exifr's XMP parser, and each value is converted the way ExifTool converts XMP dates, so the
 * candidates are the same whichever reader read the file.
 *
 * Only the four properties the import uses are looked at (photoshop:DateCreated,
 * exif:DateTimeOriginal, xmp:CreateDate, exif:DateTimeDigitized). ExifTool names properties of
 * unknown namespaces after their local name, so a `DateCreated` in any other namespace would
 * count for it too: such packets (and repeated or structured values) answer null, and the file
 * is left to ExifTool.
 */
import exifr from 'exifr';

/** Namespace URI -> property -> ExifTool's group-1 tag name, in the import's XMP trust order. */
const KNOWN: Record<string, Record<string, string>> = {
  'http://ns.adobe.com/photoshop/1.0/': { DateCreated: 'XMP-photoshop:DateCreated' },
  'http://ns.adobe.com/exif/1.0/': { DateTimeOriginal: 'XMP-exif:DateTimeOriginal', DateTimeDigitized: 'XMP-exif:DateTimeDigitized' },
  'http://ns.adobe.com/xap/1.0/': { CreateDate: 'XMP-xmp:CreateDate' },
};
const ORDER = ['XMP-photoshop:DateCreated', 'XMP-exif:DateTimeOriginal', 'XMP-xmp:CreateDate', 'XMP-exif:DateTimeDigitized'];
const DATE_PROPERTY = /(<|\s)([\w.-]+):(DateCreated|DateTimeOriginal|CreateDate|DateTimeDigitized)\b/g;
const NAMESPACE = /xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g;

/** ExifTool's XMP::ConvertXMPDate: ISO dates back to EXIF style (`2020-01-05T15:04Z` -> `2020:01:05 15:04Z`). */
export function convertXmpDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}:\d{2})(:\d{2})?\s*(\S*)$/.exec(value);
  if (m) return `${m[1]}:${m[2]}:${m[3]} ${m[4]}${m[5] ?? ''}${m[6]}`;
  if (/^(\d{4})(-\d{2}){0,2}/.test(value)) return value.replace(/-/g, ':');
  return value;
}

type XmpParser = { parse(packet: string): Record<string, Record<string, unknown> | undefined> | undefined };

/**
 * The packet's capture dates in the import's order, each tagged as ExifTool tags it; an empty
 * list when it has none; null when only ExifTool can say (see above).
 */
export function xmpDatesLikeExiftool(packet: string): { tag: string; value: string }[] | null {
  const prefixes = new Map<string, string>();
  for (const m of packet.matchAll(NAMESPACE)) {
    const known = prefixes.get(m[1]!);
    if (known !== undefined && known !== m[2]) return null;
    prefixes.set(m[1]!, m[2]!);
  }
  const wanted = new Map<string, { prefix: string; name: string }>();
  for (const m of packet.matchAll(DATE_PROPERTY)) {
    const prefix = m[2]!;
    const name = m[3]!;
    const tag = KNOWN[prefixes.get(prefix) ?? '']?.[name];
    if (tag === undefined) return null;
    if (wanted.has(tag)) return null;
    if (m[1] === '<') {
      // An element: only plain text content (no attributes, list or structure) is read here.
      const open = `<${prefix}:${name}>`;
      const close = `</${prefix}:${name}>`;
      const contentStart = m.index + open.length;
      const contentEnd = packet.indexOf(close, contentStart);
      if (!packet.startsWith(open, m.index) || contentEnd < 0) return null;
      const content = packet.slice(contentStart, contentEnd);
      if (content.includes('<') || content !== content.trim()) return null;
    }
    wanted.set(tag, { prefix, name });
  }
  if (wanted.size === 0) return [];
  let parsed: ReturnType<XmpParser['parse']>;
  try {
    parsed = (exifr.segmentParsers.get('xmp') as XmpParser).parse(packet);
  } catch {
    return null;
  }
  const out: { tag: string; value: string }[] = [];
  for (const tag of ORDER) {
    const where = wanted.get(tag);
    if (where === undefined) continue;
    const raw = parsed?.[where.prefix]?.[where.name];
    // exifr turns digit-only text into numbers: only a bare year survives that unchanged.
    if (typeof raw === 'number' && !(Number.isInteger(raw) && raw >= 1000 && raw <= 9999)) return null;
    if (typeof raw !== 'string' && typeof raw !== 'number') return null;
    // Entities are decoded by ExifTool; leave such values to it.
    if (typeof raw === 'string' && raw.includes('&')) return null;
    const value = convertXmpDate(String(raw));
    if (value.trim() !== '') out.push({ tag, value });
  }
  return out;
}
