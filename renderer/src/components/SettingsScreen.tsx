import { useMemo } from 'react';
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
            <div className="field checkbox">
              <input
                id="gps-time-zone"
                data-testid="gps-time-zone"
                type="checkbox"
                checked={settings.useGpsTimeZone}
                onChange={(e) => void saveSettings({ useGpsTimeZone: e.target.checked })}
              />
              <label htmlFor="gps-time-zone">Use the time zone where the file was taken</label>
              <p className="muted">
                When a video (or a Google Takeout photo) stores its time in UTC and carries a GPS position, show it in the time
                zone of that place instead of the zone above.
              </p>
            </div>
            <div className="field checkbox">
              <input
                id="file-dates-last-resort"
                data-testid="file-dates-last-resort"
                type="checkbox"
                checked={settings.useFileDatesAsLastResort}
                onChange={(e) => void saveSettings({ useFileDatesAsLastResort: e.target.checked })}
              />
              <label htmlFor="file-dates-last-resort">Use file dates as a last resort</label>
              <p className="muted">
                When a file has no date inside it, use the date the file was last changed. This is often wrong for copied files,
                so such files are still marked for review.
              </p>
            </div>
            <div className="field checkbox">
              <input
                id="write-dates-into-copies"
                data-testid="write-dates-into-copies"
                type="checkbox"
                checked={settings.writeDatesIntoCopies}
                onChange={(e) => void saveSettings({ writeDatesIntoCopies: e.target.checked })}
              />
              <label htmlFor="write-dates-into-copies">Write corrected dates into copies</label>
              <p className="muted">
                When a date came from you, a file name or the file time, the copy in the archive gets it written inside, so other
                photo apps sort it the same way. Your originals are never changed.
              </p>
            </div>
            <div className="field checkbox">
              <input
                id="write-folder-tags"
                data-testid="write-folder-tags"
                type="checkbox"
                checked={settings.writeFolderTagsAsKeywords}
                onChange={(e) => void saveSettings({ writeFolderTagsAsKeywords: e.target.checked })}
              />
              <label htmlFor="write-folder-tags">Write folder tags as keywords</label>
              <p className="muted">Tags from folder names go into the copies as keywords that photo apps can search.</p>
            </div>
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
