import { describe, expect, it } from 'vitest';
import { ok } from '../../shared/errors.js';
import { INVOKE_CHANNELS, type Handlers } from '../../shared/contract.js';
import { createDispatcher } from './ipc-dispatch.js';

const PAGE = 'file:///app/dist/renderer/index.html';

function setup(overrides: Partial<Handlers> = {}) {
  const received: { channel: string; request: unknown }[] = [];
  const logged: { message: string; error: unknown }[] = [];
  const handlers = Object.fromEntries(
    INVOKE_CHANNELS.map((channel) => [
      channel,
      async (request: unknown) => {
        received.push({ channel, request });
        return ok({ channel });
      },
    ]),
  ) as unknown as Handlers;
  Object.assign(handlers, overrides);
  const dispatch = createDispatcher({
    handlers,
    isTrusted: (url) => url === PAGE,
    logError: (message, error) => logged.push({ message, error }),
  });
  return { dispatch, received, logged };
}

describe('createDispatcher', () => {
  it('calls the handler with the parsed request, defaults filled in', async () => {
    const { dispatch, received } = setup();
    const result = await dispatch('jobs:list', PAGE, {});
    expect(result).toEqual({ ok: true, value: { channel: 'jobs:list' } });
    expect(received).toEqual([{ channel: 'jobs:list', request: { limit: 100 } }]);
  });

  it('refuses a request from any other frame without calling the handler', async () => {
    const { dispatch, received, logged } = setup();
    const result = await dispatch('jobs:pause', 'https://evil.example/', { id: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('permission-denied');
    expect(await dispatch('jobs:pause', null, { id: 1 })).toMatchObject({ ok: false });
    expect(received).toEqual([]);
    expect(logged).toHaveLength(2);
  });

  it('answers an invalid request with invalid-argument and the schema message', async () => {
    const { dispatch, received } = setup();
    const result = await dispatch('jobs:pause', PAGE, { id: 'one' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-argument');
      expect(result.error.detail).toContain('id');
    }
    expect(await dispatch('import:start', PAGE, { folders: [] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(received).toEqual([]);
  });

  it('turns a thrown bug into internal and logs it with its stack', async () => {
    const bug = new Error('kaboom');
    const { dispatch, logged } = setup({
      'jobs:get': async () => {
        throw bug;
      },
    });
    const result = await dispatch('jobs:get', PAGE, { id: 3 });
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('Something went wrong'), detail: 'kaboom' },
    });
    expect(logged).toEqual([{ message: 'Handler for jobs:get threw', error: bug }]);
  });

  it('passes an expected failure through untouched', async () => {
    const failure = { ok: false as const, error: { code: 'not-found' as const, message: 'No such job.' } };
    const { dispatch } = setup({ 'jobs:get': async () => failure });
    expect(await dispatch('jobs:get', PAGE, { id: 9 })).toBe(failure);
  });
});
