// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Thumb } from './Thumb.js';

afterEach(cleanup);

describe('Thumb', () => {
  it('shows the image, and a readable placeholder once it fails to load', () => {
    render(<Thumb src="/thumbs/1/large" alt="Preview of a.jpg" />);
    const img = screen.getByAltText('Preview of a.jpg');
    expect(img).toHaveAttribute('loading', 'lazy');
    fireEvent.error(img);
    expect(screen.queryByAltText('Preview of a.jpg')).not.toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Preview of a.jpg' })).toHaveTextContent('No preview');
  });

  it('tries again when the source changes', () => {
    const { rerender } = render(<Thumb src="/a" alt="x" />);
    fireEvent.error(screen.getByAltText('x'));
    rerender(<Thumb src="/b" alt="x" />);
    expect(screen.getByAltText('x')).toHaveAttribute('src', '/b');
  });
});
