import { GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { AppAbility } from '../common/access.decorators';
import { RowAccessDenied } from '../auth/access.service';
import type { Claim } from '../claims/claim.entity';
import { ClaimsRepository } from '../claims/claims.repository';
import type { Photo } from '../claims/photo.entity';
import { PhotosRepository } from '../claims/photos.repository';
import { isUuid } from '../common/uuid';
import { ReviewTasksRepository } from '../review/review-tasks.repository';
import { EvidenceVault } from './evidence-vault';
import { DERIVED_MIME, type GpsPosition } from './photo-inspector';
import { DuplicateMatchView, PhotoMetadataView } from './photo-evidence.views';
import type { PhotoContent } from './photos.service';

/**
 * What the reviewer's workbench reads about a photo beyond its bytes: its metadata (GPS decrypted only for
 * roles with `read_location`), and the photo a duplicate_photo flag matched in another claim — shown to
 * whoever may view this claim's photos, with the other claim's identity only when the caller may read that
 * claim or `read DuplicateMatch` (supervisors of the team, investigators). Every reveal is audited.
 */
@Injectable()
export class PhotoEvidenceService {
  constructor(
    private readonly audit: AuditService,
    private readonly claims: ClaimsRepository,
    private readonly photos: PhotosRepository,
    private readonly reviewTasks: ReviewTasksRepository,
    private readonly vault: EvidenceVault,
  ) {}

  async metadata(
    context: AuditContext,
    ability: AppAbility,
    claimId: string,
    photoId: string,
  ): Promise<PhotoMetadataView> {
    const { claim, photo } = await this.load(claimId, photoId);
    const assigneeId = await this.reviewTasks.findOpenAssignee(claim.id);
    if (!ability.can('read', subject('Photo', { claimId: claim.id, team: claim.team, assigneeId: assigneeId ?? null })))
      throw new RowAccessDenied('read', 'Photo');
    const hasGps = photo.exif?.hasGps === true || photo.gpsCiphertext !== null;
    const gpsVisible = ability.can('read_location', subject('Photo', { claimId: claim.id, team: claim.team }));
    let gps: GpsPosition | null = null;
    if (gpsVisible && photo.gpsCiphertext && photo.wrappedDataKey && !photo.shreddedAt) {
      gps = await this.vault.readGps<GpsPosition>(photo);
      if (gps)
        await this.audit.record(context, {
          action: 'photo.location_viewed',
          resourceType: 'Photo',
          resourceId: photo.id,
          details: { claimId: claim.id },
        });
    }
    const device = [photo.exif?.make, photo.exif?.model].filter(Boolean).join(' ');
    return {
      photoId: photo.id,
      fileName: photo.fileName,
      width: photo.width,
      height: photo.height,
      mime: photo.mime,
      byteSize: photo.byteSize,
      captureTime: photo.exif?.captureTime ?? null,
      device: device || null,
      software: photo.exif?.software ?? null,
      hasGps,
      gpsVisible,
      gps,
    };
  }

  async match(ability: AppAbility, claimId: string, photoId: string): Promise<DuplicateMatchView> {
    const found = await this.loadMatch(ability, claimId, photoId);
    const { check, claim, other, otherPhoto } = found;
    const identityVisible = this.identityVisible(ability, claim, other);
    const evidence = check.evidence;
    return {
      checkId: check.id,
      photoId,
      flagged: check.flagged,
      uncertain: check.uncertain,
      similarity: typeof evidence.similarity === 'number' ? evidence.similarity : check.score,
      method: String(evidence.method ?? 'unknown'),
      hammingDistance: typeof evidence.hammingDistance === 'number' ? evidence.hammingDistance : null,
      capturedAt: found.photo.exif?.captureTime ?? null,
      matchedCapturedAt: otherPhoto?.exif?.captureTime ?? null,
      matchedPreviewAvailable: !!otherPhoto && !otherPhoto.shreddedAt && !!otherPhoto.wrappedDataKey,
      identityVisible,
      matchedPhotoId: identityVisible ? (otherPhoto?.id ?? null) : null,
      matchedClaim: {
        id: identityVisible ? other.id : null,
        externalReference: identityVisible ? other.externalReference : null,
        team: identityVisible ? other.team : null,
        status: other.status,
        filedAt: (other.submittedAt ?? other.createdAt).toISOString(),
        incidentDate: other.incidentDate,
      },
    };
  }

  /** The matched photo's preview, for a reviewer of the flagged claim; audited as a view of that photo. */
  async matchedPreview(
    context: AuditContext,
    ability: AppAbility,
    claimId: string,
    photoId: string,
  ): Promise<PhotoContent> {
    const { check, claim, other, otherPhoto } = await this.loadMatch(ability, claimId, photoId);
    if (!otherPhoto || otherPhoto.shreddedAt || !otherPhoto.wrappedDataKey)
      throw new GoneException('the matched photo was destroyed under the retention policy');
    const bytes = await this.vault.read(otherPhoto, 'preview');
    await this.audit.record(context, {
      action: 'photo.viewed',
      resourceType: 'Photo',
      resourceId: otherPhoto.id,
      details: {
        claimId: other.id,
        variant: 'preview',
        via: 'duplicate_match',
        flaggedClaimId: claim.id,
        flaggedPhotoId: photoId,
        checkId: check.id,
        identityWithheld: !this.identityVisible(ability, claim, other),
      },
    });
    return { bytes, mime: DERIVED_MIME, fileName: otherPhoto.fileName };
  }

  private identityVisible(ability: AppAbility, claim: Claim, other: Claim): boolean {
    return (
      ability.can('read', subject('Claim', other)) ||
      ability.can('read', subject('DuplicateMatch', { claimId: claim.id, team: claim.team }))
    );
  }

  /** The flagged photo's duplicate check and what it matched; 404 unless the caller may view this claim's photos. */
  private async loadMatch(ability: AppAbility, claimId: string, photoId: string) {
    const { claim, photo } = await this.load(claimId, photoId);
    const assigneeId = await this.reviewTasks.findOpenAssignee(claim.id);
    if (
      !ability.can(
        'view_content',
        subject('Photo', { claimId: claim.id, team: claim.team, assigneeId: assigneeId ?? null }),
      )
    )
      throw new RowAccessDenied('view_content', 'Photo');
    const check = await this.reviewTasks.duplicateCheckOfPhoto(claim.id, photo.id);
    const otherClaimId = check?.evidence.otherClaimId;
    const otherPhotoId = check?.evidence.otherPhotoId;
    if (!check || typeof otherClaimId !== 'string' || typeof otherPhotoId !== 'string')
      throw new NotFoundException('this photo has no duplicate match in its latest scoring');
    const other = await this.claims.findById(otherClaimId);
    if (!other) throw new NotFoundException('the matched claim no longer exists');
    const otherPhoto = await this.photos.findOfClaim(other.id, otherPhotoId);
    return { check, claim, photo, other, otherPhoto };
  }

  private async load(claimId: string, photoId: string): Promise<{ claim: Claim; photo: Photo }> {
    const claim = isUuid(claimId) ? await this.claims.findById(claimId) : null;
    const photo = claim && isUuid(photoId) ? await this.photos.findOfClaim(claim.id, photoId) : null;
    if (!claim || !photo) throw new NotFoundException('Photo not found');
    return { claim, photo };
  }
}
