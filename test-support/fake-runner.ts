/**
 * Test helper: the runner's side of an export worker, without a database. Serves pages of files,
 * records every message with the time it came, and lets a test wait for a message. Not part of the app.
 */
import path from 'node:path';
import type { ExportPort } from '../main/workers/export-worker.js';
import type { ExportItem, ExportRunnerMessage, ExportWorkerData, ExportWorkerMessage } from '../main/protocol/workers.js';

type Of<T extends ExportWorkerMessage['type']> = Extract<ExportWorkerMessage, { type: T }>;

export class FakeRunner implements ExportPort {
  readonly messages: ExportWorkerMessage[] = [];
  /** performance.now() when each message (same index) arrived. */
  readonly times: number[] = [];
  readonly control = new SharedArrayBuffer(4);
  private readonly word = new Int32Array(this.control);
  private handler: ((m: ExportRunnerMessage) => void) | null = null;
  private waiters: Array<{ pred: (m: ExportWorkerMessage) => boolean; resolve: (m: ExportWorkerMessage) => void }> = [];
  private offset = 0;

  constructor(
    private readonly items: ExportItem[],
    private readonly pageSize = 4,
  ) {}

  post(m: ExportWorkerMessage): void {
    this.messages.push(m);
    this.times.push(performance.now());
    for (const w of [...this.waiters]) {
      if (w.pred(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
    if (m.type === 'need-files') {
      const items = this.items.slice(this.offset, this.offset + this.pageSize);
      this.offset += items.length;
      // Asynchronous like a real MessagePort.
      setImmediate(() => this.handler?.({ type: 'files', items, last: this.offset >= this.items.length }));
    }
  }

  onMessage(handler: (m: ExportRunnerMessage) => void): () => void {
    this.handler = handler;
    return () => {
      this.handler = null;
    };
  }

  waitFor<T extends ExportWorkerMessage['type']>(type: T, pred: (m: Of<T>) => boolean = () => true): Promise<Of<T>> {
    const match = (m: ExportWorkerMessage): boolean => m.type === type && pred(m as Of<T>);
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen as Of<T>);
    return new Promise((resolve) => this.waiters.push({ pred: match, resolve: resolve as (m: ExportWorkerMessage) => void }));
  }

  /** When the first message matching arrived. */
  timeOf<T extends ExportWorkerMessage['type']>(type: T, pred: (m: Of<T>) => boolean = () => true): number {
    const i = this.messages.findIndex((m) => m.type === type && pred(m as Of<T>));
    if (i < 0) throw new Error(`no ${type} message`);
    return this.times[i]!;
  }

  signal(value: number): void {
    Atomics.store(this.word, 0, value);
    Atomics.notify(this.word, 0);
    this.handler?.({ type: 'control' });
  }

  private outputDir = '';

  data(outputDir: string, jobId = 7): ExportWorkerData {
    this.outputDir = outputDir;
    return { kind: 'export', control: this.control, jobId, outputDir };
  }

  of<T extends ExportWorkerMessage['type']>(type: T): Array<Of<T>> {
    return this.messages.filter((m) => m.type === type) as Array<Of<T>>;
  }

  /** Results with the absolute path of the copy each names, and whether it was found rather than written. */
  done(): Array<Of<'file-done'> & { outputPath: string; adopted: boolean }> {
    return this.of('file-done').map((m) => ({ ...m, outputPath: path.join(this.outputDir, ...m.relPath.split('/')), adopted: m.outcome !== 'copied' }));
  }

  doneById(): Map<number, ReturnType<FakeRunner['done']>[number]> {
    return new Map(this.done().map((m) => [m.fileId, m]));
  }
}
