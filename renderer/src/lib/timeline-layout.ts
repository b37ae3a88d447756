import type { TimelineDay } from '../../../shared/types.js';

export const CARD_ROW_HEIGHT = 224;
export const MONTH_ROW_HEIGHT = 44;
export const DAY_ROW_HEIGHT = 30;

/** One virtual row of the library: a month or day header, or a row of cards (list indexes start..end-1). */
export type TimelineRow =
  | { kind: 'month'; key: string; label: string; year: string; height: number }
  | { kind: 'day'; key: string; label: string; day: TimelineDay; height: number }
  | { kind: 'cards'; key: string; start: number; end: number; height: number };

export interface TimelineLayout {
  rows: TimelineRow[];
  /** Row index of each year's first header, for the scrubber. */
  years: { year: string; row: number }[];
  /** Card rows only, in order, with their row index: for index -> row lookups. */
  cardRows: { row: number; start: number; end: number }[];
}

const monthName = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayName = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

function dateOf(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** Formatted header labels by day or month: a library's days are laid out again on every list change. */
const labels = new Map<string, string>();
function label(format: Intl.DateTimeFormat, key: string, day: string): string {
  let text = labels.get(key);
  if (text === undefined) {
    text = format.format(dateOf(day));
    labels.set(key, text);
  }
  return text;
}

/**
 * Lays a list out as a timeline: month headers (with the year), day headers, and rows of cards
 * that never mix two days. Without days (not known yet, or a list that is not in date order) the
 * cards simply follow each other.
 */
export function layoutTimeline(total: number, columns: number, days: TimelineDay[] | null): TimelineLayout {
  const rows: TimelineRow[] = [];
  const years: { year: string; row: number }[] = [];
  const cardRows: TimelineLayout['cardRows'] = [];
  const cols = Math.max(1, columns);
  const pushCards = (start: number, end: number): void => {
    for (let at = start; at < end; at += cols) {
      cardRows.push({ row: rows.length, start: at, end: Math.min(end, at + cols) });
      rows.push({ kind: 'cards', key: `c${at}`, start: at, end: Math.min(end, at + cols), height: CARD_ROW_HEIGHT });
    }
  };
  const sum = days ? days.reduce((n, d) => n + d.count, 0) : -1;
  if (!days || sum !== total) {
    pushCards(0, total);
    return { rows, years, cardRows };
  }
  let start = 0;
  let month: string | null = null;
  for (const day of days) {
    const thisMonth = day.day ? day.day.slice(0, 7) : 'undated';
    if (thisMonth !== month) {
      month = thisMonth;
      const year = day.day ? day.day.slice(0, 4) : 'No date';
      if (years.at(-1)?.year !== year) years.push({ year, row: rows.length });
      const text = day.day ? label(monthName, `m${thisMonth}`, `${thisMonth}-01`) : 'No date';
      rows.push({ kind: 'month', key: `m${thisMonth}`, label: text, year, height: MONTH_ROW_HEIGHT });
    }
    if (day.day) rows.push({ kind: 'day', key: `d${day.day}`, label: label(dayName, `d${day.day}`, day.day), day, height: DAY_ROW_HEIGHT });
    pushCards(start, start + day.count);
    start += day.count;
  }
  return { rows, years, cardRows };
}

/** Position of the card row holding list index `index` in `cardRows`, or -1. */
export function cardRowAt(layout: TimelineLayout, index: number): number {
  let lo = 0;
  let hi = layout.cardRows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = layout.cardRows[mid]!;
    if (index < r.start) hi = mid - 1;
    else if (index >= r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The index one card row up (-1) or down (+1) from `index`, in the same column where it exists. */
export function verticalMove(layout: TimelineLayout, index: number, rowsDelta: number): number {
  const at = cardRowAt(layout, index);
  if (at < 0) return index;
  const target = layout.cardRows[Math.max(0, Math.min(layout.cardRows.length - 1, at + rowsDelta))]!;
  const column = index - layout.cardRows[at]!.start;
  return Math.min(target.end - 1, target.start + column);
}

/** Why a day is worth a second look, or null. */
export function suspicion(day: TimelineDay): string | null {
  const parts: string[] = [];
  if (day.fileTimeOnly > 0) parts.push(`${day.fileTimeOnly} dated only by file time`);
  if (day.placeholder > 0) parts.push(`${day.placeholder} at a placeholder time (1 Jan, midnight)`);
  if (day.unsure > 0) parts.push(`${day.unsure} with sources that disagree or a weak date`);
  return parts.length ? parts.join(' · ') : null;
}
