/**
 * What a core that does not hold its library's writer lock may still do: every channel is
 * classified here, so a channel added to the contract does not compile until someone decides
 * whether it writes the library.
 */
import type { Handlers, InvokeChannel, ParsedRequestOf } from '../../shared/contract.js';
import type { AppError, Result } from '../../shared/errors.js';

type Access = 'read' | 'write';

const CHANNEL_ACCESS: { [C in InvokeChannel]: Access | ((request: ParsedRequestOf<C>) => Access) } = {
  'import:start': 'write',
  'files:list': 'read',
  'files:get': 'read',
  'files:counts': 'read',
  'files:timeline': 'read',
  'files:set-date': 'write',
  'files:set-date-bulk': 'write',
  'files:discard': 'write',
  'files:restore': 'write',
  'files:discard-bulk': 'write',
  'files:restore-bulk': 'write',
  'duplicates:resolve': 'write',
  'similar:list': 'read',
  'similar:resolve-all': 'write',
  'tags:list': 'read',
  'jobs:export': 'write',
  // Pausing another process's job from here would only write its row, not stop its worker.
  'jobs:pause': 'write',
  'jobs:resume': 'write',
  'jobs:cancel': 'write',
  'jobs:list': 'read',
  'jobs:get': 'read',
  'settings:get': 'read',
  'settings:set': 'write',
  // Picking the output folder saves it as a setting; refused before the dialog opens.
  'dialog:pick-folder': (request) => (request.purpose === 'output' ? 'write' : 'read'),
  'fs:list-dirs': 'read',
  // A new folder on disk (for an archive) does not touch the library.
  'fs:make-dir': 'read',
  'shell:show-path': 'read',
  'export:preview': 'read',
  'app:info': 'read',
  // Verifying reads an archive and its manifest; it never touches the library.
  'archive:verify': 'read',
  'archive:verify-cancel': 'read',
  // A preview computes names only; applying and undoing rewrite files' final times.
  'dates:shift-preview': 'read',
  'dates:shift-apply': 'write',
  'dates:shift-undo': 'write',
  'dates:shift-list': 'read',
};

export function channelWrites<C extends InvokeChannel>(channel: C, request: ParsedRequestOf<C>): boolean {
  const access = CHANNEL_ACCESS[channel] as Access | ((request: ParsedRequestOf<C>) => Access);
  return (typeof access === 'function' ? access(request) : access) === 'write';
}

/**
 * The handlers, each call first asking `gate` (told whether it writes the library or starts a
 * job): null lets it through, an AppError is returned instead of running it.
 */
export function guardWrites(handlers: Handlers, gate: (writes: boolean, channel: InvokeChannel) => AppError | null): Handlers {
  const guarded: Record<string, (request: never) => Promise<Result<unknown>>> = {};
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    const handler = handlers[channel] as (request: ParsedRequestOf<typeof channel>) => Promise<Result<unknown>>;
    guarded[channel] = async (request: ParsedRequestOf<typeof channel>) => {
      const refused = gate(channelWrites(channel, request), channel);
      if (refused !== null) return { ok: false, error: refused };
      return handler(request);
    };
  }
  return guarded as unknown as Handlers;
}
