import { useState } from 'react';
import type { AppError } from '../../../shared/errors.js';
import { pickFolders } from '../store/settings-actions.js';
import { useAppStore } from '../store/store.js';
import { ErrorMessage } from './ErrorMessage.js';
import { FolderBrowser } from './FolderBrowser.js';

/** "Choose…": the system dialog on the desktop, the in-page browser in a web browser. */
export function FolderPickerButton({
  purpose,
  multiple,
  label,
  onPicked,
  testId,
}: {
  purpose: 'source' | 'output';
  multiple: boolean;
  label: string;
  onPicked: (paths: string[]) => void;
  testId?: string;
}) {
  const native = useAppStore((s) => s.settings.app?.nativeDialogs ?? false);
  const [browsing, setBrowsing] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  async function choose(): Promise<void> {
    setError(null);
    if (!native) {
      setBrowsing(true);
      return;
    }
    const result = await pickFolders(purpose, multiple);
    if ('error' in result) setError(result.error);
    else if (result.paths.length > 0) onPicked(result.paths);
  }

  return (
    <>
      <button type="button" onClick={() => void choose()} data-testid={testId}>
        {label}
      </button>
      <ErrorMessage error={error} />
      {browsing ? (
        <FolderBrowser
          title={purpose === 'source' ? 'Choose a folder with photos' : 'Choose where to put the organised copies'}
          onClose={() => setBrowsing(false)}
          onChoose={(path) => {
            setBrowsing(false);
            onPicked([path]);
          }}
        />
      ) : null}
    </>
  );
}
