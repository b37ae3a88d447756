import type { ReactNode } from 'react';
import { navigate } from '../store/ui-actions.js';
import { useAppStore } from '../store/store.js';
import type { Screen } from '../store/ui-slice.js';
import { ErrorMessage } from './ErrorMessage.js';
import { ExportScreen } from './ExportScreen.js';
import { ImportScreen } from './ImportScreen.js';
import { JobsScreen } from './JobsScreen.js';
import { LibraryScreen } from './LibraryScreen.js';
import { SettingsScreen } from './SettingsScreen.js';
import { formatCount } from '../lib/format.js';
import { doneFraction } from '../store/jobs-slice.js';

const NAV: { screen: Screen; label: string }[] = [
  { screen: 'import', label: 'Import' },
  { screen: 'library', label: 'Library' },
  { screen: 'export', label: 'Export' },
  { screen: 'jobs', label: 'Jobs' },
  { screen: 'settings', label: 'Settings' },
];

export function App() {
  const screen = useAppStore((s) => s.ui.screen);
  const globalError = useAppStore((s) => s.ui.globalError);
  const offline = useAppStore((s) => s.ui.connection === 'offline');
  let body: ReactNode;
  switch (screen) {
    case 'import':
      body = <ImportScreen />;
      break;
    case 'library':
      body = <LibraryScreen />;
      break;
    case 'export':
      body = <ExportScreen />;
      break;
    case 'jobs':
      body = <JobsScreen />;
      break;
    case 'settings':
      body = <SettingsScreen />;
      break;
  }
  return (
    <div className="app">
      <nav className="side-nav" aria-label="Main">
        <div className="brand">MediaParser</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.screen}>
              <button
                type="button"
                data-testid={`nav-${n.screen}`}
                aria-current={screen === n.screen ? 'page' : undefined}
                className={screen === n.screen ? 'nav-item active' : 'nav-item'}
                onClick={() => navigate(n.screen)}
              >
                {n.label}
                <NavBadge screen={n.screen} />
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main">
        <ErrorMessage error={globalError} testId="global-error" />
        {offline ? (
          <div className="connection-banner" role="alert" data-testid="connection-lost">
            <strong>MediaParser is not answering.</strong> The server may have stopped or restarted. This page reconnects by itself as
            soon as it is back; until then nothing here can be changed.
          </div>
        ) : null}
        {/* A disabled fieldset turns every control of the screen off at once while the server is gone. */}
        <fieldset className="screen-frame" disabled={offline} aria-disabled={offline}>
          {body}
        </fieldset>
      </main>
    </div>
  );
}

/** A small live hint on the nav ("42%") so a running job is visible from any screen. */
function NavBadge({ screen }: { screen: Screen }) {
  const percent = useAppStore((s) => {
    const type = screen === 'import' ? 'import' : screen === 'export' ? 'export' : null;
    if (!type) return null;
    const id = s.jobs.current[type];
    const job = id === null ? undefined : s.jobs.byId[id];
    if (!job || (job.status !== 'running' && job.status !== 'paused') || (job.filesTotal === 0 && job.bytesTotal === 0)) return null;
    return `${formatCount(Math.floor(doneFraction(job) * 100))}%${job.status === 'paused' ? ' paused' : ''}`;
  });
  if (percent === null) return null;
  return <span className="nav-badge">{percent}</span>;
}
