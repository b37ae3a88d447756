import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors.js';
import { errnoCode, errnoToAppError, isTransientErrno } from './errno.js';

const errno = (code: string, p?: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: boom`), { code, syscall: 'open', ...(p ? { path: p } : {}) });

describe('errnoToAppError', () => {
  it.each([
    ['ENOENT', 'not-found'],
    ['EACCES', 'permission-denied'],
    ['EPERM', 'permission-denied'],
    ['EROFS', 'permission-denied'],
    ['ENOSPC', 'disk-full'],
    ['EDQUOT', 'disk-full'],
    ['EEXIST', 'conflict'],
    ['EBUSY', 'busy'],
    ['EAGAIN', 'busy'],
    ['EMFILE', 'busy'],
    ['ENFILE', 'busy'],
    ['ETIMEDOUT', 'busy'],
    ['EXDEV', 'io'],
    ['EIO', 'io'],
    ['EWHATEVER', 'io'],
  ])('%s -> %s', (code, expected) => {
    expect(errnoToAppError(errno(code, '/out/2024/a.jpg')).code).toBe(expected);
  });

  it('writes readable messages and keeps errno and path in the detail', () => {
    const e = errnoToAppError(errno('ENOSPC', '/out/2024/a.jpg'));
    expect(e.message).toMatch(/no space left on the output drive/);
    expect(e.detail).toContain('ENOSPC');
    expect(e.detail).toContain('/out/2024/a.jpg');
    expect(errnoToAppError(errno('ENOENT'), 'IMG_1.jpg').message).toContain('IMG_1.jpg');
  });

  it('maps a real failure from the file system', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mp-errors-'));
    try {
      const failure = await readFile(path.join(dir, 'missing.jpg')).catch((x: unknown) => x);
      const e = errnoToAppError(failure);
      expect(e.code).toBe('not-found');
      expect(e.detail).toContain('missing.jpg');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes AppErrors through and maps non-errno values to io', () => {
    const a = appError('source-changed', 'changed');
    expect(errnoToAppError(a)).toBe(a);
    expect(errnoToAppError('weird').code).toBe('io');
    expect(errnoToAppError(new Error('x')).detail).toBe('x');
  });
});

describe('isTransientErrno', () => {
  it('is true only for retryable codes', () => {
    expect(isTransientErrno(errno('EBUSY'))).toBe(true);
    expect(isTransientErrno(errno('EMFILE'))).toBe(true);
    expect(isTransientErrno(errno('ENOENT'))).toBe(false);
    expect(isTransientErrno(errno('ENOSPC'))).toBe(false);
    expect(isTransientErrno(null)).toBe(false);
    expect(errnoCode({ code: 'EIO' })).toBe('EIO');
  });
});
