import { memo, useEffect, useState } from 'react';
import { clickCard } from '../store/selection-actions.js';
import { itemAt } from '../store/library-slice.js';
import { thumbnailSrc } from '../store/settings-slice.js';
import { useAppStore } from '../store/store.js';
import { CONFIDENCE_LABEL, formatTimestamp } from '../lib/format.js';
import { isScrollingFast, useScrollingFast } from '../lib/scroll-speed.js';
import { Thumb } from './Thumb.js';

/** One grid cell. Subscribes to its own row and its own selected flag only. */
export const FileCard = memo(function FileCard({ index, focused }: { index: number; focused: boolean }) {
  const item = useAppStore((s) => itemAt(s.library, index));
  const selected = useAppStore((s) => (item ? s.selection.ids.has(item.id) : false));
  const open = useAppStore((s) => (item ? s.library.details.id === item.id : false));
  const src = useAppStore((s) => (item ? thumbnailSrc(s.settings.app, item.id, 'small') : ''));
  // A card that appears during a fling asks for its thumbnail once the scroll slows (lib/scroll-speed.ts);
  // once asked, it keeps it.
  const [wantsThumb, setWantsThumb] = useState(() => !isScrollingFast());
  const fast = useScrollingFast(!wantsThumb);
  useEffect(() => {
    if (!fast && !wantsThumb) setWantsThumb(true);
  }, [fast, wantsThumb]);

  if (!item) {
    return <div className="file-card placeholder" aria-hidden="true" data-index={index} />;
  }
  const date = item.finalTimestamp ?? item.detectedTimestamp;
  const classes = ['file-card', `confidence-${item.confidence}`];
  if (selected) classes.push('selected');
  if (item.discarded) classes.push('discarded');
  if (open) classes.push('open');
  const checked = item.finalTimestamp !== null && item.reviewedAt !== null;

  return (
    <div
      className={classes.join(' ')}
      role="option"
      aria-selected={selected}
      tabIndex={focused ? 0 : -1}
      data-testid={`file-card-${item.id}`}
      data-index={index}
      onMouseDown={(e) => {
        // Shift-click is a range, not a text selection.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => void clickCard(index, item.id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey })}
    >
      <div className="thumb">
        {wantsThumb ? <Thumb src={src} alt="" /> : <span className="thumb-pending" data-testid="thumb-pending" />}
        {item.discarded ? <span className="discarded-badge">Discarded</span> : null}
      </div>
      <div className="card-name" title={item.originalPath}>
        {item.originalName}
      </div>
      <div className="card-meta">
        <span className="card-date">{date ? formatTimestamp(date).slice(0, 16) : 'No date'}</span>
        <span className={checked ? 'badge badge-checked' : `badge badge-${item.confidence}`} title={`Date confidence: ${checked ? 'checked by you' : (CONFIDENCE_LABEL[item.confidence] ?? '')}`}>
          {checked ? 'Checked' : (CONFIDENCE_LABEL[item.confidence] ?? item.confidence)}
        </span>
      </div>
    </div>
  );
});
