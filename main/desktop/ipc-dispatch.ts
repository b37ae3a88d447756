/**
 * One invoke request from the renderer, checked and answered: sender, then schema, then handler.
 * Pure (no electron) so the rules are unit-tested; ipc.ts binds it to ipcMain.
 */
import { err, type Result } from '../../shared/errors.js';
import { parseRequest, type Handlers, type InvokeChannel } from '../../shared/contract.js';

export interface DispatchOptions {
  handlers: Handlers;
  /** True when the frame's URL is our own page (see isTrustedSender). */
  isTrusted: (senderUrl: string | null) => boolean;
  /** Where bugs go, with their stack. */
  logError: (message: string, error: unknown) => void;
}

export type Dispatch = (channel: InvokeChannel, senderUrl: string | null, request: unknown) => Promise<Result<unknown>>;

export function createDispatcher({ handlers, isTrusted, logError }: DispatchOptions): Dispatch {
  return async (channel, senderUrl, request) => {
    if (!isTrusted(senderUrl)) {
      logError(`Refused ${channel} from an untrusted frame: ${senderUrl ?? '(none)'}`, null);
      return err('permission-denied', 'This request did not come from the MediaParser window.');
    }
    const parsed = parseRequest(channel, request);
    if (!parsed.ok) return err('invalid-argument', `Invalid request for ${channel}.`, parsed.message);
    try {
      const handler = handlers[channel] as (req: unknown) => Promise<Result<unknown>>;
      return await handler(parsed.value);
    } catch (error) {
      logError(`Handler for ${channel} threw`, error);
      const detail = error instanceof Error ? error.message : String(error);
      return err('internal', 'Something went wrong inside MediaParser. The details are in the log.', detail);
    }
  };
}
