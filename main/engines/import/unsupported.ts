/**
 * How the in-process readers (quicktime*.ts, riff-avi.ts, avchd.ts) give up: whatever they cannot
 * read exactly as ExifTool would throws `Unsupported`, and the reader answers null so the file
 * goes to ExifTool.
 */

export class Unsupported extends Error {}

export function unsupported(): never {
  throw new Unsupported();
}

/** `read()`, or null when it gave up (or a Buffer read ran past the bytes at hand: a RangeError). */
export function nullIfUnsupported<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof Unsupported || e instanceof RangeError) return null;
    throw e;
  }
}
