/**
 * `mediaparser serve`: the app in a browser on machines where Electron cannot run.
 * Runs until SIGINT/SIGTERM, then pauses any running job (core.close) and exits cleanly.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppCore, libraryBusyMessage } from '../library/app-core.js';
import { serveHostServices, startServer, type RunningServer } from './server.js';

/** Same status as the CLI's: another process holds the library. */
const EXIT_LIBRARY_BUSY = 75;

export interface ServeCommandArgs {
  /** 0 or omitted: any free port. */
  port?: number;
  dbPath: string;
  /** The built renderer; default `dist/renderer` of this checkout. */
  staticDir?: string;
  /** Where the address and notices go; default stdout. */
  print?: (line: string) => void;
  /** Where problems go; default stderr. */
  printError?: (line: string) => void;
  /** Resolves to stop the server (tests); default: the first SIGINT/SIGTERM. */
  until?: Promise<unknown>;
  /** Called once listening (tests read the URL here). */
  onListening?: (server: RunningServer) => void;
}

export function defaultStaticDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'renderer');
}

/**
 * Resolves with the process exit code once the server has stopped and the core is closed.
 * Problems a user can fix (no renderer build, port taken) are printed and give 1 instead of throwing;
 * a library held by another process gives 75, like the CLI.
 */
export async function runServeCommand(args: ServeCommandArgs): Promise<number> {
  const print = args.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const printError = args.printError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const staticDir = args.staticDir ?? defaultStaticDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    printError(`The app's web files are missing (${join(staticDir, 'index.html')}).`);
    printError('Run `npm run build:renderer` first, or start with `npm run serve`, which builds them.');
    return 1;
  }

  const core = createAppCore({
    dbPath: args.dbPath,
    host: serveHostServices(),
    writer: { kind: 'serve', command: 'mediaparser serve' },
  });
  if (core.access.mode !== 'writer') {
    // A browser page on a library it cannot change would only fail at the first click.
    printError(libraryBusyMessage(core.access.holder));
    await core.close();
    return EXIT_LIBRARY_BUSY;
  }

  let server: RunningServer;
  try {
    server = await startServer({
      // A factory, so the server owns the core and closes it.
      core: () => core,
      port: args.port ?? 0,
      staticDir,
    });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      printError(`Port ${args.port} is already in use. Choose another with --port, or --port 0 for any free port.`);
      return 1;
    }
    throw cause;
  }
  const stop = args.until ?? signalled();
  // The address is shown to refused processes; the token goes to a file only this user can read.
  const address = new URL(server.url);
  address.search = '';
  core.announceWriter({ url: address.href, token: server.token });
  print(`MediaParser is serving on ${server.url}`);
  print('Open that address in a browser on this machine (it contains the access token). Press Ctrl+C to stop.');
  args.onListening?.(server);

  await stop;
  print('Stopping: pausing any running job…');
  await server.close();
  print('Stopped.');
  return 0;
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolveSignal(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
