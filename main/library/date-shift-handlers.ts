/**
 * The contract's camera clock correction handlers (`dates:shift-*`), merged into the core's
 * handlers in app-core.ts. The rules are in shared/date-shift.ts, the storage in shifts-repo.ts.
 */
import { parseCaptureTime } from '../../shared/capture-time.js';
import type { Handlers, ParsedRequestOf } from '../../shared/contract.js';
import { correctionBetween, parseShiftOffset } from '../../shared/date-shift.js';
import { err, ok, type Result } from '../../shared/errors.js';
import type { ResolvedTarget, ShiftsRepo } from './db/shifts-repo.js';

/** The channels these handlers answer; handlers.ts answers the library's other channels. */
export type ShiftChannel = 'dates:shift-preview' | 'dates:shift-apply' | 'dates:shift-undo' | 'dates:shift-list';

type ShiftRequest = ParsedRequestOf<'dates:shift-preview'>;

/** The correction in milliseconds and the files it applies to, or why it cannot be made. */
function prepare(repo: ShiftsRepo, { target, change }: ShiftRequest): Result<{ deltaMs: number; resolved: ResolvedTarget }> {
  let deltaMs: number;
  if (change.kind === 'offset') {
    const parsed = parseShiftOffset(change.offset);
    if (!parsed.ok) return err('invalid-argument', parsed.message);
    deltaMs = parsed.ms;
  } else {
    const anchor = repo.getFile(change.fileId);
    if (!anchor) return err('not-found', `There is no file ${change.fileId}.`);
    const from = anchor.final_at ?? anchor.detected_at;
    if (from === null) return err('invalid-argument', `${anchor.original_name} has no date to correct: set its date instead.`);
    const to = parseCaptureTime(change.timestamp);
    if (to === null) return err('invalid-argument', `"${change.timestamp}" is not a valid date and time (use YYYY-MM-DDTHH:MM:SS).`);
    deltaMs = correctionBetween(from, to.local);
  }
  if (deltaMs === 0) return err('invalid-argument', 'That correction changes nothing.');
  const resolved = repo.resolve(target);
  if (!resolved.ok) return resolved;
  return ok({ deltaMs, resolved: resolved.value });
}

export function createShiftHandlers(repo: ShiftsRepo): Pick<Handlers, ShiftChannel> {
  return {
    'dates:shift-preview': async (request) => {
      const p = prepare(repo, request);
      if (!p.ok) return p;
      return ok(repo.preview(p.value.resolved, p.value.deltaMs));
    },
    'dates:shift-apply': async (request) => {
      const p = prepare(repo, request);
      if (!p.ok) return p;
      const preview = repo.preview(p.value.resolved, p.value.deltaMs);
      if (preview.total === 0) return err('invalid-argument', `None of ${p.value.resolved.description} has a date that could be corrected.`);
      const applied = repo.apply(p.value.resolved, p.value.deltaMs);
      return ok({ ...preview, ...applied });
    },
    'dates:shift-undo': async ({ shiftId }) => repo.undo(shiftId),
    'dates:shift-list': async ({ limit }) => ok(repo.list(limit)),
  };
}
