/**
 * Per-file messages from a worker to the runner, sent in batches.
 *
 * A thousand files a second meant thousands of messages a second, each waking the runner's
 * thread (the app's main thread) and the worker's own loop. Batched, they arrive at most
 * `intervalMs` late (or once `max` are waiting). Any other message (a status change such as
 * paused or done, a request) first sends what is waiting, so the runner always sees a file's
 * result before what follows it.
 */
export function batchingPost<M extends { type: string }>(
  send: (m: M) => void,
  batchable: ReadonlySet<string>,
  wrap: (messages: M[]) => M,
  intervalMs = 40,
  max = 256,
): (m: M) => void {
  let waiting: M[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.length === 0) return;
    const messages = waiting;
    waiting = [];
    send(messages.length === 1 ? messages[0]! : wrap(messages));
  };
  return (m) => {
    if (!batchable.has(m.type)) {
      flush();
      send(m);
      return;
    }
    waiting.push(m);
    if (waiting.length >= max) flush();
    else timer ??= setTimeout(flush, intervalMs);
  };
}
