import { useState } from 'react';

/**
 * A thumbnail that degrades to a quiet "No preview" box (videos without a frame, unreadable files)
 * instead of the browser's broken-image icon.
 */
export function Thumb({ src, alt, className, lazy = true }: { src: string; alt: string; className?: string; lazy?: boolean }) {
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  if (!src || failedSrc === src) {
    return (
      <span className={`no-preview ${className ?? ''}`} role={alt ? 'img' : undefined} aria-label={alt || undefined}>
        No preview
      </span>
    );
  }
  return (
    <img
      className={className}
      src={src}
      alt={alt}
      loading={lazy ? 'lazy' : 'eager'}
      decoding="async"
      draggable={false}
      onError={() => setFailedSrc(src)}
    />
  );
}
