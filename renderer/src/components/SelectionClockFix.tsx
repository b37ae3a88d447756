import { useAppStore } from '../store/store.js';
import { ClockFixButton } from './ClockFixDialog.js';

/** The selection bar's "Fix camera clock…": the selected files, plus the open photo's camera and session when it is one of them. */
export function SelectionClockFix() {
  const ids = useAppStore((s) => s.selection.ids);
  const busy = useAppStore((s) => s.library.busy);
  const details = useAppStore((s) => s.library.details.data);
  const file = details !== null && ids.has(details.id) ? details : null;
  return <ClockFixButton context={{ fileIds: [...ids], file }} disabled={ids.size === 0 || busy} />;
}
