/**
 * Google Takeout: every photo or video comes with a JSON file beside it whose `photoTakenTime`
 * is the capture instant (UTC seconds) Google Photos kept, often the only date of a WhatsApp
 * image or an edited copy. The JSON is named after the media file in several ways:
 *
 * - `IMG_1.jpg.json`, and in newer exports `IMG_1.jpg.supplemental-metadata.json`;
 * - a name Takeout truncated to 51 characters (`…supplemental-metad.json`, or the media name
 *   itself cut short: `a-very-long-name-of-a-pho.json`);
 * - a duplicate's counter moved behind the extension: `IMG_1(1).jpg` <-> `IMG_1.jpg(1).json`
 *   (`IMG_1.jpg.supplemental-metadata(1).json`);
 * - an edited copy (`IMG_1-edited.jpg`) shares its original's JSON.
 */
import { readFileSync } from 'node:fs';

/** Takeout cuts a JSON file's name to this many characters, `.json` included. */
const MAX_JSON_NAME = 51;
const SUPPLEMENTAL = '.supplemental-metadata';
/** Suffixes Google Photos gives edited copies, in the export's language. */
const EDITED = /-(edited|bearbeitet|modifié|modificato|editado|bewerkt|redigerad|muokattu|edytowane|upravené|編集済み)$/i;

export interface TakeoutMatch {
  /** The JSON's file name in the media file's folder. */
  name: string;
  /** The media file's name as Google knew it, to compare with the JSON's `title` when the match was by a cut name. */
  expectTitle: string | null;
}

/** `IMG_1(1).jpg` -> { stem: 'IMG_1', counter: '(1)', ext: '.jpg' }. */
function splitName(name: string): { stem: string; counter: string; ext: string } {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  const before = dot > 0 ? name.slice(0, dot) : name;
  const m = /^(.*?)(\(\d+\))$/.exec(before);
  return m ? { stem: m[1]!, counter: m[2]!, ext } : { stem: before, counter: '', ext };
}

/**
 * The Takeout JSON of `mediaName` among the JSON file names of its folder, or null. Exact
 * names first; a name Takeout cut short only when it is as long as Takeout makes them, and its
 * `title` is then checked by the reader.
 */
export function findTakeoutJson(mediaName: string, jsonNames: ReadonlySet<string>): TakeoutMatch | null {
  const { stem, counter, ext } = splitName(mediaName);
  // `(38)` may be part of the real name (`Holiday (38).JPG`) or Takeout's duplicate counter: try both.
  const readings: { original: string; counter: string }[] = [{ original: mediaName, counter: '' }];
  if (counter !== '') readings.push({ original: stem + ext, counter });
  for (const r of [...readings]) {
    const { stem: s, ext: e } = splitName(r.original);
    const edited = EDITED.exec(s);
    if (edited) readings.push({ original: s.slice(0, edited.index) + e, counter: r.counter });
  }
  for (const { original, counter: n } of readings) {
    for (const name of [`${original}${n}.json`, `${original}${SUPPLEMENTAL}${n}.json`]) if (jsonNames.has(name)) return { name, expectTitle: null };
  }
  for (const { original, counter: n } of readings) {
    // Cut names: the start of `<name>.supplemental-metadata` (or of `<name>`), the counter, `.json`: 51 characters.
    const full = `${original}${SUPPLEMENTAL}`;
    for (let keep = MAX_JSON_NAME - '.json'.length - n.length; keep > 0; keep--) {
      const name = `${full.slice(0, keep)}${n}.json`;
      // (Exports differ by a few characters in where they cut.)
      if (name.length < MAX_JSON_NAME - 5) break;
      if (keep >= full.length) continue;
      if (jsonNames.has(name)) return { name, expectTitle: original };
    }
  }
  return null;
}

export interface TakeoutDates {
  /** `photoTakenTime` as a UTC instant in milliseconds. */
  takenMs: number;
  /** Its value as the JSON stores it (seconds since 1970), for the details panel. */
  raw: string;
  /** `geoData`, when Google has a position (0, 0 means none). */
  position: { latitude: number; longitude: number } | null;
}

/**
 * Reads a Takeout JSON. Null when it is not one (no `photoTakenTime`), unreadable, or names
 * another file than `expectTitle`.
 */
export function readTakeoutJson(file: string | Buffer, expectTitle: string | null): TakeoutDates | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const o = data as { title?: unknown; photoTakenTime?: { timestamp?: unknown }; geoData?: { latitude?: unknown; longitude?: unknown } };
  if (expectTitle !== null && o.title !== expectTitle) return null;
  const ts = o.photoTakenTime?.timestamp;
  const seconds = typeof ts === 'string' && /^-?\d+$/.test(ts.trim()) ? Number(ts) : typeof ts === 'number' ? ts : NaN;
  if (!Number.isFinite(seconds) || seconds === 0) return null;
  const lat = o.geoData?.latitude;
  const lon = o.geoData?.longitude;
  const position =
    typeof lat === 'number' && typeof lon === 'number' && (lat !== 0 || lon !== 0) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { latitude: lat, longitude: lon } : null;
  return { takenMs: seconds * 1000, raw: String(ts), position };
}
