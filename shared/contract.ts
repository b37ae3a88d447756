/**
 * The one typed contract between the UI and main. Both transports (Electron IPC in
 * main/desktop + preload, HTTP/WebSocket in main/serve + the browser client) are derived
 * from these maps, and main validates every request against its runtime schema.
 */
import { z } from 'zod';
import { EVENT_METHODS, INVOKE_METHODS } from './channels.js';
import type { Result } from './errors.js';
import type {
  ExportPreview,
  FileDetails,
  FileFilter,
  FileSummary,
  JobFinishedEvent,
  JobProgress,
  JobStatusEvent,
  JobSummary,
  Settings,
  TimelineDay,
  SimilarGroup,
} from './types.js';
import type { VerifyFinishedEvent, VerifyProgress } from './verify-report.js';
import type { ShiftApplied, ShiftPreview, ShiftRecord, ShiftUndone } from './date-shift.js';

const id = z.number().int().positive();
const ids = z.array(id).min(1).max(100_000);
const path = z.string().min(1).max(4096);
/**
 * `YYYY-MM-DDTHH:MM[:SS][±HH:MM]`, or a date known only to the day, month or year (`1987-12-25`,
 * `1987-12`, `1987`); checked again by parseCaptureTime in the handler.
 */
const timestamp = z.string().min(4).max(40);
const fileFilter = z.enum(['all', 'needs-review', 'undated', 'duplicates', 'discarded', 'exported', 'errors']);
/** What narrows a file list besides its filter. */
const refinements = {
  tag: z.string().max(200).optional(),
  jobId: id.optional(),
  folder: path.optional(),
  search: z.string().max(500).optional(),
};

/** Which files a clock correction applies to (ShiftTarget in date-shift.ts). */
const shiftTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('files'), ids }),
  z.object({ kind: z.literal('camera'), model: z.string().min(1).max(200), jobId: id.optional() }),
  z.object({ kind: z.literal('folder'), folder: path }),
  z.object({ kind: z.literal('job'), jobId: id }),
  z.object({ kind: z.literal('import-of'), fileId: id }),
  z.object({ kind: z.literal('session'), fileId: id }),
]);
/** How much: an offset (`+1h`, `-8h`, `+1d 2h 3m`) or "file X was really taken at T" (ShiftChange). */
const shiftChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offset'), offset: z.string().min(1).max(60) }),
  z.object({ kind: z.literal('actual'), fileId: id, timestamp }),
]);
const shiftRequest = z.object({ target: shiftTarget, change: shiftChange });

function channel<Res>() {
  return <M extends string, S extends z.ZodType>(method: M, request: S) => ({
    method,
    request,
    /** Type-only marker for the response; never read at run time. */
    response: undefined as unknown as Res,
  });
}

/** Invoke channels: a request from the UI, answered with `Result<Response>`. */
export const invokeChannels = {
  /** Start an import of one or more folders. */
  'import:start': channel<{ jobId: number; status: 'queued' }>()(
    INVOKE_METHODS['import:start'],
    z.object({ folders: z.array(path).min(1).max(1000) }),
  ),
  /**
   * One page of files, filtered. `offset`/`limit` page through a stable order. `folder` keeps the
   * files anywhere under that folder; `search` matches the file name.
   */
  'files:list': channel<{ items: FileSummary[]; total: number }>()(
    INVOKE_METHODS['files:list'],
    z.object({
      filter: fileFilter.default('all'),
      ...refinements,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(200),
    }),
  ),
  /** How many files each filter shows with these refinements, and every folder holding files. */
  'files:counts': channel<{ filters: Record<FileFilter, number>; folders: { path: string; count: number }[] }>()(
    INVOKE_METHODS['files:counts'],
    z.object(refinements),
  ),
  /** The days of a filtered list in list order, for the timeline's headers and its suspicious days. */
  'files:timeline': channel<{ days: TimelineDay[] }>()(
    INVOKE_METHODS['files:timeline'],
    z.object({ filter: fileFilter.default('all'), ...refinements }),
  ),
  /** Everything known about one file, with its date candidates and duplicates. */
  'files:get': channel<FileDetails>()(INVOKE_METHODS['files:get'], z.object({ id })),
  /** Set (or clear, with null) the final capture time of one file. */
  'files:set-date': channel<FileSummary>()(INVOKE_METHODS['files:set-date'], z.object({ id, timestamp: timestamp.nullable() })),
  /**
   * Date many files at once. `spacing: 'sequence'` (the default) keeps their order: in name order,
   * one second apart from `timestamp`, so the export names follow the order the user sees; `'same'`
   * gives every file the identical time. A date known only to the day, month or year is the same
   * for all (their names then follow name order through the collision suffixes).
   */
  'files:set-date-bulk': channel<{ updated: number }>()(
    INVOKE_METHODS['files:set-date-bulk'],
    z.object({ ids, timestamp: timestamp.nullable(), spacing: z.enum(['sequence', 'same']).default('sequence') }),
  ),
  'files:discard': channel<FileSummary>()(INVOKE_METHODS['files:discard'], z.object({ id })),
  'files:restore': channel<FileSummary>()(INVOKE_METHODS['files:restore'], z.object({ id })),
  'files:discard-bulk': channel<{ updated: number }>()(INVOKE_METHODS['files:discard-bulk'], z.object({ ids })),
  'files:restore-bulk': channel<{ updated: number }>()(INVOKE_METHODS['files:restore-bulk'], z.object({ ids })),
  /** Keep one file of an exact-duplicate group and discard the others. */
  'duplicates:resolve': channel<{ kept: number; discarded: number }>()(
    INVOKE_METHODS['duplicates:resolve'],
    z.object({ group: id, keepId: id }),
  ),
  /** Groups of near-duplicates (same picture, different bytes), each with the copy to keep. */
  /** `pending`: pictures not compared yet (they are hashed in the background after an import). */
  'similar:list': channel<{ groups: SimilarGroup[]; pending: number }>()(INVOKE_METHODS['similar:list'], z.object({})),
  /**
   * Resolve every near-duplicate group at once: keep the suggested copy (or the one `keep` names
   * per group id) and discard the others; exact copies of a kept file are left to the duplicates flow.
   */
  'similar:resolve-all': channel<{ groups: number; discarded: number }>()(
    INVOKE_METHODS['similar:resolve-all'],
    z.object({ keep: z.array(z.object({ group: id, keepId: id })).max(100_000).default([]) }),
  ),
  'tags:list': channel<{ name: string; count: number }[]>()(INVOKE_METHODS['tags:list'], z.object({})),
  /** Queue an export of a completed import job (default: the newest completed one). */
  'jobs:export': channel<{ jobId: number; status: 'queued'; fileCount: number }>()(
    INVOKE_METHODS['jobs:export'],
    z.object({ importJobId: id.optional(), outputDir: path.optional() }),
  ),
  'jobs:pause': channel<JobSummary>()(INVOKE_METHODS['jobs:pause'], z.object({ id })),
  'jobs:resume': channel<JobSummary>()(INVOKE_METHODS['jobs:resume'], z.object({ id })),
  'jobs:cancel': channel<JobSummary>()(INVOKE_METHODS['jobs:cancel'], z.object({ id })),
  'jobs:list': channel<JobSummary[]>()(INVOKE_METHODS['jobs:list'], z.object({ limit: z.number().int().min(1).max(1000).default(100) })),
  /** One job with its file errors; an import also says what it did (`importStats`, else null). */
  'jobs:get': channel<
    JobSummary & {
      fileErrors: { fileId: number; path: string; error: string }[];
      /** `skipped`: hidden and system entries the scan left out, the first few named in `skippedExamples`. */
      importStats: { new: number; known: number; failed: number; skipped: number; skippedExamples: string[] } | null;
    }
  >()(
    INVOKE_METHODS['jobs:get'],
    z.object({ id }),
  ),
  'settings:get': channel<Settings>()(INVOKE_METHODS['settings:get'], z.object({})),
  'settings:set': channel<Settings>()(
    INVOKE_METHODS['settings:set'],
    z.object({
      outputDirectory: path.nullable().optional(),
      timeZone: z.string().min(1).max(100).optional(),
      useFileDatesAsLastResort: z.boolean().optional(),
      useGpsTimeZone: z.boolean().optional(),
      writeDatesIntoCopies: z.boolean().optional(),
      writeFolderTagsAsKeywords: z.boolean().optional(),
      /** Refused (invalid-argument, with the reason) unless `validateNameTemplate` accepts it. */
      nameTemplate: z.string().max(1000).optional(),
    }),
  ),
  /** Native folder dialog (desktop). Where `app:info` says nativeDialogs is false, use `fs:list-dirs`. */
  'dialog:pick-folder': channel<{ paths: string[] }>()(
    INVOKE_METHODS['dialog:pick-folder'],
    z.object({ purpose: z.enum(['source', 'output']), multiple: z.boolean().default(false) }),
  ),
  /** Folders inside a folder of the machine running main (the in-page folder browser). */
  'fs:list-dirs': channel<{ path: string; parent: string | null; dirs: { name: string; path: string }[] }>()(
    INVOKE_METHODS['fs:list-dirs'],
    z.object({ path: path.optional() }),
  ),
  /**
   * Create a folder named `name` inside `parent` (the folder browser's "New folder"); answers the
   * new folder's path. Refuses names with separators, and a name that is taken (`conflict`).
   */
  'fs:make-dir': channel<{ path: string }>()(
    INVOKE_METHODS['fs:make-dir'],
    z.object({ parent: path, name: z.string().min(1).max(255) }),
  ),
  /** Reveal a file or folder in the system file manager. */
  'shell:show-path': channel<{ shown: boolean }>()(INVOKE_METHODS['shell:show-path'], z.object({ path })),
  /**
   * What an export would do, before anything is copied. `nameTemplate` previews a template being
   * edited (not saved); an invalid one is refused with the reason (invalid-argument).
   */
  'export:preview': channel<ExportPreview>()(
    INVOKE_METHODS['export:preview'],
    z.object({ importJobId: id.optional(), outputDir: path.optional(), nameTemplate: z.string().max(1000).optional() }),
  ),
  /** Facts about the host the UI runs against. */
  'app:info': channel<{
    version: string;
    nativeDialogs: boolean;
    transport: 'ipc' | 'http';
    dbPath: string;
    /** Image URL template with `{id}` and `{size}` (`small` | `large`) placeholders. */
    thumbnailUrl: string;
    /** URL template with `{id}` to play an original (a video in the details panel); null where there is none. */
    mediaUrl: string | null;
  }>()(
    INVOKE_METHODS['app:info'],
    z.object({}),
  ),
  /**
   * Re-hash the archive at `root` against its manifest on a worker thread. Progress and the
   * report arrive as `verify:progress` / `verify:finished` events carrying this `verifyId`.
   */
  'archive:verify': channel<{ verifyId: number; root: string }>()(INVOKE_METHODS['archive:verify'], z.object({ root: path })),
  /** Stop a running verification (between chunks); it then finishes as `cancelled`. */
  'archive:verify-cancel': channel<{ cancelled: boolean }>()(INVOKE_METHODS['archive:verify-cancel'], z.object({ verifyId: id })),
  /** Camera clock correction: each file's time and archive name before and after, nothing changed. */
  'dates:shift-preview': channel<ShiftPreview>()(INVOKE_METHODS['dates:shift-preview'], shiftRequest),
  /** Applies a clock correction as one undoable step; answers with its id and what it did. */
  'dates:shift-apply': channel<ShiftApplied>()(INVOKE_METHODS['dates:shift-apply'], shiftRequest),
  /** Puts back the times a correction replaced (files edited again since keep their newer time). */
  'dates:shift-undo': channel<ShiftUndone>()(INVOKE_METHODS['dates:shift-undo'], z.object({ shiftId: id })),
  /** Past corrections, newest first. */
  'dates:shift-list': channel<ShiftRecord[]>()(
    INVOKE_METHODS['dates:shift-list'],
    z.object({ limit: z.number().int().min(1).max(1000).default(50) }),
  ),
} as const;

/** Events main pushes to every subscribed UI. */
export const eventChannels = {
  'job:progress': { method: EVENT_METHODS['job:progress'], payload: undefined as unknown as JobProgress },
  'job:status': { method: EVENT_METHODS['job:status'], payload: undefined as unknown as JobStatusEvent },
  'job:finished': { method: EVENT_METHODS['job:finished'], payload: undefined as unknown as JobFinishedEvent },
  'verify:progress': { method: EVENT_METHODS['verify:progress'], payload: undefined as unknown as VerifyProgress },
  'verify:finished': { method: EVENT_METHODS['verify:finished'], payload: undefined as unknown as VerifyFinishedEvent },
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;

/** What a caller sends (defaults may be omitted). */
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = (typeof invokeChannels)[C]['response'];
export type PayloadOf<E extends EventChannel> = (typeof eventChannels)[E]['payload'];
/** One event as main emits it, discriminated by channel. */
export type ContractEvent = { [E in EventChannel]: { channel: E; payload: PayloadOf<E> } }[EventChannel];

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannels) as EventChannel[];

/** The handlers main implements: a plain object keyed by channel. */
export type Handlers = {
  [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<Result<ResponseOf<C>>>;
};

type MethodOf<C extends InvokeChannel> = (typeof invokeChannels)[C]['method'];
type EventMethodOf<E extends EventChannel> = (typeof eventChannels)[E]['method'];

/** `window.api`: one function per channel, one subscription per event. Same shape on both transports. */
export type Api = {
  [C in InvokeChannel as MethodOf<C>]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
} & {
  [E in EventChannel as EventMethodOf<E>]: (listener: (payload: PayloadOf<E>) => void) => () => void;
};

/** Every method name `window.api` must have, in a stable order. */
export const API_METHODS: string[] = [
  ...INVOKE_CHANNELS.map((c) => invokeChannels[c].method),
  ...EVENT_CHANNELS.map((e) => eventChannels[e].method),
].sort();

/** Validates a request for a channel; the error is an `invalid-argument` message. */
export function parseRequest<C extends InvokeChannel>(
  channelName: C,
  request: unknown,
): { ok: true; value: ParsedRequestOf<C> } | { ok: false; message: string } {
  const schema = invokeChannels[channelName].request as z.ZodType;
  const parsed = schema.safeParse(request ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as ParsedRequestOf<C> };
  return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') };
}

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);
}
