import { useState } from 'react';
import type { FileSummary } from '../../../shared/types.js';
import { mediaSrc, thumbnailSrc, type AppInfo } from '../store/settings-slice.js';
import { Thumb } from './Thumb.js';

/**
 * The details panel's picture: a video plays in place (its poster frame shown until then),
 * streamed from the original with range requests; anything else is the large thumbnail.
 */
export function MediaPreview({ app, file }: { app: AppInfo | null; file: FileSummary }) {
  const src = file.mediaType === 'video' ? mediaSrc(app, file.id) : '';
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  if (!src || failedSrc === src) {
    return <Thumb className="preview" src={thumbnailSrc(app, file.id, 'large')} alt={`Preview of ${file.originalName}`} lazy={false} />;
  }
  return (
    <video
      key={src}
      className="preview"
      data-testid="details-video"
      src={src}
      poster={thumbnailSrc(app, file.id, 'large')}
      controls
      preload="metadata"
      aria-label={`Video ${file.originalName}`}
      // A format the browser cannot play (AVI, MTS): the poster frame stays as a picture.
      onError={() => setFailedSrc(src)}
    />
  );
}
