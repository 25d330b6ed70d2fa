import { useEffect, useState, type ReactNode } from 'react';
import { client, unwrap } from '../api';
import type { Heatmap } from '../api/types';

/** Each cell's share of the largest drop (0–1); cells whose hiding raised the score are 0. */
export function heatmapIntensities(drops: readonly number[]): number[] {
  const max = Math.max(0, ...drops);
  return drops.map((drop) => (max <= 0 ? 0 : Math.max(0, drop) / max));
}

/** Where the model's centre crop (the largest centred square) lies in the photo, in % of its box. */
export function cropBox(width: number, height: number): { left: number; top: number; width: number; height: number } {
  if (width <= 0 || height <= 0) return { left: 0, top: 0, width: 100, height: 100 };
  const side = Math.min(width, height);
  const w = (side / width) * 100;
  const h = (side / height) * 100;
  return { left: (100 - w) / 2, top: (100 - h) / 2, width: w, height: h };
}

/** The cells with the largest drops, as "row r, column c" (1-based), strongest first. */
export function strongestCells(heatmap: Pick<Heatmap, 'drops' | 'grid'>, count = 5): string[] {
  return (heatmap.drops ?? [])
    .map((drop, index) => ({ drop, index }))
    .filter((cell) => cell.drop > 0)
    .sort((a, b) => b.drop - a.drop)
    .slice(0, count)
    .map(({ index }) => `row ${Math.floor(index / heatmap.grid) + 1}, column ${(index % heatmap.grid) + 1}`);
}

/** Requests the heatmap of a flagged check when `enabled`, then polls until the worker has computed it. */
export function useHeatmap(claimId: string, checkId: string, photoId: string | undefined, enabled: boolean) {
  const [heatmap, setHeatmap] = useState<Heatmap | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (id: string) => {
      try {
        const next = await unwrap(client.GET('/v1/heatmaps/{id}', { params: { path: { id } } }));
        if (stopped) return;
        setHeatmap(next);
        if (next.status === 'pending') timer = setTimeout(() => void poll(id), 1000);
      } catch (caught) {
        if (!stopped) setError(caught instanceof Error ? caught : new Error(String(caught)));
      }
    };
    setError(null);
    unwrap(
      client.POST('/v1/claims/{id}/checks/{checkId}/heatmap', {
        params: { path: { id: claimId, checkId } },
        body: photoId ? { photoId } : {},
      }),
    )
      .then((requested) => {
        if (stopped) return;
        setHeatmap(requested);
        if (requested.status === 'pending') timer = setTimeout(() => void poll(requested.id), 1000);
        else if (requested.status === 'done') void poll(requested.id); // reading a finished heatmap is the audited view
      })
      .catch((caught: unknown) => {
        if (!stopped) setError(caught instanceof Error ? caught : new Error(String(caught)));
      });
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [claimId, checkId, photoId, enabled]);
  return { heatmap, error };
}

/**
 * A photo with an "explain" toggle: on, the occlusion heatmap of the flag (where hiding the photo lowered
 * the flagged label's score most) is drawn over the part of the photo the model sees. Mount it around the
 * photo viewer's <img>, with the photo's pixel size.
 */
export function HeatmapOverlay({
  claimId,
  checkId,
  photoId,
  imageWidth,
  imageHeight,
  children,
}: {
  claimId: string;
  checkId: string;
  photoId?: string;
  imageWidth: number;
  imageHeight: number;
  children: ReactNode;
}) {
  const [shown, setShown] = useState(false);
  const { heatmap, error } = useHeatmap(claimId, checkId, photoId, shown);
  const done = shown && heatmap?.status === 'done' && heatmap.drops;
  const box = cropBox(imageWidth, imageHeight);
  const status = !shown
    ? ''
    : error
      ? `The heatmap could not be loaded: ${error.message}`
      : !heatmap || heatmap.status === 'pending'
        ? 'Computing the heatmap…'
        : heatmap.status === 'failed'
          ? `The heatmap failed: ${heatmap.error ?? 'unknown error'}`
          : `Strongest regions: ${strongestCells(heatmap).join('; ') || 'none'}.`;
  return (
    <div className="heatmap" data-testid="heatmap-overlay">
      <div className="heatmap__frame">
        {children}
        {done && (
          <div
            className="heatmap__grid"
            aria-hidden="true"
            style={{
              left: `${box.left}%`,
              top: `${box.top}%`,
              width: `${box.width}%`,
              height: `${box.height}%`,
              gridTemplateColumns: `repeat(${heatmap.grid}, 1fr)`,
            }}
          >
            {heatmapIntensities(heatmap.drops ?? []).map((value, index) => (
              <span key={index} style={{ opacity: value * 0.7 }} className="heatmap__cell" />
            ))}
          </div>
        )}
      </div>
      <button type="button" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
        {shown ? 'Hide' : 'Show'} where the model looked
      </button>
      <p className="muted" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
