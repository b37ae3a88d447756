import type { AppError } from '../../../shared/errors.js';

/** An AppError as a sentence, with the technical detail tucked away for whoever helps. */
export function ErrorMessage({ error, testId }: { error: AppError | null; testId?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      <span>{error.message}</span>
      {error.detail ? (
        <details>
          <summary>Technical details</summary>
          <code>
            {error.code}: {error.detail}
          </code>
        </details>
      ) : null}
    </div>
  );
}
