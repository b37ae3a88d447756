import { useMemo, type ReactNode } from 'react';
import type { Settings } from '../../../shared/types.js';
import { saveSettings } from '../store/settings-actions.js';
import { useAppStore } from '../store/store.js';
import { ErrorMessage } from './ErrorMessage.js';
import { OutputFolderField } from './OutputFolderField.js';

function timeZones(current: string | undefined): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  if (current && !zones.includes(current)) zones = [current, ...zones];
  return zones;
}

type BooleanSetting = { [K in keyof Settings]: Settings[K] extends boolean ? K : never }[keyof Settings];

/** One on/off setting: saved as soon as it is ticked, with what it does below. */
function SettingCheckbox({ id, setting, label, children }: { id: string; setting: BooleanSetting; label: string; children: ReactNode }) {
  const checked = useAppStore((s) => s.settings.value?.[setting] ?? false);
  return (
    <div className="field checkbox">
      <input id={id} data-testid={id} type="checkbox" checked={checked} onChange={(e) => void saveSettings({ [setting]: e.target.checked })} />
      <label htmlFor={id}>{label}</label>
      <p className="muted">{children}</p>
    </div>
  );
}

export function SettingsScreen() {
  const settings = useAppStore((s) => s.settings.value);
  const error = useAppStore((s) => s.settings.error);
  const savedAt = useAppStore((s) => s.settings.savedAt);
  const app = useAppStore((s) => s.settings.app);
  const zones = useMemo(() => timeZones(settings?.timeZone), [settings?.timeZone]);

  return (
    <div className="screen">
      <h1>Settings</h1>
      <ErrorMessage error={error} />
      {settings ? (
        <>
          <section aria-labelledby="settings-output">
            <h2 id="settings-output">Output folder</h2>
            <OutputFolderField />
          </section>
          <section aria-labelledby="settings-dates">
            <h2 id="settings-dates">Dates</h2>
            <div className="field">
              <label htmlFor="time-zone">Time zone for videos</label>
              <select
                id="time-zone"
                data-testid="time-zone"
                value={settings.timeZone}
                onChange={(e) => void saveSettings({ timeZone: e.target.value })}
              >
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
              <p className="muted">Many cameras and phones store video times in UTC; this zone turns them into local time.</p>
            </div>
            <SettingCheckbox id="gps-time-zone" setting="useGpsTimeZone" label="Use the time zone where the file was taken">
              When a video (or a Google Takeout photo) stores its time in UTC and carries a GPS position, show it in the time
              zone of that place instead of the zone above.
            </SettingCheckbox>
            <SettingCheckbox id="file-dates-last-resort" setting="useFileDatesAsLastResort" label="Use file dates as a last resort">
              When a file has no date inside it, use the date the file was last changed. This is often wrong for copied files,
              so such files are still marked for review.
            </SettingCheckbox>
            <SettingCheckbox id="write-dates-into-copies" setting="writeDatesIntoCopies" label="Write corrected dates into copies">
              When a date came from you, a file name or the file time, the copy in the archive gets it written inside, so other
              photo apps sort it the same way. Your originals are never changed.
            </SettingCheckbox>
            <SettingCheckbox id="write-folder-tags" setting="writeFolderTagsAsKeywords" label="Write folder tags as keywords">
              Tags from folder names go into the copies as keywords that photo apps can search.
            </SettingCheckbox>
          </section>
          {savedAt ? (
            <p className="muted" role="status" data-testid="settings-saved">
              Saved.
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">Loading…</p>
      )}
      {app ? (
        <section aria-labelledby="settings-about">
          <h2 id="settings-about">About</h2>
          <p className="muted">
            MediaParser {app.version} · database: <span className="path">{app.dbPath}</span>
          </p>
        </section>
      ) : null}
    </div>
  );
}
