/** Default locations, matching Electron's `app.getPath('userData')` for productName MediaParser. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'MediaParser';
export const DB_FILE_NAME = 'mediaparser.db';

export function defaultUserDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** `--db FILE` wins, then MEDIAPARSER_DB, then the desktop app's user-data folder. */
export function resolveDbPath(explicit?: string, env = process.env): string {
  if (explicit) return explicit;
  if (env.MEDIAPARSER_DB) return env.MEDIAPARSER_DB;
  return join(defaultUserDataDir(), DB_FILE_NAME);
}
