/**
 * A movie's tag lists: UserData (`udta`) atoms and `meta` boxes (Keys and ItemList), vetted
 * against ExifTool's tag tables. Gives the ©day (ContentCreateDate), Apple's creationdate key,
 * the ISO 6709 position, the Live Photo ContentIdentifier and a `udta` XMP packet, each rendered
 * as ExifTool renders it; anything there that could give ExifTool another date gives up.
 */
import type { GpsPosition } from './metadata-dates.js';
import { parseIso6709 } from './metadata-dates.js';
import { type Box, children, only, typeAt } from './quicktime-boxes.js';
import { unsupported } from './unsupported.js';
import { convertXmpDate } from './xmp-dates.js';

/**
 * UserData atoms that ExifTool maps to a date or image-size tag, directly (`date`) or through
 * a sub-table (EXIF blocks, maker notes, PLIST, GoPro, TomTom, Microsoft Xtra). The others,
 * maker atoms such as TAGS included, lead only to tables without such tags. (XMP_ is read here,
 * in the movie's own udta.)
 */
const UNSAFE_USER_DATA = new Set(['date', 'GPMF', 'LEIC', 'MVTG', 'NCDT', 'PANA', 'QVMI', 'RICO', 'RMKN', 'SIGM', 'TTMD', 'Xtra']);
/**
 * Keys (after ExifTool strips `com.` / `com.apple.quicktime.`) known to hold no date: what
 * iPhones, Android phones and editors write. Any other key goes to ExifTool, which names unknown
 * keys after their text (a key `creation.date` would become a CreationDate tag).
 */
const SAFE_KEYS = new Set([
  'album', 'artist', 'author', 'comment', 'copyright', 'description', 'displayname', 'genre', 'keywords', 'title',
  'information', 'publisher', 'rating.user', 'collection.user', 'year',
  'make', 'model', 'software', 'location.ISO6709', 'location.name', 'location.body', 'location.note', 'location.role',
  'location.accuracy.horizontal', 'location.date', 'content.identifier', 'live-photo.auto', 'live-photo.vitality-score',
  'live-photo.vitality-scoring-version', 'full-frame-rate-playback-intent', 'camera.identifier', 'camera.lens_model',
  'camera.focal_length.35mm_equivalent', 'camera.framereadouttimeinmicroseconds', 'android.version', 'android.capture.fps',
  'android.manufacturer', 'android.model',
]);
/** The Apple key a Live Photo's video shares with its still (live-photos.ts). */
const CONTENT_ID_KEY = 'content.identifier';
/** The Apple key whose value is the local capture time with its offset. */
const CREATION_DATE_KEY = 'creationdate';
/** The Apple key holding the position (ISO 6709), which names the zone of the UTC header dates. */
const LOCATION_KEY = 'location.ISO6709';
/** The UserData atom holding the position (ISO 6709), written by Android phones and cameras. */
const POSITION_ATOM = '\u00a9xyz';
/** The `©day` atom (ContentCreateDate): the camera app's local time, usually with its offset. */
const CONTENT_DATE_ATOM = '\u00a9day';

/** ExifTool's Keys CreationDate ValueConv (XMP::ConvertXMPDate, then a colon in the offset). */
export function keysDateString(value: string): string {
  return convertXmpDate(value).replace(/([-+]\d{2})(\d{2})$/, '$1:$2');
}

/** What a movie-level UserData list or meta box gives the import. */
interface UserDataFound {
  xmp?: Buffer;
  /** ©day, rendered as ExifTool renders ContentCreateDate. */
  contentDate?: string;
  position?: GpsPosition;
}

/** Keeps the first ©day; a second one that differs is ExifTool's to sort out. */
function addContentDate(found: UserDataFound, value: string | undefined): void {
  if (value === undefined) return;
  if (found.contentDate !== undefined && found.contentDate !== value) unsupported();
  found.contentDate = value;
}

/**
 * A QuickTime-style text atom (`©day` in UserData): one string of a 16-bit length and a 16-bit
 * language code. Several strings (languages) or any other layout go to ExifTool.
 */
function userDataText(buf: Buffer, atom: Box): string {
  if (atom.end - atom.start < 4) unsupported();
  const length = buf.readUInt16BE(atom.start);
  if (atom.start + 4 + length !== atom.end) unsupported();
  return buf.toString('utf8', atom.start + 4, atom.end).replace(/\0+$/, '');
}

/**
 * A UserData list: fine when none of its atoms can give ExifTool a date; a nested meta is vetted
 * too. Returns its XMP packet and ©day; `movieLevel` is false inside tracks (ExifTool files
 * those under the track, where the import ignores them).
 */
export function checkUserData(buf: Buffer, udta: Box, movieLevel: boolean): UserDataFound {
  const found: UserDataFound = {};
  for (const atom of children(buf, udta.start, udta.end, true)) {
    if (UNSAFE_USER_DATA.has(atom.type)) unsupported();
    if (atom.type === 'meta') {
      const inMeta = checkMeta(buf, atom, false, movieLevel);
      addContentDate(found, inMeta.contentDate);
      if (inMeta.position !== undefined) {
        if (found.position !== undefined) unsupported();
        found.position = inMeta.position;
      }
    }
    if (atom.type === CONTENT_DATE_ATOM) {
      if (!movieLevel) unsupported();
      const text = userDataText(buf, atom);
      if (text.trim() !== '') addContentDate(found, keysDateString(text));
    }
    if (atom.type === POSITION_ATOM && movieLevel) {
      const position = parseIso6709(userDataText(buf, atom));
      // Two positions: ExifTool's first one is not worth guessing.
      if (found.position !== undefined && position !== undefined) unsupported();
      if (position !== undefined) found.position = position;
    }
    if (atom.type === 'XMP_') {
      if (!movieLevel || found.xmp !== undefined) unsupported();
      found.xmp = buf.subarray(atom.start, atom.end);
    }
  }
  return found;
}

/** Payload boxes of a `meta`, which is a full box in MP4 and a plain container in QuickTime. */
function metaChildren(buf: Buffer, meta: Box): Box[] {
  const plain = meta.end - meta.start >= 8 && typeAt(buf, meta.start + 4) === 'hdlr';
  return children(buf, plain ? meta.start : meta.start + 4, meta.end);
}

/** The UTF-8 text of an item list entry's single `data` box. */
function itemText(buf: Buffer, item: Box): string {
  const data = children(buf, item.start, item.end);
  if (data.length !== 1 || data[0]!.type !== 'data') unsupported();
  const d = data[0]!;
  // data: 1 byte version, 3 bytes type (1 = UTF-8), 4 bytes locale, then the text.
  if (d.end - d.start < 8 || buf.readUInt32BE(d.start) !== 1) unsupported();
  return buf.toString('utf8', d.start + 8, d.end);
}

/**
 * Vets a `meta` box and returns the Apple creation date and the ©day it holds, if any. Only a
 * handler, keys and an item list (and padding) are understood; `allowCreationDate` is false
 * inside UserData and tracks (ExifTool files the key elsewhere and the import ignores it), and
 * `movieLevel` false inside tracks.
 */
export function checkMeta(
  buf: Buffer,
  meta: Box,
  allowCreationDate: boolean,
  movieLevel = allowCreationDate,
): { creationDate?: string; contentDate?: string; position?: GpsPosition; contentId?: string } {
  const boxes = metaChildren(buf, meta);
  for (const b of boxes) if (!['hdlr', 'keys', 'ilst', 'free'].includes(b.type)) unsupported();
  const keysBox = only(boxes, 'keys');
  const ilst = only(boxes, 'ilst');
  let creationIndex = -1;
  let locationIndex = -1;
  let contentIdIndex = -1;
  if (keysBox) {
    if (keysBox.end - keysBox.start < 8) unsupported();
    const count = buf.readUInt32BE(keysBox.start + 4);
    let pos = keysBox.start + 8;
    for (let i = 1; i <= count; i++) {
      if (pos + 8 > keysBox.end) unsupported();
      const size = buf.readUInt32BE(pos);
      if (size < 8 || pos + size > keysBox.end) unsupported();
      const namespace = typeAt(buf, pos + 4);
      let key = buf.toString('utf8', pos + 8, pos + size).replace(/\0.*$/s, '');
      if (namespace === 'mdta') key = key.replace(/^com\.(apple\.quicktime\.)?/, '');
      if (namespace === 'mdta' && key === CREATION_DATE_KEY) creationIndex = i;
      else if (namespace === 'mdta' && key === LOCATION_KEY) locationIndex = i;
      else if (namespace === 'mdta' && key === CONTENT_ID_KEY) contentIdIndex = i;
      else if (namespace !== 'mdta' || !SAFE_KEYS.has(key)) unsupported();
      pos += size;
    }
  }
  const out: { creationDate?: string; contentDate?: string; position?: GpsPosition; contentId?: string } = {};
  if (!ilst) return out;
  for (const item of children(buf, ilst.start, ilst.end)) {
    // iTunes "----" items lead ExifTool to PLIST data, which may hold dates.
    if (item.type === '----') unsupported();
    if (keysBox === undefined) {
      // An iTunes-style list (ExifTool's ItemList): ©day is its only date we ask for, ©xyz its position.
      if (item.type === POSITION_ATOM && movieLevel) {
        const position = parseIso6709(itemText(buf, item));
        if (out.position !== undefined && position !== undefined) unsupported();
        if (position !== undefined) out.position = position;
        continue;
      }
      if (item.type !== CONTENT_DATE_ATOM) continue;
      if (!movieLevel) unsupported();
      const text = itemText(buf, item);
      if (text.trim() === '') continue;
      const value = keysDateString(text);
      if (out.contentDate !== undefined && out.contentDate !== value) unsupported();
      out.contentDate = value;
      continue;
    }
    // In a keyed list, an item's type is the 1-based index of its key.
    const index = Buffer.from(item.type, 'latin1').readUInt32BE(0);
    if (index === contentIdIndex) {
      // Live Photo pairing only, never a date: kept from the movie's own list.
      const text = itemText(buf, item).trim();
      if (movieLevel && text !== '') out.contentId ??= text;
      continue;
    }
    if (index === locationIndex && allowCreationDate) {
      out.position ??= parseIso6709(itemText(buf, item));
      continue;
    }
    if (index !== creationIndex) continue;
    if (!allowCreationDate) unsupported();
    const text = itemText(buf, item);
    if (out.creationDate === undefined && text.trim() !== '') out.creationDate = keysDateString(text);
  }
  return out;
}
