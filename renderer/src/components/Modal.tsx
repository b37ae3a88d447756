import { useRef, type ReactNode } from 'react';
import { useFocusTrap } from '../lib/use-focus-trap.js';

/**
 * A modal dialog: the backdrop, the dialog box named by its title, and the focus trap (Tab stays
 * inside, Esc closes from anywhere in it, focus goes back to what opened it). `closeOnBackdrop`:
 * a click beside the box closes it too (for a sheet that holds nothing to lose).
 */
export function Modal({
  className,
  titleId,
  testId,
  onClose,
  closeOnBackdrop = false,
  children,
}: {
  className: string;
  titleId: string;
  testId: string;
  onClose: () => void;
  closeOnBackdrop?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);
  return (
    <div className="modal-backdrop" onClick={closeOnBackdrop ? onClose : undefined}>
      <div
        ref={ref}
        className={`modal ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
        onClick={closeOnBackdrop ? (e) => e.stopPropagation() : undefined}
      >
        {children}
      </div>
    </div>
  );
}
