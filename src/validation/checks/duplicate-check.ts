import { hammingDistance } from '../../evidence/perceptual-hash';
import { cosine } from '../../scoring/scoring-math';
import type { CheckResult } from './check-result';
import type { Threshold } from './model-checks';
import { routeScore } from './route-score';

export interface PhotoFingerprint {
  photoId: string;
  claimId: string;
  sha256: string;
  perceptualHash: string;
  cropHashes: string[];
  embedding: Float32Array | null;
}

interface Match {
  other: PhotoFingerprint;
  /** 1 for identical bytes; 1 − (dHash distance / 64) for the same picture re-encoded, resized or cropped. */
  similarity: number;
  method: 'sha256' | 'perceptual_hash' | 'crop_hash';
  distance: number | null;
  embeddingCosine: number | null;
}

function nearestCropDistance(photo: PhotoFingerprint, other: PhotoFingerprint): number {
  let best = Number.POSITIVE_INFINITY;
  // This photo may be a crop of the other, or the other a crop of this one.
  for (const crop of other.cropHashes) best = Math.min(best, hammingDistance(photo.perceptualHash, crop));
  for (const crop of photo.cropHashes) best = Math.min(best, hammingDistance(crop, other.perceptualHash));
  return best;
}

function compare(photo: PhotoFingerprint, other: PhotoFingerprint): Match {
  const embeddingCosine =
    photo.embedding && other.embedding && photo.embedding.length === other.embedding.length
      ? cosine(photo.embedding, other.embedding)
      : null;
  if (other.sha256 === photo.sha256) return { other, similarity: 1, method: 'sha256', distance: 0, embeddingCosine };
  const full = hammingDistance(photo.perceptualHash, other.perceptualHash);
  const cropped = nearestCropDistance(photo, other);
  const [method, distance] = cropped < full ? (['crop_hash', cropped] as const) : (['perceptual_hash', full] as const);
  return { other, similarity: 1 - distance / 64, method, distance, embeddingCosine };
}

/**
 * `duplicate_photo`: the same or a near-identical photo in an earlier claim. Identical bytes
 * (SHA-256), the same picture re-encoded or resized (full-frame dHash) or cropped (dHashes of 18
 * crops), scored as 1 − Hamming distance / 64. The CLIP embedding cosine is reported as evidence but
 * does not flag on its own: CLIP places different photos of the same kind of scene close together
 * (measured on the fixture model: distinct scenes of one kind at cosine 0.99+), so it cannot tell a
 * reused photo from a similar one. Evidence names the other claim and photo.
 */
export function checkDuplicates(
  photos: readonly PhotoFingerprint[],
  candidates: readonly PhotoFingerprint[],
  threshold: Threshold,
): CheckResult[] {
  return photos.map((photo) => {
    let best: Match | null = null;
    for (const other of candidates) {
      if (other.claimId === photo.claimId) continue;
      const match = compare(photo, other);
      if (!best || match.similarity > best.similarity) best = match;
    }
    const score = best ? Math.max(0, Math.min(1, best.similarity)) : 0;
    const { flagged, uncertain } = routeScore(score, threshold);
    const band = Math.max(1e-6, threshold.flagAt - threshold.uncertainFrom);
    const how =
      best?.method === 'sha256'
        ? 'identical file'
        : best?.method === 'crop_hash'
          ? 'same picture, cropped'
          : 'same picture, re-encoded or resized';
    return {
      kind: 'duplicate_photo',
      photoId: photo.photoId,
      score: Math.round(score * 1e6) / 1e6,
      confidence: Math.round(Math.min(1, Math.abs(score - threshold.flagAt) / band) * 1e6) / 1e6,
      flagged,
      uncertain,
      severity: flagged ? 'high' : 'info',
      reason: flagged
        ? `This photo also appears in another claim (${how}).`
        : uncertain
          ? 'A very similar photo appears in another claim.'
          : 'No matching photo in earlier claims.',
      evidence: best
        ? {
            otherClaimId: best.other.claimId,
            otherPhotoId: best.other.photoId,
            method: best.method,
            similarity: Math.round(best.similarity * 1e6) / 1e6,
            hammingDistance: best.distance,
            embeddingCosine: best.embeddingCosine === null ? null : Math.round(best.embeddingCosine * 1e6) / 1e6,
            threshold,
          }
        : { threshold },
    };
  });
}
