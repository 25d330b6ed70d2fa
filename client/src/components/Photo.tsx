import { useEffect, useRef, useState } from 'react';
import { fetchPhotoUrl, ApiError } from '../api';

export interface PhotoProps {
  claimId: string;
  photoId: string;
  variant: 'original' | 'preview' | 'thumbnail';
  alt: string;
  justification?: string;
  className?: string;
}

/** Fetches the photo with the bearer token and shows it from an object URL (revoked on unmount). */
export function AuthImage({ claimId, photoId, variant, alt, justification, className }: PhotoProps) {
  const [state, setState] = useState<{ url?: string; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    let url: string | undefined;
    setState({});
    fetchPhotoUrl(claimId, photoId, variant, justification, controller.signal)
      .then((created) => {
        url = created;
        if (controller.signal.aborted) URL.revokeObjectURL(created);
        else setState({ url: created });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          error:
            error instanceof ApiError && error.status === 404
              ? 'You may not view this photo.'
              : 'The photo could not be loaded.',
        });
      });
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [claimId, photoId, variant, justification]);
  if (state.error) return <div className={`photo-placeholder ${className ?? ''}`}>{state.error}</div>;
  if (!state.url)
    return (
      <div className={`photo-placeholder ${className ?? ''}`} role="status">
        Loading photo…
      </div>
    );
  return <img className={className} src={state.url} alt={alt} />;
}

/** The original photo in a modal; Escape or the button closes it and focus goes back to the opener. */
export function PhotoDialog({ open, onClose, ...photo }: PhotoProps & { open: boolean; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      opener?.focus();
    };
  }, [open, onClose]);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={`Original: ${photo.alt}`}
        onClick={(event) => event.stopPropagation()}
      >
        <div className="modal__bar">
          <strong>{photo.alt}</strong>
          <button ref={closeRef} type="button" onClick={onClose}>
            Close (Esc)
          </button>
        </div>
        <AuthImage {...photo} variant="original" className="modal__img" />
      </div>
    </div>
  );
}
