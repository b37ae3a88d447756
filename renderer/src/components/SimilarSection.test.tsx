// @vitest-environment jsdom-core
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealApi, type RealApi } from '../../../test-support/real-api.js';
import { makeFile } from '../dev/fake-api.js';
import { installApi, installFakeApi } from '../dev/test-helpers.js';
import { SimilarSection } from './SimilarSection.js';

let real: RealApi | null = null;

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  await real?.close();
  real = null;
});

describe('SimilarSection', () => {
  it('lists each group with the suggested copy and resolves them all with one button', async () => {
    // Two pictures and a smaller copy of each, with other bytes: hashes a bit apart, the same shape.
    real = await createRealApi();
    const ids = real.addRows([
      { path: '/photos/IMG_1.jpg', width: 4000, height: 3000, perceptualHash: 'f0f0f0f0f0f0f0f0' },
      { path: '/photos/IMG-WA0001.jpg', width: 1600, height: 1200, perceptualHash: 'f0f0f0f0f0f0f0f1' },
      { path: '/photos/beach.jpg', width: 2000, height: 1500, perceptualHash: '0123456789abcdef' },
      { path: '/photos/beach small.jpg', width: 500, height: 375, perceptualHash: '0123456789abcdee' },
    ]);
    installApi(real.api);
    render(<SimilarSection />);
    const section = await screen.findByTestId('similar-section');
    expect(section).toHaveTextContent('2 groups, 2 copies to discard');
    const groups = within(section).getAllByTestId('similar-group');
    expect(groups[0]).toHaveTextContent('IMG_1.jpg');
    expect(groups[0]).toHaveTextContent('Keep: largest (4000×3000)');
    expect(within(groups[0]!).getAllByText('Discard')).toHaveLength(1);

    fireEvent.click(within(section).getByTestId('similar-resolve-all'));
    expect(await screen.findByTestId('similar-done')).toHaveTextContent('Kept 2 pictures, discarded 2 copies.');
    expect(real.callsOf('resolveAllSimilar')).toHaveLength(1);
    const discarded = await Promise.all(ids.map(async (id) => (await real!.file(id)).discarded));
    expect(discarded).toEqual([false, true, false, true]);
  });

  it('shows nothing when there are no near-duplicates', async () => {
    real = await createRealApi();
    real.addRows([{ path: '/photos/IMG_1.jpg', perceptualHash: 'f0f0f0f0f0f0f0f0' }, { path: '/photos/other.jpg', perceptualHash: '0f0f0f0f0f0f0f0f' }]);
    installApi(real.api);
    const { container } = render(<SimilarSection />);
    await screen.findByText((_, el) => el === container);
    expect(real.callsOf('listSimilar')).toHaveLength(1);
    expect(screen.queryByTestId('similar-section')).toBeNull();
  });

  it('says how many pictures are still being compared and asks again until none are left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = installFakeApi({ files: [makeFile(1)], similarPending: [3, 1, 0] });
    render(<SimilarSection />);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(screen.getByTestId('similar-pending')).toHaveTextContent('3 left to compare');
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(screen.getByTestId('similar-pending')).toHaveTextContent('1 left to compare');
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(screen.queryByTestId('similar-pending')).toBeNull();
    // Nothing left: no more asking.
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(fake.callsOf('listSimilar')).toHaveLength(3);
  });
});
