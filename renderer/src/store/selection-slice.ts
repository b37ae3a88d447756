export interface SelectionState {
  ids: ReadonlySet<number>;
  /** Index of the last plain or ctrl click: where a shift-click range starts. */
  anchor: number | null;
}

export const initialSelectionState: SelectionState = { ids: new Set(), anchor: null };

export interface ClickModifiers {
  shift: boolean;
  /** Ctrl on Windows/Linux, Cmd on macOS. */
  toggle: boolean;
}

/**
 * The selection after a click on the card at `index`, following file-manager conventions:
 * plain click selects only it, ctrl/cmd toggles it, shift selects the range from the anchor
 * (adding to the selection when ctrl/cmd is held too). `idsInRange` gives the ids between two
 * indexes inclusive, in any order.
 */
export function clickSelection(
  prev: SelectionState,
  index: number,
  id: number,
  mods: ClickModifiers,
  idsInRange: (from: number, to: number) => number[],
): SelectionState {
  if (mods.shift && prev.anchor !== null) {
    const from = Math.min(prev.anchor, index);
    const to = Math.max(prev.anchor, index);
    const ids = new Set(mods.toggle ? prev.ids : []);
    for (const rangeId of idsInRange(from, to)) ids.add(rangeId);
    return { ids, anchor: prev.anchor };
  }
  if (mods.toggle) {
    const ids = new Set(prev.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index };
  }
  return { ids: new Set([id]), anchor: index };
}
