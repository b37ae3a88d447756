/**
 * The CLI's side of handing a command to the `mediaparser serve` that holds the library: the
 * parts of AppCore the CLI uses (handlers, events, waiting for a job), carried over serve's
 * WebSocket with the token serve left beside the library's lock.
 */
import { WebSocket } from 'ws';
import { INVOKE_CHANNELS, type Handlers, type InvokeChannel } from '../../shared/contract.js';
import type { AppError, Result } from '../../shared/errors.js';
import type { JobSummary } from '../../shared/types.js';
import type { AppCore, CoreEvent } from '../library/app-core.js';

export type CliCore = Pick<AppCore, 'handlers' | 'subscribe' | 'waitForJob' | 'close'>;

const LOST: AppError = { code: 'io', message: 'Lost the connection to `mediaparser serve`; the job goes on there.' };

/** Resolves once connected; rejects when the server cannot be reached or refuses the token. */
export async function connectRemoteCore(url: string, token: string): Promise<CliCore> {
  const wsUrl = new URL('/ws', url);
  wsUrl.protocol = 'ws:';
  const socket = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Set<(event: CoreEvent) => void>();
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    let message: { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return;
    }
    if (typeof message.id === 'number') {
      pending.get(message.id)?.(message.result as Result<unknown>);
      pending.delete(message.id);
    } else if (typeof message.event === 'string') {
      const event = { channel: message.event, payload: message.payload } as CoreEvent;
      for (const listener of [...listeners]) listener(event);
    }
  });
  socket.on('close', () => {
    for (const resolve of pending.values()) resolve({ ok: false, error: LOST });
    pending.clear();
  });
  socket.on('error', () => undefined); // 'close' follows

  const invoke = (channel: InvokeChannel, request: unknown): Promise<Result<unknown>> =>
    new Promise((resolve) => {
      if (socket.readyState !== WebSocket.OPEN) return resolve({ ok: false, error: LOST });
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, channel, request }));
    });
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((channel) => [channel, (request: unknown) => invoke(channel, request)])) as unknown as Handlers;

  const subscribe = (listener: (event: CoreEvent) => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return {
    handlers,
    subscribe,
    waitForJob(jobId) {
      return new Promise<JobSummary>((resolve, reject) => {
        let done = false;
        const check = async (): Promise<void> => {
          const job = await handlers['jobs:get']({ id: jobId });
          if (done) return;
          if (!job.ok) {
            done = true;
            unsubscribe();
            socket.off('close', onClose);
            reject(new Error(job.error.message));
          } else if (job.value.status !== 'queued' && job.value.status !== 'running') {
            done = true;
            unsubscribe();
            socket.off('close', onClose);
            const { fileErrors: _omit, ...summary } = job.value;
            resolve(summary);
          }
        };
        const onClose = (): void => {
          if (done) return;
          done = true;
          unsubscribe();
          reject(Object.assign(new Error(LOST.message), { appError: LOST }));
        };
        const unsubscribe = subscribe((e) => {
          if ((e.channel === 'job:status' || e.channel === 'job:finished') && e.payload.jobId === jobId) void check();
        });
        socket.on('close', onClose);
        // It may have ended before this subscription.
        void check();
      });
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close(1000, 'CLI done');
      await closed;
    },
  };
}
