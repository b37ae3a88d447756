/**
 * /api-client.js, the browser's `window.api`: the renderer's WebSocket client as one classic
 * script that the served page loads before the app. A prebuilt `api-client.js` in the static
 * folder wins; otherwise it is bundled from the renderer's sources with esbuild (it ships with the
 * dev install), once per server, when the server starts.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log, Replies } from './replies.js';

export const CLIENT_SCRIPT = '/api-client.js';

/**
 * The one renderer file serve mode names: the entry of the browser client. It is bundled from this
 * path, not imported (main/ does not import the renderer: `.dependency-cruiser.cjs`), which is why
 * knip.json lists it as an entry of its own.
 */
const BROWSER_CLIENT_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer', 'src', 'api', 'browser-entry.ts');

/** Serves /api-client.js; bundling starts now so the first page load does not wait for esbuild. */
export function createClientScript(staticDir: string, replies: Replies, log: Log): (res: ServerResponse) => Promise<void> {
  let script: Promise<string> | null = loadBrowserClient(staticDir);
  script.catch(() => {}); // reported when a page asks for it
  return async (res) => {
    script ??= loadBrowserClient(staticDir);
    try {
      replies.send(res, 200, await script, 'text/javascript; charset=utf-8');
    } catch (cause) {
      script = null; // the next request tries again
      log('Bundling the browser client failed', cause);
      replies.sendText(res, 500, 'The browser client could not be built.');
    }
  };
}

/** Puts the browser client in front of the app's module script so `window.api` exists when it runs. */
export function injectClientScript(html: string): string {
  const tag = `<script src="${CLIENT_SCRIPT}"></script>`;
  const at = html.search(/<script\b/i);
  if (at >= 0) return `${html.slice(0, at)}${tag}\n    ${html.slice(at)}`;
  const head = html.search(/<\/head>/i);
  if (head >= 0) return `${html.slice(0, head)}${tag}\n${html.slice(head)}`;
  return `${tag}\n${html}`;
}

async function loadBrowserClient(staticDir: string): Promise<string> {
  try {
    return await readFile(join(staticDir, 'api-client.js'), 'utf8');
  } catch {
    // not prebuilt: bundle below
  }
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [BROWSER_CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}
