/**
 * Errors are values at every boundary (IPC, HTTP, worker messages, CLI).
 * Expected failures travel as `AppError`; bugs throw and reach the UI as `internal`.
 */

/** The closed set of error codes the application knows. */
export const ERROR_CODES = [
  'not-found',
  'permission-denied',
  'disk-full',
  'invalid-argument',
  'conflict',
  'busy',
  'io',
  'unsupported',
  'corrupt',
  'collision-limit',
  /** Metadata written into a copy did not read back as written. */
  'verify-failed',
  'source-changed',
  'output-unavailable',
  'worker-died',
  /** Another process holds the library's writer lock (its message names that process). */
  'library-busy',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure, safe to show to a user and to send over any transport. */
export interface AppError {
  code: ErrorCode;
  /** One sentence a family member can read. */
  message: string;
  /** Technical detail (errno, path, stack head) for logs and the details pane. */
  detail?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string, detail?: string): Result<T> {
  return { ok: false, error: detail === undefined ? { code, message } : { code, message, detail } };
}

export function appError(code: ErrorCode, message: string, detail?: string): AppError {
  return detail === undefined ? { code, message } : { code, message, detail };
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as AppError).code) &&
    typeof (value as AppError).message === 'string'
  );
}

/** Compile-time exhaustiveness check for switches over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
