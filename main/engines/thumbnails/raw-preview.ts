/**
 * The JPEG previews a RAW file carries (`PreviewImage`, `JpgFromRaw`, `OtherImage`), read by
 * ExifTool, which knows every maker's layout; exifr only finds the small IFD1 thumbnail of
 * TIFF-based files. One ExifTool process per thumbnail worker, started on the first RAW and
 * ended when no RAW came for a while, so a grid without RAWs never runs perl.
 */
import { ExifTool } from 'exiftool-vendored';
import { exiftoolEnv } from '../import/exiftool-process.js';

const IDLE_END_MS = 10_000;
/** Largest first: the full-size JPEG gives the sharpest large thumbnail; any gives a small one. */
const TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'] as const;
/** Stripped samples keep a few placeholder bytes where the preview was. */
const MIN_JPEG_BYTES = 512;

let exiftool: ExifTool | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let busy = 0;

function instance(): ExifTool {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  exiftool ??= new ExifTool({ maxProcs: 1, taskTimeoutMillis: 30_000, exiftoolEnv: exiftoolEnv() });
  return exiftool;
}

function release(): void {
  if (--busy > 0 || exiftool === null) return;
  idleTimer = setTimeout(() => void endRawPreviews(), IDLE_END_MS);
  idleTimer.unref();
}

/** Ends the ExifTool process (idle timeout, worker shutdown, tests). */
export async function endRawPreviews(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const running = exiftool;
  exiftool = null;
  await running?.end().catch(() => undefined);
}

/** The embedded previews of a RAW file that look like JPEGs, largest tag first, and its orientation. */
export async function rawPreviews(path: string): Promise<{ jpegs: Buffer[]; orientation: number | undefined }> {
  busy++;
  try {
    const et = instance();
    const jpegs: Buffer[] = [];
    for (const tag of TAGS) {
      const data = await et.extractBinaryTagToBuffer(tag, path).catch(() => null);
      if (data && data.length >= MIN_JPEG_BYTES && data[0] === 0xff && data[1] === 0xd8) jpegs.push(data);
    }
    const tags = await et.read(path, ['-Orientation#']).catch(() => null);
    const orientation = typeof tags?.Orientation === 'number' ? tags.Orientation : undefined;
    return { jpegs, orientation };
  } finally {
    release();
  }
}
