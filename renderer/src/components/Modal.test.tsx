// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Modal } from './Modal.js';

/** A page with a button that opens a dialog of two buttons, as the app's dialogs are opened. */
function Page({ closeOnBackdrop = false }: { closeOnBackdrop?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <button type="button">Behind</button>
      {open ? (
        <Modal className="test" titleId="t" testId="dialog" onClose={() => setOpen(false)} closeOnBackdrop={closeOnBackdrop}>
          <h2 id="t">Title</h2>
          <button type="button">First</button>
          <button type="button">Last</button>
        </Modal>
      ) : null}
    </>
  );
}

describe('Modal', () => {
  afterEach(cleanup);

  it('is a named modal dialog that keeps Tab inside, closes on Esc and gives focus back to its opener', () => {
    render(<Page />);
    const opener = screen.getByText('Open');
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByTestId('dialog');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleName('Title');
    expect(screen.getByText('First')).toHaveFocus();
    screen.getByText('Last').focus();
    fireEvent.keyDown(document, { key: 'Tab' });
    expect(screen.getByText('First')).toHaveFocus();
    fireEvent.keyDown(document, { key: 'Tab', shiftKey: true });
    expect(screen.getByText('Last')).toHaveFocus();
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByTestId('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });

  it('closes on a click beside the box only when asked to', () => {
    const { unmount } = render(<Page />);
    fireEvent.click(screen.getByText('Open'));
    fireEvent.click(screen.getByTestId('dialog').parentElement!);
    expect(screen.getByTestId('dialog')).toBeInTheDocument();
    fireEvent.click(screen.getByText('First'));
    expect(screen.getByTestId('dialog')).toBeInTheDocument();
    unmount();
    render(<Page closeOnBackdrop />);
    fireEvent.click(screen.getByText('Open'));
    fireEvent.click(screen.getByText('First'));
    expect(screen.getByTestId('dialog')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('dialog').parentElement!);
    expect(screen.queryByTestId('dialog')).toBeNull();
  });
});
