import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import { client } from '../api';
import { HeatmapOverlay } from './HeatmapOverlay';
import { useApi } from '../hooks';
import type { StaffPhoto } from '../api/types';
import { AuthImage } from './Photo';

export interface PhotoViewerProps {
  claimId: string;
  photos: StaffPhoto[];
  /** The photo to open with. */
  startIndex: number;
  onClose: () => void;
  /** The original of this photo was shown (the server recorded the view): the task page reloads what is unseen. */
  onViewed?: (photoId: string) => void;
  justification?: string;
  /** Per photo, the flagged model check whose occlusion heatmap the viewer can overlay ("where the model looked"). */
  explainChecks?: Record<string, string>;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;
const ZOOM_STEP = 1.25;
const PAN_STEP = 40;

const clampZoom = (zoom: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(zoom * 100) / 100));

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function Metadata({ claimId, photoId, justification }: { claimId: string; photoId: string; justification?: string }) {
  const metadata = useApi(
    (signal) =>
      client.GET('/v1/claims/{claimId}/photos/{photoId}/metadata', {
        params: {
          path: { claimId, photoId },
          header: justification ? { 'X-Access-Justification': justification } : undefined,
        },
        signal,
      }),
    [claimId, photoId, justification],
  );
  const data = metadata.data;
  return (
    <section className="viewer__meta" aria-labelledby="viewer-meta-title" data-testid="viewer-metadata">
      <h3 id="viewer-meta-title">Metadata</h3>
      {metadata.error ? (
        <p className="muted">The metadata could not be loaded.</p>
      ) : !data ? (
        <p className="muted">Loading…</p>
      ) : (
        <dl className="facts facts--small">
          <dt>File</dt>
          <dd>{data.fileName}</dd>
          <dt>Size</dt>
          <dd>
            {data.width}×{data.height}, {Math.round(data.byteSize / 1024)} KiB
          </dd>
          <dt>Captured</dt>
          <dd>{data.captureTime ?? 'no EXIF time'}</dd>
          <dt>Device</dt>
          <dd>{data.device ?? '—'}</dd>
          <dt>Software</dt>
          <dd>{data.software ?? '—'}</dd>
          <dt>GPS</dt>
          <dd data-testid="viewer-gps">
            {!data.hasGps
              ? 'absent'
              : data.gps
                ? `${data.gps.latitude.toFixed(5)}, ${data.gps.longitude.toFixed(5)}`
                : 'present (position shown to supervisors and investigators)'}
          </dd>
        </dl>
      )}
    </section>
  );
}

/**
 * The photo viewer: a native modal <dialog> (the page behind is inert) with zoom (wheel, +/− buttons and keys,
 * double-click), pan (drag, arrow keys when zoomed), fit, full screen, a gallery (←/→ at fit, buttons) and a
 * metadata panel. Tab stays inside the dialog; Escape closes it and focus goes back to the opener.
 */
export function PhotoViewer({
  claimId,
  photos,
  startIndex,
  onClose,
  onViewed,
  justification,
  explainChecks,
}: PhotoViewerProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [index, setIndex] = useState(startIndex);
  const [zoom, setZoom] = useState(1);
  const [offset, setOffset] = useState({ x: 0, y: 0 });
  const [fullScreen, setFullScreen] = useState(false);
  const drag = useRef<{ x: number; y: number; startX: number; startY: number } | null>(null);
  const photo = photos[index];
  const name = `Photo ${index + 1} of ${photos.length} (${photo?.fileName ?? ''})`;

  useEffect(() => {
    const dialog = dialogRef.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    stageRef.current?.focus();
    return () => {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      opener?.focus();
    };
  }, []);

  const fit = useCallback(() => {
    setZoom(1);
    setOffset({ x: 0, y: 0 });
  }, []);
  const zoomTo = useCallback((next: number) => {
    const clamped = clampZoom(next);
    setZoom(clamped);
    if (clamped === 1) setOffset({ x: 0, y: 0 });
  }, []);
  const go = useCallback(
    (step: number) => {
      if (photos.length < 2) return;
      setIndex((current) => (current + step + photos.length) % photos.length);
      setZoom(1);
      setOffset({ x: 0, y: 0 });
    },
    [photos.length],
  );
  const pan = (dx: number, dy: number) => setOffset((current) => ({ x: current.x + dx, y: current.y + dy }));

  const toggleFullScreen = async () => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (fullScreen) {
      if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
      setFullScreen(false);
    } else {
      // Where the browser refuses (or has no Fullscreen API), the dialog fills the window instead.
      await dialog.requestFullscreen?.().catch(() => undefined);
      setFullScreen(true);
    }
  };
  useEffect(() => {
    const onChange = () => setFullScreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    // The page's single-key shortcuts (decision outcomes, claim) must not fire behind the modal.
    event.stopPropagation();
    if (event.key === 'Tab') {
      // Keep Tab inside the dialog (the modal makes the page inert; this also keeps focus off the browser chrome).
      const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
      if (focusable.length === 0) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !dialogRef.current?.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !dialogRef.current?.contains(active))) {
        event.preventDefault();
        first.focus();
      }
      return;
    }
    const target = event.target as HTMLElement;
    if (target.tagName === 'BUTTON' && (event.key === 'Enter' || event.key === ' ')) return;
    const zoomed = zoom > 1;
    const handled: Record<string, () => void> = {
      '+': () => zoomTo(zoom * ZOOM_STEP),
      '=': () => zoomTo(zoom * ZOOM_STEP),
      '-': () => zoomTo(zoom / ZOOM_STEP),
      '0': fit,
      f: () => void toggleFullScreen(),
      ArrowLeft: () => (zoomed ? pan(PAN_STEP, 0) : go(-1)),
      ArrowRight: () => (zoomed ? pan(-PAN_STEP, 0) : go(1)),
      ArrowUp: () => zoomed && pan(0, PAN_STEP),
      ArrowDown: () => zoomed && pan(0, -PAN_STEP),
      PageUp: () => go(-1),
      PageDown: () => go(1),
    };
    const action = handled[event.key];
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      action();
    }
  };

  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    zoomTo(event.deltaY < 0 ? zoom * ZOOM_STEP : zoom / ZOOM_STEP);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (zoom <= 1) return;
    drag.current = { x: event.clientX, y: event.clientY, startX: offset.x, startY: offset.y };
    event.currentTarget.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start) return;
    setOffset({ x: start.startX + event.clientX - start.x, y: start.startY + event.clientY - start.y });
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  if (!photo) return null;
  return (
    <dialog
      ref={dialogRef}
      className={`viewer${fullScreen ? ' viewer--full' : ''}`}
      aria-label={`Photo viewer: ${name}`}
      aria-modal="true"
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      data-testid="photo-viewer"
    >
      <div className="viewer__bar">
        <strong id="viewer-title">{name}</strong>
        <div className="viewer__tools" role="toolbar" aria-label="Viewer controls">
          <button type="button" onClick={() => go(-1)} disabled={photos.length < 2} aria-label="Previous photo">
            ← Previous photo
          </button>
          <button type="button" onClick={() => go(1)} disabled={photos.length < 2} aria-label="Next photo">
            Next photo →
          </button>
          <button
            type="button"
            onClick={() => zoomTo(zoom / ZOOM_STEP)}
            disabled={zoom <= MIN_ZOOM}
            aria-label="Zoom out"
          >
            −
          </button>
          <span className="viewer__zoom" data-testid="viewer-zoom" aria-live="polite">
            {Math.round(zoom * 100)}%
          </span>
          <button
            type="button"
            onClick={() => zoomTo(zoom * ZOOM_STEP)}
            disabled={zoom >= MAX_ZOOM}
            aria-label="Zoom in"
          >
            +
          </button>
          <button type="button" onClick={fit}>
            Fit
          </button>
          <button type="button" onClick={() => void toggleFullScreen()} aria-pressed={fullScreen}>
            Full screen
          </button>
          <button type="button" onClick={onClose}>
            Close (Esc)
          </button>
        </div>
      </div>
      <div className="viewer__body">
        <div
          ref={stageRef}
          className={`viewer__stage${zoom > 1 ? ' viewer__stage--zoomed' : ''}`}
          tabIndex={0}
          role="group"
          aria-roledescription="zoomable image"
          aria-label={`${name}. Plus and minus zoom, 0 fits, arrows pan when zoomed and change photo at fit, F full screen.`}
          onWheel={onWheel}
          onDoubleClick={() => (zoom > 1 ? fit() : zoomTo(2))}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          data-testid="viewer-stage"
        >
          <div
            className="viewer__frame"
            style={{ transform: `translate(${offset.x}px, ${offset.y}px) scale(${zoom})` }}
            data-testid="viewer-frame"
          >
            {explainChecks?.[photo.id] ? (
              <HeatmapOverlay
                key={photo.id}
                claimId={claimId}
                checkId={explainChecks[photo.id]}
                photoId={photo.id}
                imageWidth={photo.width}
                imageHeight={photo.height}
              >
                <ViewerImage
                  claimId={claimId}
                  photoId={photo.id}
                  alt={name}
                  justification={justification}
                  onLoaded={onViewed}
                />
              </HeatmapOverlay>
            ) : (
              <ViewerImage
                key={photo.id}
                claimId={claimId}
                photoId={photo.id}
                alt={name}
                justification={justification}
                onLoaded={onViewed}
              />
            )}
          </div>
        </div>
        <Metadata claimId={claimId} photoId={photo.id} justification={justification} />
      </div>
      <p className="help viewer__help">
        Keys: + / − zoom, 0 fit, arrows pan when zoomed (← / → change photo at fit), PageUp / PageDown change photo, F
        full screen, Esc close. Drag to pan; double-click zooms.
      </p>
    </dialog>
  );
}

/** The original (its fetch is the audited view that counts as "opened"); tells the page once it is shown. */
function ViewerImage({
  claimId,
  photoId,
  alt,
  justification,
  onLoaded,
}: {
  claimId: string;
  photoId: string;
  alt: string;
  justification?: string;
  onLoaded?: (photoId: string) => void;
}) {
  return (
    <AuthImage
      claimId={claimId}
      photoId={photoId}
      variant="original"
      alt={alt}
      justification={justification}
      className="viewer__img"
      onLoaded={onLoaded ? () => onLoaded(photoId) : undefined}
    />
  );
}
