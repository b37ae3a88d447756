/** The terminal progress line. Pure: tested without a terminal. */
import type { JobProgress } from '../../shared/types.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function renderProgressLine(verb: string, p: JobProgress, columns = 100): string {
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
  const pct = Math.min(100, Math.floor(fraction * 100));
  const width = 20;
  const filled = Math.round((pct / 100) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const speed = p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : '';
  const eta = p.etaSeconds !== null ? ` ${formatDuration(p.etaSeconds)} left` : '';
  const errors = p.errorCount ? ` ${p.errorCount} errors` : '';
  const head = `${verb} ${bar} ${p.filesDone.toLocaleString('en-US')}/${p.filesTotal.toLocaleString('en-US')} ${pct}%${speed}${eta}${errors}`;
  const name = p.currentFile ? `  ${p.currentFile.split(/[\\/]/).pop()}` : '';
  return (head + name).slice(0, Math.max(20, columns - 1)).padEnd(Math.max(20, columns - 1));
}
