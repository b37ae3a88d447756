/**
 * ffmpeg for pictures sharp cannot make: a video's poster frame and the HEVC-coded images inside
 * HEIC files. The binary comes from the `@ffmpeg-installer/ffmpeg` package (shipped with the app,
 * never downloaded at run time), else from `MEDIAPARSER_FFMPEG`, else from the system's PATH.
 * Without any, those files keep their "No preview" placeholder.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createRequire } from 'node:module';

let cached: string | null | undefined;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The ffmpeg binary to run, or null when there is none. */
export function ffmpegPath(): string | null {
  if (cached !== undefined) return cached;
  const fromEnv = process.env.MEDIAPARSER_FFMPEG;
  if (fromEnv && executable(fromEnv)) return (cached = fromEnv);
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path: string };
    // A packaged app runs the copy electron-builder unpacked beside the asar archive.
    const unpacked = installer.path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    if (executable(unpacked)) return (cached = unpacked);
  } catch {
    // the package has no binary for this platform: look on the PATH below
  }
  const name = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return (cached = join(dir, name));
  }
  return (cached = null);
}

export interface FfmpegResult {
  /** What ffmpeg wrote to stdout. */
  stdout: Buffer;
  code: number | null;
  /** The end of stderr, for the error detail. */
  stderr: string;
}

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs ffmpeg with `args`, writing `input` to its stdin when given, and collects its stdout.
 * Killed after `timeoutMs`: a damaged file must not hold a thumbnail worker.
 */
export function runFfmpeg(binary: string, args: string[], input: Buffer | null, timeoutMs = 30_000): Promise<FfmpegResult> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['-hide_banner', '-loglevel', 'error', ...(input ? [] : ['-nostdin']), ...args], {
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
      else chunks.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.alloc(0), code: -1, stderr: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(chunks), code, stderr: stderr.trim() });
    });
    if (input && child.stdin) {
      // ffmpeg may stop reading once it has its frame: a closed pipe is expected then.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** A PNG of the frame at `seconds` (or the first frame when the clip is shorter), or null. */
export async function videoPosterFrame(binary: string, path: string, seconds = 1): Promise<{ png: Buffer } | { error: string }> {
  const grab = (at: number | null) =>
    runFfmpeg(binary, [...(at === null ? [] : ['-ss', String(at)]), '-i', path, '-frames:v', '1', '-an', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], null);
  let result = await grab(seconds);
  // A clip shorter than `seconds` gives no frame there: take its first one.
  if (result.stdout.length === 0) result = await grab(null);
  if (result.stdout.length === 0) return { error: result.stderr || `ffmpeg exited with ${result.code}` };
  return { png: result.stdout };
}
