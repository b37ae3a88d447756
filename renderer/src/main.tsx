import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { waitForApi } from './api/api.js';
import { startSubscriptions, watchConnection } from './api/subscriptions.js';
import { App } from './components/App.js';
import { loadJobs } from './store/job-actions.js';
import { loadAppInfo, loadSettings } from './store/settings-actions.js';
import { setSlice } from './store/store.js';
import './styles/app.css';

async function boot(): Promise<void> {
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('index.html has no #root element');
  const root = createRoot(rootElement);
  // The transport (preload or browser client) installs window.api; this page never creates it.
  const source = await waitForApi();
  if (!source) {
    setSlice('ui', (ui) => ({
      ...ui,
      globalError: {
        code: 'internal',
        message: 'This page cannot reach MediaParser. Start it again, or open the address it printed at start-up.',
      },
    }));
  } else {
    startSubscriptions(source);
    watchConnection();
    void loadAppInfo();
    void loadSettings();
    void loadJobs();
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
