/**
 * The contract's archive-verification handlers, merged into the core's handlers in app-core.ts.
 */
import type { Handlers } from '../../shared/contract.js';
import type { VerifyService } from './verify-service.js';

/** The channels these handlers answer; the library's handlers (handlers.ts) answer every other one. */
export type VerifyChannel = 'archive:verify' | 'archive:verify-cancel';

export function createVerifyHandlers(service: VerifyService): Pick<Handlers, VerifyChannel> {
  return {
    'archive:verify': ({ root }) => service.start(root),
    'archive:verify-cancel': async ({ verifyId }) => service.cancel(verifyId),
  };
}
