import { useEffect, useRef, useState } from 'react';
import { client, fetchPhotoUrl, unwrap, ApiError } from '../api';

export interface PhotoProps {
  claimId: string;
  photoId: string;
  variant: 'original' | 'preview' | 'thumbnail';
  alt: string;
  justification?: string;
  className?: string;
  /** Called once the image is shown (for the original: the server has recorded the view). */
  onLoaded?: () => void;
  /** Loads something else than the photo's own variant (the matched photo of a duplicate flag). */
  load?: (signal: AbortSignal) => Promise<string>;
}

/** The preview of the photo a duplicate flag matched in another claim (audited by the server). */
export async function fetchMatchPreviewUrl(
  claimId: string,
  photoId: string,
  justification?: string,
  signal?: AbortSignal,
): Promise<string> {
  const image = await unwrap(
    client.GET('/v1/claims/{claimId}/photos/{photoId}/match/preview', {
      params: {
        path: { claimId, photoId },
        header: justification ? { 'X-Access-Justification': justification } : undefined,
      },
      headers: { Accept: 'image/*' },
      parseAs: 'blob',
      signal,
    }),
  );
  return URL.createObjectURL(image as Blob);
}

/** Fetches the photo with the bearer token and shows it from an object URL (revoked on unmount). */
export function AuthImage({ claimId, photoId, variant, alt, justification, className, onLoaded, load }: PhotoProps) {
  const [state, setState] = useState<{ url?: string; error?: string }>({});
  const loaded = useRef(onLoaded);
  loaded.current = onLoaded;
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    const controller = new AbortController();
    let url: string | undefined;
    setState({});
    (loader.current
      ? loader.current(controller.signal)
      : fetchPhotoUrl(claimId, photoId, variant, justification, controller.signal)
    )
      .then((created) => {
        url = created;
        if (controller.signal.aborted) URL.revokeObjectURL(created);
        else {
          setState({ url: created });
          loaded.current?.();
        }
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
