/**
 * Test helper: real small file systems for the export's fault tests, mounted as root.
 *  - exFAT (no hard links, case-insensitive names, no Unix modes): an image file on a loop
 *    device, mounted with exfat-fuse (`.ci/run` installs exfat-fuse and exfatprogs).
 *  - tmpfs of a few MB: a disk that really fills up.
 * Where that cannot be had (not root, no loop device, tools missing), the mount reports why and
 * the test skips, except under CI, where the test fails: CI must run them. Not part of the app.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Mount {
  /** The mounted folder. */
  dir: string;
  /** Unmounts and frees what the mount took (loop device, image); safe to call twice. */
  unmount(): Promise<void>;
}

export type MountResult = { ok: true; mount: Mount } | { ok: false; reason: string };

const why = (e: unknown): string => {
  const o = e as { stderr?: unknown; message?: unknown };
  const text = typeof o.stderr === 'string' && o.stderr.trim() ? o.stderr.trim() : String(o.message ?? e);
  return text.split('\n')[0]!;
};

function asRoot(): string | null {
  return process.getuid?.() === 0 ? null : 'mounting a test file system needs root';
}

/** The mount at `dir`; its unmount runs `undo` the first time only. */
function mounted(dir: string, undo: () => Promise<void>): MountResult {
  let done = false;
  return {
    ok: true,
    mount: {
      dir,
      unmount: async () => {
        if (done) return;
        done = true;
        await undo();
      },
    },
  };
}

/** An exFAT file system of `sizeMb` MB in `parent` (image file + loop device + exfat-fuse). */
export async function mountExfat(parent: string, sizeMb = 512): Promise<MountResult> {
  const notRoot = asRoot();
  if (notRoot) return { ok: false, reason: notRoot };
  const image = join(parent, 'exfat.img');
  const dir = join(parent, 'exfat');
  await mkdir(dir, { recursive: true });
  let loop: string | null = null;
  try {
    await run('truncate', ['-s', `${sizeMb}M`, image]);
    await run('mkfs.exfat', [image]);
    loop = (await run('losetup', ['-f', '--show', image])).stdout.trim();
    await run('mount.exfat-fuse', [loop, dir]);
  } catch (e) {
    if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
    await rm(image, { force: true });
    return { ok: false, reason: `no exFAT file system could be mounted: ${why(e)}` };
  }
  const device = loop;
  return mounted(dir, async () => {
    await run('umount', [dir]);
    await run('losetup', ['-d', device]).catch(() => undefined);
    await rm(image, { force: true });
  });
}

/** A tmpfs of `size` (e.g. `3m`) mounted on `dir`: a real disk that fills up. */
export async function mountTmpfs(dir: string, size: string): Promise<MountResult> {
  const notRoot = asRoot();
  if (notRoot) return { ok: false, reason: notRoot };
  await mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  } catch (e) {
    return { ok: false, reason: `no tmpfs could be mounted: ${why(e)}` };
  }
  return mounted(dir, async () => {
    await run('umount', [dir]);
  });
}

/**
 * The mount, or: under CI an error (these tests must run there), elsewhere the reason to skip.
 * Use in beforeAll; tests call `skip(reason)` when it returns a string.
 */
export function mountOrSkip(result: MountResult): Mount | string {
  if (result.ok) return result.mount;
  if (process.env.CI) throw new Error(`${result.reason} (required under CI)`);
  return result.reason;
}
