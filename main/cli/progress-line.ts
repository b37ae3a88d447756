/** The terminal progress line. Pure: tested without a terminal. */
import { formatBytes, formatEta } from '../../shared/format.js';
import type { JobProgress } from '../../shared/types.js';

export function renderProgressLine(verb: string, p: JobProgress, columns = 100): string {
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
  const pct = Math.min(100, Math.floor(fraction * 100));
  const width = 20;
  const filled = Math.round((pct / 100) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const speed = p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : '';
  const left = formatEta(p.etaSeconds);
  const eta = left ? ` ${left}` : '';
  const errors = p.errorCount ? ` ${p.errorCount} errors` : '';
  const head = `${verb} ${bar} ${p.filesDone.toLocaleString('en-US')}/${p.filesTotal.toLocaleString('en-US')} ${pct}%${speed}${eta}${errors}`;
  const name = p.currentFile ? `  ${p.currentFile.split(/[\\/]/).pop()}` : '';
  return (head + name).slice(0, Math.max(20, columns - 1)).padEnd(Math.max(20, columns - 1));
}
