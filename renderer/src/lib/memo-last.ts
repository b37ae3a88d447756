/**
 * `fn` remembering its last call: called again with the same arguments (by identity), it returns
 * the same answer without computing it. For derived data kept beside a component rather than in
 * it (useMemo forgets on unmount), so going back to a screen does not rebuild what it showed.
 */
export function memoLast<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let last: { args: A; value: R } | null = null;
  return (...args: A): R => {
    if (last && last.args.length === args.length && last.args.every((a, i) => Object.is(a, args[i]))) return last.value;
    const value = fn(...args);
    last = { args, value };
    return value;
  };
}
