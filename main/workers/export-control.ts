/**
 * The export worker's pause/cancel state, shared by every copy in flight: it reads the runner's
 * control word (polled, and on each `control` message), posts `paused` / `resumed` once each, and
 * wakes whatever waits for a resume, a cancel or the next page of files.
 */
import type { CopyControl } from '../engines/export/copy.js';
import { CONTROL_CANCEL, CONTROL_PAUSE, CONTROL_RUN, type ExportWorkerMessage } from '../protocol/workers.js';

/** Pause/cancel state shared by every copy in flight; posts `paused`/`resumed` once each. */
export class Controller implements CopyControl {
  private pauseAnnounced = false;
  private aborted = false;
  private waiters: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly word: Int32Array,
    private readonly post: (m: ExportWorkerMessage) => void,
    pollMs: number,
  ) {
    this.timer = setInterval(() => this.poll(), pollMs);
  }

  private state(): number {
    return this.aborted ? CONTROL_CANCEL : Atomics.load(this.word, 0);
  }

  get cancelled(): boolean {
    return this.state() === CONTROL_CANCEL;
  }

  /** Stops everything from inside the worker (a fatal error), like a cancel. */
  abort(): void {
    this.aborted = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Reads the control word and announces transitions; called by a timer and by `control` messages. */
  poll(): void {
    const s = this.state();
    if (s === CONTROL_PAUSE && !this.pauseAnnounced) {
      this.pauseAnnounced = true;
      this.post({ type: 'paused' });
    } else if (s === CONTROL_RUN && this.pauseAnnounced) {
      this.pauseAnnounced = false;
      this.wake();
    } else if (s === CONTROL_CANCEL) {
      this.wake();
    }
  }

  /** Resolves on the next resume or cancel, or when a page arrives. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  running(): boolean {
    return this.state() === CONTROL_RUN && !this.pauseAnnounced;
  }

  async checkpoint(): Promise<'run' | 'cancel'> {
    for (;;) {
      this.poll();
      const s = this.state();
      if (s === CONTROL_CANCEL) return 'cancel';
      if (s === CONTROL_RUN && !this.pauseAnnounced) return 'run';
      await this.changed();
    }
  }

  /** A page of files arrived: wakes anything waiting for work. */
  pageArrived(): void {
    this.wake();
  }

  stop(): void {
    clearInterval(this.timer);
    this.wake();
  }
}
