import { isValidTimeZone } from '../../../shared/capture-time.js';
import { DEFAULT_NAME_TEMPLATE, validateNameTemplate } from '../../../shared/name-template.js';
import type { Settings } from '../../../shared/types.js';
import type { Db } from './open-db.js';
import { settings } from './schema.js';

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function defaultSettings(): Settings {
  return { outputDirectory: null, timeZone: machineTimeZone(), useFileDatesAsLastResort: false, useGpsTimeZone: true, writeDatesIntoCopies: true, writeFolderTagsAsKeywords: true, nameTemplate: DEFAULT_NAME_TEMPLATE };
}

const KEYS: Record<keyof Settings, string> = {
  outputDirectory: 'output_directory',
  timeZone: 'time_zone',
  useFileDatesAsLastResort: 'use_file_dates_as_last_resort',
  useGpsTimeZone: 'use_gps_time_zone',
  writeDatesIntoCopies: 'write_dates_into_copies',
  writeFolderTagsAsKeywords: 'write_folder_tags_as_keywords',
  nameTemplate: 'name_template',
};

export function readSettings(db: Db): Settings {
  const rows = db.select().from(settings).all();
  const byKey = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const out = defaultSettings();
  const dir = byKey.get(KEYS.outputDirectory);
  if (typeof dir === 'string' || dir === null) out.outputDirectory = dir;
  const tz = byKey.get(KEYS.timeZone);
  if (typeof tz === 'string' && isValidTimeZone(tz)) out.timeZone = tz;
  const useDates = byKey.get(KEYS.useFileDatesAsLastResort);
  if (typeof useDates === 'boolean') out.useFileDatesAsLastResort = useDates;
  const useGps = byKey.get(KEYS.useGpsTimeZone);
  if (typeof useGps === 'boolean') out.useGpsTimeZone = useGps;
  const writeDates = byKey.get(KEYS.writeDatesIntoCopies);
  if (typeof writeDates === 'boolean') out.writeDatesIntoCopies = writeDates;
  const writeTags = byKey.get(KEYS.writeFolderTagsAsKeywords);
  if (typeof writeTags === 'boolean') out.writeFolderTagsAsKeywords = writeTags;
  const template = byKey.get(KEYS.nameTemplate);
  // Validated when saved; a stored template the rules now refuse falls back to the default.
  if (typeof template === 'string' && validateNameTemplate(template) === null) out.nameTemplate = template;
  return out;
}

export function writeSettings(db: Db, patch: Partial<Settings>): Settings {
  db.transaction((tx) => {
    for (const [k, v] of Object.entries(patch) as [keyof Settings, unknown][]) {
      if (v === undefined) continue;
      const key = KEYS[k];
      const value = JSON.stringify(v);
      tx.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
    }
  });
  return readSettings(db);
}

