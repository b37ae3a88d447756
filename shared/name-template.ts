/**
 * The naming template: how an exported file's path inside the archive is built. One planner for
 * everything that names a file (the export's TargetPlanner, its rename check, the export preview,
 * the clock-fix preview and the UI's live check). Pure TypeScript: no node:*, no DOM.
 *
 * A template is folders and a file name separated by `/`, made of literal text and tokens:
 *
 *   {YYYY} year   {MM} month   {DD} day   {hh} hour   {mm} minute   {ss} second   (local wall-clock time)
 *   {name} original file name without its extension   {camera} camera model   {tag} first folder tag
 *
 * The extension is never part of the template: the original's (lower-cased) is added, then a
 * `_001`.. counter before it on a collision. The default, `{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}`,
 * gives `2024/20241231_220000.jpg`.
 *
 * - A token with no value (the time of a date known only to the day, a file without a camera model
 *   or tag) is left out together with the separator (` `, `_`, `-`, `.`, `,`) before it, or after
 *   it at the start of a part: `{YYYY}{MM}{DD}_{hh}{mm}{ss}` gives `19871225` for a day-only date.
 *   A folder left empty is left out; a file name left empty falls back to the date (`19871225`).
 * - Undated files go to `unknown/<original name>` when the template uses a date or time token;
 *   a template without any (`{camera}/{name}`) names them like every other file.
 * - Token values are made safe for file names: `/ \ : * ? " < > |` and control characters become
 *   `-`, leading and trailing dots and spaces go, at most 64 bytes each.
 */
import type { CaptureTime } from './capture-time.js';
import {
  MAX_NAME_BYTES,
  sanitizeFileName,
  splitExtension,
  timestampBaseName,
  truncateUtf8,
  UNKNOWN_DIR,
  utf8Bytes,
  type PlannedName,
} from './naming.js';

export const DEFAULT_NAME_TEMPLATE = '{YYYY}/{YYYY}{MM}{DD}_{hh}{mm}{ss}';

/** The longest template accepted (characters). */
export const MAX_TEMPLATE_LENGTH = 200;

/** The most folder levels a template may create (the file name not counted). */
export const MAX_TEMPLATE_FOLDERS = 8;

/** The longest value one token gives (UTF-8 bytes, before the name is cut to fit). */
export const MAX_TOKEN_BYTES = 64;

export const NAME_TOKENS = {
  YYYY: 'year (2024)',
  MM: 'month (01-12)',
  DD: 'day (01-31)',
  hh: 'hour (00-23)',
  mm: 'minute (00-59)',
  ss: 'second (00-59)',
  name: 'original file name without its extension',
  camera: 'camera model',
  tag: 'first folder tag (alphabetically)',
} as const;

export type NameToken = keyof typeof NAME_TOKENS;

const DATE_TOKENS: ReadonlySet<NameToken> = new Set(['YYYY', 'MM', 'DD', 'hh', 'mm', 'ss']);

type Part = { kind: 'text'; text: string } | { kind: 'token'; token: NameToken };

/** A template checked by `parseNameTemplate`: only these can be planned with. */
export interface NameTemplate {
  readonly source: string;
  /** Folders then the file name, each a list of parts. */
  readonly segments: readonly (readonly Part[])[];
  /** True when a date or time token appears (undated files then go to `unknown/`). */
  readonly usesDate: boolean;
}

/** What a file contributes to its name. */
export interface NameSource {
  timestamp: CaptureTime | null;
  originalName: string;
  cameraModel?: string | null;
  /** Folder tags, sorted: the first is `{tag}`. */
  tags?: readonly string[];
}

export type ParsedTemplate = { ok: true; template: NameTemplate } | { ok: false; message: string };

const TOKEN_LIST = Object.keys(NAME_TOKENS)
  .map((t) => `{${t}}`)
  .join(' ');

// Control characters and the characters Windows forbids in names (`/` separates parts, `\` is refused on its own).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_TEXT = /[\u0000-\u001f\u007f-\u009f<>:"|?*]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_VALUE = /[\u0000-\u001f\u007f-\u009f/\\<>:"|?*]+/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/g;
const BIDI_ANY = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** Literal text that only separates tokens: it goes with a token that has no value. */
const SEPARATOR_ONLY = /^[\s_.,-]+$/;

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : `"${ch}"`;
}

/**
 * Checks a template and splits it into parts. Refused, each with a message a person can act on:
 * empty templates, absolute paths, `\`, `.`/`..` and empty folders (anything that could leave
 * the archive), hidden names, characters file names cannot hold, unknown tokens or stray braces,
 * and a file name without a date, time or `{name}` token (every file would get the same name).
 */
export function parseNameTemplate(source: string): ParsedTemplate {
  const fail = (message: string): ParsedTemplate => ({ ok: false, message });
  if (source.trim().length === 0) return fail('The naming template is empty. Try the default: ' + DEFAULT_NAME_TEMPLATE);
  if (source.length > MAX_TEMPLATE_LENGTH) return fail(`The naming template is too long (at most ${MAX_TEMPLATE_LENGTH} characters).`);
  if (source.includes('\\')) return fail('Separate folders with "/", not "\\".');
  if (source.startsWith('/') || source.startsWith('~')) return fail('The template must be a path inside the archive: it cannot start with "/" or "~".');
  const raw = source.split('/');
  if (raw.length - 1 > MAX_TEMPLATE_FOLDERS) return fail(`At most ${MAX_TEMPLATE_FOLDERS} folder levels.`);
  const segments: Part[][] = [];
  let usesDate = false;
  for (const [i, seg] of raw.entries()) {
    const isName = i === raw.length - 1;
    if (seg.length === 0) {
      return fail(isName ? 'The template ends with "/": the file name is missing.' : 'The template has an empty folder name ("//"): remove the extra "/".');
    }
    if (/^[.\s]*$/.test(seg)) return fail(`"${seg}" is not a folder name: "." and ".." would point outside the archive.`);
    if (seg.startsWith('.')) return fail(`"${seg}" starts with a dot, which hides it on Mac and Linux.`);
    if (/[.\s]$/.test(seg)) return fail(`"${seg}" ends with a dot or a space, which Windows drops.`);
    const parts: Part[] = [];
    let rest = seg;
    while (rest.length > 0) {
      const open = rest.indexOf('{');
      const close = rest.indexOf('}');
      if (close !== -1 && (open === -1 || close < open)) return fail('There is a "}" without its "{".');
      if (open === -1) {
        parts.push({ kind: 'text', text: rest });
        break;
      }
      if (open > 0) parts.push({ kind: 'text', text: rest.slice(0, open) });
      if (close === -1) return fail(`"${rest.slice(open)}" is not closed: a token looks like {YYYY}.`);
      const name = rest.slice(open + 1, close);
      if (!Object.hasOwn(NAME_TOKENS, name)) {
        return fail(`{${name}} is not a token MediaParser knows. Use ${TOKEN_LIST} (letter case matters: {MM} is the month, {mm} the minute).`);
      }
      const token = name as NameToken;
      if (DATE_TOKENS.has(token)) usesDate = true;
      parts.push({ kind: 'token', token });
      rest = rest.slice(close + 1);
    }
    for (const p of parts) {
      if (p.kind !== 'text') continue;
      const bad = FORBIDDEN_TEXT.exec(p.text);
      if (bad) return fail(`File and folder names cannot contain ${describeChar(bad[0])}.`);
      if (BIDI_ANY.test(p.text)) return fail('The template contains invisible text-direction characters.');
    }
    const literal = parts.every((p) => p.kind === 'text');
    if (literal && RESERVED.test(seg.split('.')[0]!.trim())) return fail(`"${seg}" is a name Windows reserves.`);
    if (literal && utf8Bytes(seg) > MAX_NAME_BYTES) return fail(`"${seg.slice(0, 20)}…" is longer than a file name can be.`);
    if (isName && !parts.some((p) => p.kind === 'token' && (DATE_TOKENS.has(p.token) || p.token === 'name'))) {
      return fail('The file name (after the last "/") needs a date or time token or {name}; otherwise every file gets the same name.');
    }
    segments.push(parts);
  }
  return { ok: true, template: { source, segments, usesDate } };
}

/** Null when the template can be used, else why not (the UI shows it as typed; the core refuses with it). */
export function validateNameTemplate(source: string): string | null {
  const parsed = parseNameTemplate(source);
  return parsed.ok ? null : parsed.message;
}

const DEFAULT_PARSED = parseNameTemplate(DEFAULT_NAME_TEMPLATE);
if (!DEFAULT_PARSED.ok) throw new Error(`The default naming template is invalid: ${DEFAULT_PARSED.message}`);
export const DEFAULT_TEMPLATE: NameTemplate = DEFAULT_PARSED.template;

/** The parsed template, or the default when `source` is absent (a stored template is validated when saved). */
export function templateOrDefault(source: string | null | undefined): NameTemplate {
  if (source === null || source === undefined || source === DEFAULT_NAME_TEMPLATE) return DEFAULT_TEMPLATE;
  const parsed = parseNameTemplate(source);
  if (!parsed.ok) throw new Error(`Invalid naming template "${source}": ${parsed.message}`);
  return parsed.template;
}

function trimEnds(text: string): string {
  return text.replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');
}

/** A camera model or tag made safe inside a file name: `HP Scanjet 5/7: v2` -> `HP Scanjet 5-7- v2`. */
export function sanitizeTokenValue(value: string): string {
  let v = value.normalize('NFC').replace(BIDI, '').replace(FORBIDDEN_VALUE, '-').replace(/\s+/gu, ' ');
  v = trimEnds(v);
  return trimEnds(truncateUtf8(v, MAX_TOKEN_BYTES));
}

/** The value of each token for a dated file; '' where the date is not known that precisely. */
function dateValues(ct: CaptureTime): Record<'YYYY' | 'MM' | 'DD' | 'hh' | 'mm' | 'ss', string> {
  const l = ct.local;
  const p = ct.precision ?? 'second';
  const month = p !== 'year';
  const day = month && p !== 'month';
  const time = day && p !== 'day';
  return {
    YYYY: l.slice(0, 4),
    MM: month ? l.slice(5, 7) : '',
    DD: day ? l.slice(8, 10) : '',
    hh: time ? l.slice(11, 13) : '',
    mm: time ? l.slice(14, 16) : '',
    ss: time ? l.slice(17, 19) : '',
  };
}

/** One part of a path rendered: tokens without a value take their separator with them. */
function renderSegment(parts: readonly Part[], value: (t: NameToken) => string): string {
  const out: (string | null)[] = parts.map((p) => (p.kind === 'text' ? p.text : value(p.token)));
  for (const [i, p] of parts.entries()) {
    if (p.kind !== 'token' || out[i] !== '') continue;
    const before = parts[i - 1];
    if (before?.kind === 'text' && out[i - 1] !== null && SEPARATOR_ONLY.test(before.text)) {
      out[i - 1] = null;
      continue;
    }
    // At the start of the part (nothing shown before it): the separator after it goes instead.
    const atStart = out.slice(0, i).every((s) => s === null || s === '');
    const after = parts[i + 1];
    if (atStart && after?.kind === 'text' && SEPARATOR_ONLY.test(after.text)) out[i + 1] = null;
  }
  return out.filter((s): s is string => s !== null).join('');
}

/** A rendered folder or file name made safe on every common file system (never starts with a dot). */
function safeSegment(text: string, maxBytes: number): string {
  let s = trimEnds(text.normalize('NFC').replace(BIDI, ''));
  if (RESERVED.test((s.split('.')[0] ?? '').trimEnd())) s = `_${s}`;
  return trimEnds(truncateUtf8(s, maxBytes));
}

/**
 * Where a file goes, before collision handling: `{dir:'2024', stem:'20241231_220000', ext:'.jpg'}`
 * under the default template, `{dir:'unknown', stem:<original name>, ext}` when undated. `dir` may
 * hold several folders (`2024/12`) or be '' (the archive's root). Extensions are lower-cased.
 * THE planner: every place that names an exported file calls this.
 */
export function planName(file: NameSource, template: NameTemplate = DEFAULT_TEMPLATE): PlannedName {
  const ct = file.timestamp;
  if (ct === null && template.usesDate) {
    // Leave room for a `_NNN` suffix so a colliding long name still fits.
    const safe = sanitizeFileName(file.originalName, MAX_NAME_BYTES - 4);
    const { stem, ext } = splitExtension(safe);
    return { dir: UNKNOWN_DIR, stem, ext: ext.toLowerCase() };
  }
  const { stem: originalStem, ext: originalExt } = splitExtension(sanitizeFileName(file.originalName));
  const ext = originalExt.toLowerCase();
  const dates = ct ? dateValues(ct) : null;
  const value = (t: NameToken): string => {
    switch (t) {
      case 'name':
        return originalStem;
      case 'camera':
        return sanitizeTokenValue(file.cameraModel ?? '');
      case 'tag':
        return sanitizeTokenValue(file.tags?.[0] ?? '');
      default:
        return dates?.[t] ?? '';
    }
  };
  const folders: string[] = [];
  const last = template.segments.length - 1;
  for (const parts of template.segments.slice(0, last)) {
    const folder = safeSegment(renderSegment(parts, value), MAX_NAME_BYTES);
    if (folder.length > 0) folders.push(folder);
  }
  // Room for the extension and a `_NNN` suffix.
  const room = MAX_NAME_BYTES - 4 - utf8Bytes(ext);
  let stem = safeSegment(renderSegment(template.segments[last]!, value), room);
  if (stem.length === 0) stem = ct ? timestampBaseName(ct) : safeSegment(originalStem, room) || 'unnamed';
  return { dir: folders.join('/'), stem, ext };
}

/** The default template's plan (today's names): `2024/20241231_220000.jpg`, `unknown/IMG_0001.jpg`. */
export function plannedRelativePath(timestamp: CaptureTime | null, originalName: string): PlannedName {
  return planName({ timestamp, originalName }, DEFAULT_TEMPLATE);
}
