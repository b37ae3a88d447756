/** Shared set-up for the renderer's DOM tests. Imported only by *.test.tsx files. */
import type { Api } from '../../../shared/contract.js';
import { createFakeApi, type FakeApi, type FakeApiOptions } from './fake-api.js';
import { resetStore } from '../store/store.js';

/** A fresh store over this `window.api` (a real core's: test-support/real-api.ts). */
export function installApi(api: Api): void {
  window.api = api;
  resetStore();
}

/** A fresh store and a fresh fake `window.api`. */
export function installFakeApi(options: FakeApiOptions = {}): FakeApi {
  const fake = createFakeApi(options);
  installApi(fake.api);
  return fake;
}

/**
 * jsdom does no layout, so every element measures 0×0 and the virtual grid would show nothing.
 * Give scroll containers a desktop-sized box.
 */
export function stubLayout(width = 1000, height = 800): () => void {
  const proto = HTMLElement.prototype;
  const saved = {
    clientWidth: Object.getOwnPropertyDescriptor(proto, 'clientWidth'),
    clientHeight: Object.getOwnPropertyDescriptor(proto, 'clientHeight'),
  };
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  return () => {
    if (saved.clientWidth) Object.defineProperty(proto, 'clientWidth', saved.clientWidth);
    if (saved.clientHeight) Object.defineProperty(proto, 'clientHeight', saved.clientHeight);
  };
}
