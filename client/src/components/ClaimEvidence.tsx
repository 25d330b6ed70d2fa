import { useState } from 'react';
import { dateTime, label, money } from '../format';
import { client, getStaffClaim } from '../api';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { CheckView, PhotoScores, Threshold, StaffPhoto } from '../api/types';
import { AuthImage, fetchMatchPreviewUrl } from './Photo';
import { PhotoViewer } from './PhotoViewer';
import { ScoreBar } from './ScoreBar';
import { ErrorState, Loading } from './States';
import { Timeline, type TimelinePoint } from './Timeline';

export interface ClaimEvidenceProps {
  claimId: string;
  /** Whether the caller may load photo bytes now (assigned adjuster, supervisor, compliance with justification). */
  photosAllowed: boolean;
  /** Shown instead of photos when they are not allowed. */
  photosHint?: string;
  /** Photos to badge as new (uploaded since the latest information request). */
  newPhotoIds?: string[];
  justification?: string;
  /** Photos the caller has opened (task page): badged, and flagged ones not opened yet are marked unseen. */
  viewedPhotoIds?: string[];
  /** Photos of open flags the caller still has to open (or acknowledge) before approving. */
  unseenPhotoIds?: string[];
  /** The viewer showed a photo's original (the server recorded the view). */
  onPhotoViewed?: (photoId: string) => void;
}

function topPrompts(
  scores: Record<string, { probability: number }> | undefined,
  count: number,
): Array<{ label: string; probability: number }> {
  return Object.entries(scores ?? {})
    .map(([key, value]) => ({ label: key, probability: value.probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, count);
}

/** Checks decided by the image–text model: the ones an occlusion heatmap can explain. */
const MODEL_CHECKS: readonly string[] = ['peril_mismatch', 'exclusion_evident', 'object_mismatch', 'no_visible_damage'];

function CheckBars({ checks }: { checks: CheckView[] }) {
  if (checks.length === 0) return <p className="muted">No checks.</p>;
  const ordered = [...checks].sort(
    (a, b) =>
      Number(b.flagged) - Number(a.flagged) ||
      Number(b.uncertain) - Number(a.uncertain) ||
      a.kind.localeCompare(b.kind),
  );
  return (
    <div className="checks">
      {ordered.map((check) => (
        <ScoreBar
          key={check.id}
          label={label(check.kind)}
          score={check.score}
          threshold={check.evidence.threshold as Threshold | undefined}
          flagged={check.flagged}
          uncertain={check.uncertain}
          reason={check.reason}
        />
      ))}
    </div>
  );
}

/** Why a check concluded what it did, in the policy's words: the clause it tested, the prompts and their scores. */
export function CheckWhy({ check }: { check: CheckView }) {
  if (!check.clause && check.prompts.length === 0) return null;
  return (
    <div className="check-why" data-testid="check-why">
      {check.clause && (
        <p className="check-why__clause">
          Tested clause <strong>{check.clause.code}</strong> ({check.clause.kind}): <q>{check.clause.text}</q>
        </p>
      )}
      {check.prompts.length > 0 && (
        <ul className="check-why__prompts">
          {check.prompts.map((entry) => (
            <li key={`${entry.group}-${entry.key}`}>
              <span className="muted">{entry.group === 'objects' ? 'object' : 'damage'}:</span> {label(entry.key)}{' '}
              <span className="muted">({entry.prompts.map((prompt) => `“${prompt}”`).join(', ')})</span>
              {entry.probability !== null && <strong> p={entry.probability.toFixed(2)}</strong>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Prompts({ scores }: { scores: PhotoScores | undefined }) {
  if (!scores) return null;
  const damage = topPrompts(scores.damage, 3);
  const objects = topPrompts(scores.objects, 2);
  return (
    <div className="prompts">
      <h4>What the model saw</h4>
      {!scores.usable && <p className="badge badge--uncertain">Photo not usable for the model</p>}
      <table>
        <caption className="sr-only">Top prompts for this photo</caption>
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            <th scope="col">Probability</th>
          </tr>
        </thead>
        <tbody>
          {[
            ...damage.map((entry) => ({ ...entry, group: 'damage' })),
            ...objects.map((entry) => ({ ...entry, group: 'object' })),
          ].map((entry) => (
            <tr key={`${entry.group}-${entry.label}`}>
              <td>
                <span className="muted">{entry.group}:</span> {label(entry.label)}
              </td>
              <td className="num">
                <span className="minibar" aria-hidden="true">
                  <span style={{ width: `${Math.round(entry.probability * 100)}%` }} />
                </span>
                {entry.probability.toFixed(2)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PhotoCard(props: {
  claimId: string;
  photo: StaffPhoto;
  index: number;
  checks: CheckView[];
  scores?: PhotoScores;
  allowed: boolean;
  hint?: string;
  justification?: string;
  /** Uploaded since the latest information request. */
  isNew?: boolean;
  /** undefined: not tracked here; true/false: the caller opened its original / a flag still needs it. */
  viewed?: boolean;
  unseen?: boolean;
  onOpen: () => void;
}) {
  const { photo, index } = props;
  const flagged = props.checks.some((check) => check.flagged);
  const name = `Photo ${index + 1} (${photo.fileName})`;
  return (
    <article
      className={`card photo-card${flagged ? ' photo-card--flagged' : ''}`}
      aria-label={name}
      data-testid="photo-card"
    >
      <h3>
        {name} {flagged && <span className="badge badge--flagged">Flagged</span>}
        {props.viewed && (
          <span className="badge badge--clear" data-testid="photo-opened">
            Opened
          </span>
        )}
        {props.unseen && (
          <span className="badge badge--uncertain" data-testid="photo-unseen">
            Not opened yet
          </span>
        )}
        {props.isNew && (
          <span className="badge badge--clear" data-testid="new-photo">
            New since the request
          </span>
        )}
      </h3>
      {props.allowed ? (
        <button
          type="button"
          className="photo-button"
          onClick={props.onOpen}
          aria-label={`Open the original of ${name}`}
        >
          <AuthImage
            claimId={props.claimId}
            photoId={photo.id}
            variant="preview"
            alt={name}
            justification={props.justification}
            className="preview"
          />
        </button>
      ) : (
        <div className="photo-placeholder">{props.hint ?? 'Photos are hidden.'}</div>
      )}
      <dl className="facts facts--small">
        <dt>Size</dt>
        <dd>
          {photo.width}×{photo.height}, {Math.round(photo.byteSize / 1024)} KiB
        </dd>
        <dt>Captured</dt>
        <dd>{photo.exif?.captureTime ?? 'no EXIF time'}</dd>
        <dt>Camera</dt>
        <dd>{[photo.exif?.make, photo.exif?.model].filter(Boolean).join(' ') || '—'}</dd>
        {photo.exif?.software && (
          <>
            <dt>Software</dt>
            <dd>{photo.exif.software}</dd>
          </>
        )}
      </dl>
      <CheckBars checks={props.checks} />
      <Prompts scores={props.scores} />
    </article>
  );
}

function Duplicate({
  claimId,
  check,
  photos,
  allowed,
  justification,
}: {
  claimId: string;
  check: CheckView;
  photos: StaffPhoto[];
  allowed: boolean;
  justification?: string;
}) {
  const photoId = check.photoId;
  const match = useApi(
    allowed && photoId
      ? (signal) =>
          client.GET('/v1/claims/{claimId}/photos/{photoId}/match', {
            params: {
              path: { claimId, photoId },
              header: justification ? { 'X-Access-Justification': justification } : undefined,
            },
            signal,
          })
      : null,
    [claimId, photoId, allowed, justification],
  );
  const index = photos.findIndex((photo) => photo.id === photoId);
  const thisPhoto = photos[index];
  const data = match.data;
  const similarity =
    data?.similarity ?? (typeof check.evidence.similarity === 'number' ? check.evidence.similarity : check.score);
  const other = data?.matchedClaim;
  return (
    <div className="card duplicate" data-testid="duplicate">
      <p>
        <strong>{check.reason}</strong> Similarity{' '}
        <span data-testid="duplicate-similarity">{similarity.toFixed(2)}</span> (
        {label(String(data?.method ?? check.evidence.method ?? 'unknown'))}).
      </p>
      <div className="side-by-side">
        <figure>
          {allowed && photoId ? (
            <AuthImage
              claimId={claimId}
              photoId={photoId}
              variant="preview"
              alt={`This claim, photo ${index + 1}`}
              justification={justification}
              className="preview"
            />
          ) : (
            <div className="photo-placeholder">Hidden: you may not view this claim's photos.</div>
          )}
          <figcaption>
            This claim, photo {index + 1}
            <br />
            Captured {data?.capturedAt ?? thisPhoto?.exif?.captureTime ?? 'unknown (no EXIF time)'}
          </figcaption>
        </figure>
        <figure>
          {allowed && photoId && data?.matchedPreviewAvailable ? (
            <AuthImage
              claimId={claimId}
              photoId={photoId}
              variant="preview"
              alt="The matching photo of the other claim"
              className="preview"
              load={(signal) => fetchMatchPreviewUrl(claimId, photoId, justification, signal)}
            />
          ) : (
            <div className="photo-placeholder">
              {!allowed
                ? "Open this claim's photos to compare them."
                : match.error
                  ? 'The match could not be loaded.'
                  : data && !data.matchedPreviewAvailable
                    ? 'The matched photo was destroyed under the retention policy.'
                    : 'Loading the match…'}
            </div>
          )}
          <figcaption data-testid="duplicate-other">
            {other ? (
              <>
                {other.id ? (
                  <Link to={`/claims/${other.id}`}>Other claim {other.externalReference ?? other.id.slice(0, 8)}</Link>
                ) : (
                  <span>Another claim (identity withheld: not your team's)</span>
                )}
                <br />
                Status {label(other.status)} · filed {dateTime(other.filedAt)}
                <br />
                Captured {data?.matchedCapturedAt ?? 'unknown (no EXIF time)'}
              </>
            ) : (
              'Other claim'
            )}
          </figcaption>
        </figure>
      </div>
    </div>
  );
}

export function ClaimEvidence({
  claimId,
  photosAllowed,
  photosHint,
  justification,
  newPhotoIds = [],
  viewedPhotoIds,
  unseenPhotoIds = [],
  onPhotoViewed,
}: ClaimEvidenceProps) {
  const [viewerIndex, setViewerIndex] = useState<number | null>(null);
  const claim = useApi((signal) => getStaffClaim(claimId, signal), [claimId]);
  const validation = useApi(
    (signal) => client.GET('/v1/claims/{id}/validation', { params: { path: { id: claimId } }, signal }),
    [claimId],
  );
  const policyId = claim.data?.policyId;
  const policy = useApi(
    policyId ? (signal) => client.GET('/v1/policies/{id}', { params: { path: { id: policyId } }, signal }) : null,
    [policyId],
  );

  if (claim.error) return <ErrorState error={claim.error} retry={claim.reload} />;
  if (!claim.data) return <Loading what="Loading the claim" />;
  const data = claim.data;
  const checks = validation.data?.checks ?? [];
  const photoScores = validation.data?.run?.scores.photos ?? {};
  const claimLevel = checks.filter((check) => check.photoId === null);
  // The viewer can overlay the occlusion heatmap of a photo's flagged model check (a claim-level one names the photo).
  const explainChecks: Record<string, string> = {};
  for (const check of checks) {
    if (!check.flagged || !MODEL_CHECKS.includes(check.kind)) continue;
    const targets = check.photoId ? [check.photoId] : (data.photos ?? []).map((photo) => photo.id);
    for (const photoId of targets) explainChecks[photoId] ??= check.id;
  }
  const duplicates = checks.filter((check) => check.kind === 'duplicate_photo' && (check.flagged || check.uncertain));
  const exifChecks = checks.filter((check) => check.kind === 'exif_anomaly');
  const points: TimelinePoint[] = [
    { label: 'Policy start', date: policy.data?.effectiveFrom, kind: 'policy' },
    { label: 'Incident', date: data.incidentDate, kind: 'incident' },
    ...data.photos.map((photo, index) => ({
      label: `Photo ${index + 1} taken`,
      date: photo.exif?.captureTime ?? null,
      kind: 'capture' as const,
      anomaly: exifChecks.some((check) => check.photoId === photo.id && check.flagged),
    })),
    { label: 'Filed', date: data.submittedAt ?? data.createdAt, kind: 'filing' },
  ];
  const flaggedExif = exifChecks.filter((check) => check.flagged);

  return (
    <div className="evidence">
      <div className="evidence__facts">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">Claim {data.externalReference}</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{label(data.status)}</dd>
            <dt>Claimed peril</dt>
            <dd>{label(data.claimedPeril)}</dd>
            <dt>Incident</dt>
            <dd>{data.incidentDate}</dd>
            <dt>Amount</dt>
            <dd>{money(data.amount, data.currency)}</dd>
            <dt>Filed</dt>
            <dd>{dateTime(data.submittedAt)}</dd>
            <dt>Description</dt>
            <dd>{data.description}</dd>
            {data.claimantRef && (
              <>
                <dt>Claimant reference</dt>
                <dd data-testid="claimant-ref">{data.claimantRef}</dd>
              </>
            )}
            {data.legalHold && (
              <>
                <dt>Legal hold</dt>
                <dd>
                  <span className="badge badge--flagged">On hold</span>
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="policy-title">
          <h2 id="policy-title">Policy</h2>
          {policy.error ? (
            <ErrorState error={policy.error} />
          ) : !policy.data ? (
            <Loading what="Loading the policy" />
          ) : (
            <>
              <p>
                <strong>{policy.data.number}</strong> · {label(policy.data.lineOfBusiness)} ·{' '}
                {policy.data.insuredObject}
                <br />
                {policy.data.effectiveFrom} to {policy.data.effectiveTo}
              </p>
              <ul className="clauses">
                {policy.data.clauses.map((clause) => (
                  <li key={clause.id} className={`clause clause--${clause.kind}`}>
                    <span className={`badge badge--${clause.kind === 'exclusion' ? 'flagged' : 'clear'}`}>
                      {clause.kind}
                    </span>{' '}
                    <strong>{clause.code}</strong> {clause.text}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="flags-title">
          <h2 id="flags-title">Flags</h2>
          {validation.error ? (
            <ErrorState error={validation.error} retry={validation.reload} />
          ) : !validation.data ? (
            <Loading what="Loading the checks" />
          ) : !validation.data.run ? (
            <p className="muted">Not scored yet.</p>
          ) : (
            <>
              <p className="muted">
                Outcome <strong>{label(validation.data.run.outcome ?? 'none')}</strong> · model{' '}
                {validation.data.run.modelId} · prompts {validation.data.run.promptSetVersion}
              </p>
              <ul className="flag-list" data-testid="flag-list">
                {checks
                  .filter((check) => check.flagged || check.uncertain)
                  .map((check) => (
                    <li key={check.id}>
                      <span className={`badge badge--${check.flagged ? 'flagged' : 'uncertain'}`}>
                        {check.flagged ? 'Flagged' : 'Needs review'}
                      </span>{' '}
                      <strong>{label(check.kind)}</strong>: {check.reason}
                      <CheckWhy check={check} />
                    </li>
                  ))}
                {checks.every((check) => !check.flagged && !check.uncertain) && <li>No flags.</li>}
              </ul>
              <h3>Claim-level checks</h3>
              <CheckBars checks={claimLevel} />
            </>
          )}
        </section>
        <section className="card" aria-labelledby="dates-title">
          <h2 id="dates-title">Dates</h2>
          {flaggedExif.map((check) => (
            <p key={check.id} className="field-error">
              {check.reason}
            </p>
          ))}
          <Timeline points={points} title="Policy start, incident, photo capture and filing dates" />
        </section>
      </div>
      <div className="evidence__photos">
        <h2>Photos ({data.photos.length})</h2>
        {duplicates.length > 0 && (
          <section aria-labelledby="dup-title">
            <h3 id="dup-title">Duplicate matches</h3>
            {duplicates.map((check) => (
              <Duplicate
                key={check.id}
                claimId={claimId}
                check={check}
                photos={data.photos}
                allowed={photosAllowed}
                justification={justification}
              />
            ))}
          </section>
        )}
        {data.photos.length === 0 && <p className="muted">No photos.</p>}
        <div className="photo-grid">
          {data.photos.map((photo, index) => (
            <PhotoCard
              key={photo.id}
              claimId={claimId}
              photo={photo}
              index={index}
              checks={checks.filter((check) => check.photoId === photo.id)}
              scores={photoScores[photo.id]}
              allowed={photosAllowed}
              hint={photosHint}
              justification={justification}
              isNew={newPhotoIds.includes(photo.id)}
              viewed={viewedPhotoIds ? viewedPhotoIds.includes(photo.id) : undefined}
              unseen={unseenPhotoIds.includes(photo.id)}
              onOpen={() => setViewerIndex(index)}
            />
          ))}
        </div>
        {viewerIndex !== null && photosAllowed && (
          <PhotoViewer
            claimId={claimId}
            photos={data.photos}
            startIndex={viewerIndex}
            onClose={() => setViewerIndex(null)}
            onViewed={onPhotoViewed}
            justification={justification}
            explainChecks={explainChecks}
          />
        )}
      </div>
    </div>
  );
}
