/**
 * File names that are not valid UTF-8 (written by an old Windows or Latin-1 system). Node shows
 * such a name with U+FFFD and cannot open the file by that string, so the import keeps two forms:
 *  - the exact bytes of the whole path, which every read of the original goes through
 *    (`original_path_bytes`; base64 `pathBytes` / `sourcePathBytes` in worker messages);
 *  - a display form, valid UTF-8, for people, the library's `original_path`/`original_name` and the
 *    archive's `unknown/` names: the name's bytes read as Windows-1252 (what such drives mostly
 *    hold: `caf\xE9.jpg` shows as `café.jpg`). Windows-1252 maps every byte to its own character,
 *    so two byte names never share a display form; a name that is valid UTF-8 in the same folder
 *    can (`café.jpg` written both ways). Then the display form spells the bytes that are not
 *    UTF-8 as `%XX` (`caf%E9.jpg`), and adds `~2`, `~3`... before the extension if even that is
 *    taken: `original_path` stays unique.
 *
 * Pure rules (Buffer and path arithmetic, no I/O), used by the library and the workers. Opening an
 * original by its bytes for a tool that takes only strings is `withStringPath` (engines/originals.ts).
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';

/**
 * Windows-1252's characters for 0x80-0x9F (the five bytes it leaves undefined keep their C1 code
 * points, as in the WHATWG table). Written out because Node 20's TextDecoder('windows-1252')
 * decodes as ISO-8859-1.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function isValidUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

/** A name's readable form: its bytes read as Windows-1252. */
export function readableName(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/** The name with every byte that is not part of valid UTF-8 spelled `%XX`. */
export function escapedName(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= bytes.length) {
      try {
        out += decoder.decode(bytes.subarray(i, i + len));
        i += len;
        continue;
      } catch {
        // not a valid sequence: escape its first byte and go on
      }
    }
    out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    i++;
  }
  return out;
}

/**
 * The display form of a name that is not valid UTF-8, unique among `taken` (the folder's other
 * names, as displayed); the caller adds the result to `taken`.
 */
export function displayName(bytes: Uint8Array, taken: ReadonlySet<string>): string {
  const readable = readableName(bytes);
  if (!taken.has(readable)) return readable;
  const escaped = escapedName(bytes);
  if (!taken.has(escaped)) return escaped;
  const ext = path.extname(escaped);
  const stem = escaped.slice(0, escaped.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem}~${n}${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A path's exact bytes for a worker message or the database. */
export function encodePathBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function decodePathBytes(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}

/** `dir/name` as bytes (POSIX: the only systems where a name can be other than Unicode). */
export function joinBytes(dir: Uint8Array, name: Uint8Array): Buffer {
  return Buffer.concat([dir, Buffer.from(path.sep), name]);
}

/** A path in the form `fs` opens: the exact bytes when there are any, else the string. */
export function openablePath(display: string, base64Bytes: string | null | undefined): string | Buffer {
  return base64Bytes ? decodePathBytes(base64Bytes) : display;
}
