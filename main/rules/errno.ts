/**
 * The one place that turns Node errno failures into AppError values a person can read.
 */
import { appError, isAppError, type AppError, type ErrorCode } from '../../shared/errors.js';

interface ErrnoLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
  message?: unknown;
}

const TRANSIENT = new Set(['EBUSY', 'EAGAIN', 'EWOULDBLOCK', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'EINTR']);

/** The errno code (`ENOENT`...) of a thrown value, or null. */
export function errnoCode(e: unknown): string | null {
  if (typeof e === 'object' && e !== null && typeof (e as ErrnoLike).code === 'string') return (e as ErrnoLike).code as string;
  return null;
}

/** True for failures worth retrying after a short pause (busy file, too many open files, timeouts). */
export function isTransientErrno(e: unknown): boolean {
  const code = errnoCode(e);
  return code !== null && TRANSIENT.has(code);
}

function describe(code: ErrorCode, errno: string | null, where: string): string {
  const at = where ? ` (${where})` : '';
  switch (code) {
    case 'not-found':
      return `The file or folder could not be found${at}.`;
    case 'permission-denied':
      return errno === 'EROFS'
        ? `The drive is read-only, so nothing can be written there${at}.`
        : `MediaParser is not allowed to access this file or folder${at}.`;
    case 'disk-full':
      return errno === 'EDQUOT'
        ? `Your storage quota on the output drive is used up${at}.`
        : `There is no space left on the output drive${at}.`;
    case 'conflict':
      return `A file with that name already exists${at}.`;
    case 'busy':
      return `The file is busy or the system is out of resources; try again in a moment${at}.`;
    default:
      return errno === 'EXDEV'
        ? `The file could not be moved between drives${at}.`
        : `Reading or writing the file failed${at}.`;
  }
}

/**
 * Maps an errno failure to an AppError: ENOENT -> not-found, EACCES/EPERM/EROFS -> permission-denied,
 * ENOSPC/EDQUOT -> disk-full, EEXIST -> conflict, EBUSY/EAGAIN/EMFILE/ENFILE/ETIMEDOUT -> busy,
 * anything else -> io. AppError values pass through unchanged. `detail` keeps errno, syscall and path.
 */
export function errnoToAppError(e: unknown, context?: string): AppError {
  if (isAppError(e)) return e;
  const errno = errnoCode(e);
  let code: ErrorCode;
  switch (errno) {
    case 'ENOENT':
    case 'ENOTDIR':
      code = 'not-found';
      break;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      code = 'permission-denied';
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      code = 'disk-full';
      break;
    case 'EEXIST':
      code = 'conflict';
      break;
    default:
      code = errno !== null && TRANSIENT.has(errno) ? 'busy' : 'io';
  }
  const obj = (typeof e === 'object' && e !== null ? e : {}) as ErrnoLike;
  const path = typeof obj.path === 'string' ? obj.path : undefined;
  const where = context ?? path ?? '';
  const parts: string[] = [];
  if (errno) parts.push(errno);
  if (typeof obj.syscall === 'string') parts.push(obj.syscall);
  if (path) parts.push(path);
  if (typeof obj.dest === 'string') parts.push(`-> ${obj.dest}`);
  if (parts.length === 0) parts.push(e instanceof Error ? e.message : String(e));
  return appError(code, describe(code, errno, where), parts.join(' '));
}
