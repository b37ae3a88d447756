// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeFile } from '../dev/fake-api.js';
import { installFakeApi } from '../dev/test-helpers.js';
import { SimilarSection } from './SimilarSection.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('SimilarSection', () => {
  it('lists each group with the suggested copy and resolves them all with one button', async () => {
    const files = [
      makeFile(1, { originalName: 'IMG_1.jpg', width: 4000, height: 3000 }),
      makeFile(2, { originalName: 'IMG-WA0001.jpg', width: 1600, height: 1200 }),
      makeFile(3, { originalName: 'beach.jpg', width: 2000, height: 1500 }),
      makeFile(4, { originalName: 'beach small.jpg', width: 500, height: 375 }),
    ];
    const fake = installFakeApi({
      files,
      similar: [
        { id: 1, keepId: 1, reason: 'largest (4000×3000)', memberCount: 2, members: [files[0]!, files[1]!] },
        { id: 3, keepId: 3, reason: 'largest (2000×1500)', memberCount: 2, members: [files[2]!, files[3]!] },
      ],
    });
    render(<SimilarSection />);
    const section = await screen.findByTestId('similar-section');
    expect(section).toHaveTextContent('2 groups, 2 copies to discard');
    const groups = within(section).getAllByTestId('similar-group');
    expect(groups[0]).toHaveTextContent('IMG_1.jpg');
    expect(groups[0]).toHaveTextContent('Keep: largest (4000×3000)');
    expect(within(groups[0]!).getAllByText('Discard')).toHaveLength(1);

    fireEvent.click(within(section).getByTestId('similar-resolve-all'));
    expect(await screen.findByTestId('similar-done')).toHaveTextContent('Kept 2 pictures, discarded 2 copies.');
    expect(fake.callsOf('resolveAllSimilar')).toHaveLength(1);
    expect(fake.files.filter((f) => f.discarded).map((f) => f.id)).toEqual([2, 4]);
  });

  it('shows nothing when there are no near-duplicates', async () => {
    const fake = installFakeApi({ files: [makeFile(1)] });
    const { container } = render(<SimilarSection />);
    await screen.findByText((_, el) => el === container);
    expect(fake.callsOf('listSimilar')).toHaveLength(1);
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
