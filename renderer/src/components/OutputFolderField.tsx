import { useEffect, useState } from 'react';
import { saveSettings } from '../store/settings-actions.js';
import { InlineTextForm } from './InlineTextForm.js';
import { useAppStore } from '../store/store.js';
import { FolderPickerButton } from './FolderPickerButton.js';

/** The export destination, saved in settings so the next start remembers it. */
export function OutputFolderField() {
  const current = useAppStore((s) => s.settings.value?.outputDirectory ?? null);
  const saving = useAppStore((s) => s.settings.saving);
  const [typed, setTyped] = useState(current ?? '');

  useEffect(() => {
    setTyped(current ?? '');
  }, [current]);

  return (
    <div className="output-folder">
      <p>
        Output folder:{' '}
        <strong className="path" data-testid="output-folder">
          {current ?? 'not chosen yet'}
        </strong>
      </p>
      <div className="button-row">
        <FolderPickerButton
          purpose="output"
          multiple={false}
          label="Choose output folder…"
          testId="pick-output-folder"
          onPicked={(paths) => {
            const [first] = paths;
            if (first) void saveSettings({ outputDirectory: first });
          }}
        />
      </div>
      <InlineTextForm
        id="output-folder-input"
        label="Or type a folder path"
        value={typed}
        onChange={setTyped}
        onSubmit={(path) => void saveSettings({ outputDirectory: path })}
        placeholder="/home/me/Photos-organised"
        inputTestId="output-folder-input"
        buttonTestId="set-output-folder"
        button="Use this folder"
        disabled={!typed.trim() || saving}
      />
    </div>
  );
}
