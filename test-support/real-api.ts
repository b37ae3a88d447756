/**
 * A real core on a temp library for the renderer's tests: `window.api` built from the contract's
 * channel map (as the preload builds it), each call checked by the contract and answered by the
 * core's handlers in this process, each subscription fed by the core's events. Files come in
 * either as rows straight into the files repo (tests that only need many rows) or through a real
 * import of corpus pictures. Every call is recorded, so a test can say what the renderer asked.
 */
import { join } from 'node:path';
import { buildApi } from '../preload/build-api.js';
import { INVOKE_METHODS } from '../shared/channels.js';
import { parseRequest, type Api, type InvokeChannel } from '../shared/contract.js';
import { err, type Result } from '../shared/errors.js';
import type { Confidence, DateCandidate, FileDetails, FileSummary, TimestampSource } from '../shared/types.js';
import { createAppCore, type AppCore, type HostServices } from '../main/library/app-core.js';
import { FilesRepo } from '../main/library/db/files-repo.js';
import { createJob } from '../main/library/db/jobs-repo.js';
import { copyCorpus, makeTempDir, removeDir } from './corpus.js';

/** One file put in as a row: its path (under /photos) and what the import would have read. */
export interface FileRow {
  path: string;
  /** Local capture time (`2021-07-14T15:30:00`), null for none. */
  detected?: string | null;
  offset?: string | null;
  source?: TimestampSource | null;
  confidence?: Confidence;
  tags?: string[];
  /** Same sha256 as another row: an exact duplicate. Default: unique. */
  sha256?: string;
  width?: number | null;
  height?: number | null;
  size?: number;
  cameraModel?: string | null;
  warning?: string | null;
  candidates?: DateCandidate[];
  /** 16 hex digits, as the background hashing writes them: rows within a few bits look alike. */
  perceptualHash?: string;
}

export interface RealApi {
  api: Api;
  core: AppCore;
  /** The temp folder holding the library (and any copied pictures under `photos/`). */
  dir: string;
  /** One file as the library has it now (not as the renderer thinks it is). */
  file(id: number): Promise<FileDetails>;
  /** Requests sent to one `window.api` method, oldest first. */
  callsOf(method: string): unknown[];
  /** Puts rows in the library as one finished import; returns their ids in the order given. */
  addRows(rows: FileRow[]): number[];
  /** Copies corpus pictures (paths under the corpus' media/) into `<dir>/photos`; returns that folder. */
  copyPictures(rels: string[]): Promise<string>;
  /** Copies corpus pictures, imports them for real, and lists the library. */
  importCorpus(rels: string[]): Promise<FileSummary[]>;
  close(): Promise<void>;
}

export interface RealApiOptions {
  host?: Partial<HostServices>;
  /** Hash pictures for near-duplicates in the background (off unless a test needs it). */
  backgroundHashing?: boolean;
}

const TEST_HOST: HostServices = {
  transport: 'http',
  nativeDialogs: false,
  thumbnailUrl: '/thumbs/{id}/{size}',
  mediaUrl: '/media/{id}',
  pickFolder: async () => err('unsupported', 'There is no folder dialog in tests.'),
  showPath: async () => ({ ok: true, value: { shown: true } }),
};

export async function createRealApi(options: RealApiOptions = {}): Promise<RealApi> {
  const dir = await makeTempDir('renderer');
  const core = createAppCore({
    dbPath: join(dir, 'library.db'),
    thumbnailCacheDir: join(dir, 'thumbs'),
    host: { ...TEST_HOST, ...options.host },
    backgroundHashing: options.backgroundHashing ?? false,
  });
  const calls: { method: string; request: unknown }[] = [];
  const methodOf = INVOKE_METHODS as Record<string, string>;

  const api = buildApi(
    async (channel: InvokeChannel, request: unknown) => {
      calls.push({ method: methodOf[channel]!, request });
      const parsed = parseRequest(channel, request);
      if (!parsed.ok) return err('invalid-argument', `Invalid request for ${channel}.`, parsed.message);
      const handler = core.handlers[channel] as (req: unknown) => Promise<Result<unknown>>;
      // A copy, as IPC makes: the renderer never holds the core's own objects.
      return structuredClone(await handler(parsed.value));
    },
    (channel, listener) => core.subscribe((e) => e.channel === channel && listener(structuredClone(e.payload))),
  );

  async function copyPictures(rels: string[]): Promise<string> {
    const src = join(dir, 'photos');
    await copyCorpus(src, rels);
    return src;
  }

  let rowCount = 0;
  return {
    api,
    core,
    dir,
    async file(id) {
      const r = await core.handlers['files:get']({ id });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.request),
    addRows(rows) {
      const files = new FilesRepo(core.db.sqlite);
      const job = createJob(core.db.db, 'import', { sourceFolders: ['/photos'] }, 'completed');
      files.recordImported(
        job.id,
        rows.map((r) => {
          rowCount++;
          const detected = r.detected === undefined ? '2021-07-14T15:30:00' : r.detected;
          return {
            kind: 'ok' as const,
            file: {
              path: r.path,
              root: '/photos',
              name: r.path.slice(r.path.lastIndexOf('/') + 1),
              size: r.size ?? 1_000_000 + rowCount,
              mtimeMs: 0,
              sha256: r.sha256 ?? `sha-${rowCount}`,
              mediaType: 'image' as const,
              mime: 'image/jpeg',
              width: r.width === undefined ? 4000 : r.width,
              height: r.height === undefined ? 3000 : r.height,
              candidates: r.candidates ?? [],
              detected: detected === null ? null : { local: `${detected}.000`, offset: r.offset ?? null },
              detectedSource: detected === null ? null : r.source === undefined ? 'exif-datetime-original' : r.source,
              confidence: r.confidence ?? (detected === null ? 'none' : 'high'),
              tags: r.tags ?? [],
              cameraModel: r.cameraModel ?? null,
              warning: r.warning ?? null,
            },
          };
        }),
      );
      files.recomputeDuplicateGroups();
      files.recomputeExportGroups();
      const setHash = core.db.sqlite.prepare('UPDATE files SET perceptual_hash = ? WHERE original_path = ?');
      for (const r of rows) if (r.perceptualHash !== undefined) setHash.run(r.perceptualHash, r.path);
      const idOf = core.db.sqlite.prepare('SELECT id FROM files WHERE original_path = ?').pluck();
      return rows.map((r) => idOf.get(r.path) as number);
    },
    copyPictures,
    async importCorpus(rels) {
      const src = await copyPictures(rels);
      const started = await core.handlers['import:start']({ folders: [src] });
      if (!started.ok) throw new Error(started.error.message);
      await core.waitForJob(started.value.jobId);
      const listed = await core.handlers['files:list']({ filter: 'all', offset: 0, limit: 1000 });
      if (!listed.ok) throw new Error(listed.error.message);
      return listed.value.items;
    },
    async close() {
      await core.close();
      await removeDir(dir);
    },
  };
}
