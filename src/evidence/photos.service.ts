import {
  ConflictException,
  GoneException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { subject } from '@casl/ability';
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { AppAbility } from '../common/access.decorators';
import { RowAccessDenied } from '../auth/access.service';
import { Claim } from '../claims/claim.entity';
import { ClaimsRepository } from '../claims/claims.repository';
import { isDatabaseUnavailable } from '../database/database-errors';
import { ClaimsService, intakePhoto } from '../claims/claims.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EnvelopeCrypto, EvidenceShreddedError, type BlobVariant } from '../crypto/envelope-crypto';
import { IntakeKeys } from '../crypto/intake-keys.service';
import { isUuid } from '../common/uuid';
import { ReviewTasksRepository } from '../review/review-tasks.repository';
import { PhotoViewsRepository } from '../review/photo-views.repository';
import { Clock } from '../common/clock';
import { BLOB_STORE, photoBlobKey, type BlobStore } from './blob-store';
import { EvidenceUnreadableError, EvidenceVault } from './evidence-vault';
import { sanitiseFileName } from './file-name';
import { DecodePool } from './decode-pool';
import { DERIVED_MIME, decodePhoto, preflightPhoto, type InspectedPhoto } from './photo-inspector';
import type { PhotoUpload, ReceivedPhoto } from './photo-upload.interceptor';
import { Photo } from '../claims/photo.entity';
import { PhotosRepository } from '../claims/photos.repository';
import { InformationRequestsRepository } from '../claims/information-requests.repository';
import { UploadResult } from './photos.views';
export { UploadResult };

export const PHOTO_VARIANTS: readonly BlobVariant[] = ['original', 'preview', 'thumbnail'];

/** Evidence that fails authentication (a flipped byte, swapped blobs, a missing blob): 409, never wrong bytes. */
export class CorruptEvidenceException extends ConflictException {
  constructor(photoId: string, variant: BlobVariant) {
    super(`evidence for photo ${photoId} (${variant}) is corrupt and cannot be served`);
  }
}

const OUT_OF_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * The blob store could not take a photo's bytes (disk full, read-only or missing volume, I/O error):
 * 507 when it is out of space, 503 otherwise. Nothing of the request was stored.
 */
export class EvidenceStoreWriteException extends HttpException {
  constructor(writeError: unknown) {
    const code = (writeError as NodeJS.ErrnoException | null)?.code;
    const full = typeof code === 'string' && OUT_OF_SPACE.has(code);
    super(
      full
        ? 'the photo store is out of space; nothing of this upload was stored; retry later'
        : 'the photo store could not write the photo; nothing of this upload was stored; retry later',
      full ? HttpStatus.INSUFFICIENT_STORAGE : HttpStatus.SERVICE_UNAVAILABLE,
      { cause: writeError },
    );
  }
}

export interface PhotoContent {
  bytes: Buffer;
  mime: string;
  fileName: string;
}

/**
 * Photo evidence: ingest (inspect in memory → seal each variant with a fresh per-photo data key →
 * put the sealed blobs → rows and audit events in one transaction; blobs removed again on any
 * failure) and audited, authenticated reads.
 */
@Injectable()
export class PhotosService {
  private readonly logger = new Logger('PhotosService');

  constructor(
    private readonly audit: AuditService,
    private readonly claims: ClaimsService,
    private readonly claimRows: ClaimsRepository,
    private readonly photoRows: PhotosRepository,
    private readonly reviewTasks: ReviewTasksRepository,
    private readonly informationRequests: InformationRequestsRepository,
    private readonly envelope: EnvelopeCrypto,
    private readonly intakeKeys: IntakeKeys,
    private readonly vault: EvidenceVault,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly decodePool: DecodePool,
    private readonly photoViews: PhotoViewsRepository,
    private readonly clock: Clock,
  ) {}

  /** All or nothing: one refused file refuses the request, and nothing of it is stored. */
  async upload(
    context: AuditContext,
    ability: AppAbility,
    claimId: string,
    upload: PhotoUpload,
  ): Promise<UploadResult> {
    const claim = await this.claimForUpload(ability, claimId);
    const received = upload.kind === 'jwe' ? [await this.decryptJwe(upload.compact)] : upload.files;
    const limits = this.config.photos;
    if (received.length > limits.maxFilesPerRequest)
      throw new UnprocessableEntityException(
        `too many photos in one request: at most ${limits.maxFilesPerRequest} (PHOTO_MAX_FILES_PER_REQUEST)`,
      );
    await this.assertRoomFor(claim.id, received.length);

    // Headers first (cheap), so the request's total declared pixels are judged before anything is decoded.
    const preflighted = [];
    for (const file of received) preflighted.push(await preflightPhoto(file.fileName, file.buffer, limits));
    const declaredPixels = preflighted.reduce((sum, photo) => sum + photo.rawWidth * photo.rawHeight, 0);
    if (declaredPixels > limits.maxPixelsPerRequest)
      throw new PayloadTooLargeException(
        `the photos of this request declare ${declaredPixels} pixels in all, more than the limit of ${limits.maxPixelsPerRequest} per request (PHOTO_MAX_PIXELS_PER_REQUEST); send them in several requests`,
      );
    const inspected: InspectedPhoto[] = [];
    const ticket = this.decodePool.admit(preflighted.length);
    try {
      for (const photo of preflighted) inspected.push(await ticket.run(() => decodePhoto(photo, limits)));
    } finally {
      ticket.close();
    }

    const written: string[] = [];
    try {
      const rows: Array<Partial<Photo>> = [];
      for (const photo of inspected) rows.push(await this.seal(claim.id, photo, written));
      const saved = await this.audit.run(context, async (tx) => {
        // The claim's row lock orders this against submit and other uploads: no photo lands on a frozen claim.
        const locked = await this.claimRows.findById(claim.id, tx.manager, true);
        if (!locked) throw new NotFoundException('Claim not found');
        this.assertAcceptsPhotos(locked);
        const existing = await this.photoRows.countOfClaim(claim.id, tx.manager);
        if (existing + rows.length > limits.maxFilesPerClaim) throw this.tooManyForClaim(existing);
        // An answer to an information request: the event names the request it answers.
        const request =
          locked.status === 'information_requested'
            ? await this.informationRequests.findOpenOfClaim(claim.id, tx.manager)
            : null;
        const photos = await this.photoRows.insertAll(tx.manager, rows);
        for (const photo of photos) {
          tx.record({
            action: 'photo.uploaded',
            resourceType: 'Photo',
            resourceId: photo.id,
            details: {
              claimId: claim.id,
              sha256: photo.sha256,
              mime: photo.mime,
              width: photo.width,
              height: photo.height,
              byteSize: photo.byteSize,
              keyVersion: photo.keyVersion,
              encryptedUpload: upload.kind === 'jwe',
              hasGps: photo.exif.hasGps === true,
              ...(request ? { informationRequestId: request.id } : {}),
            },
          });
        }
        return photos;
      });
      return { claimId: claim.id, photos: saved.map(intakePhoto) };
    } catch (error) {
      await this.removeBlobs(written);
      throw error;
    }
  }

  /** The decrypted bytes of one variant, for a caller allowed to view them; the view is audited first. */
  async content(
    context: AuditContext,
    ability: AppAbility,
    claimId: string,
    photoId: string,
    variant: BlobVariant,
  ): Promise<PhotoContent> {
    const claim = isUuid(claimId) ? await this.claimRows.findById(claimId) : null;
    const photo = claim && isUuid(photoId) ? await this.photoRows.findOfClaim(claim.id, photoId) : null;
    if (!claim || !photo) throw new NotFoundException('Photo not found');
    const assigneeId = await this.reviewTasks.findOpenAssignee(claim.id);
    const row = subject('Photo', { claimId: claim.id, team: claim.team, assigneeId: assigneeId ?? null });
    if (!ability.can('view_content', row)) throw new RowAccessDenied('view_content', 'Photo');
    if (photo.shreddedAt || !photo.wrappedDataKey)
      throw new GoneException(`evidence for photo ${photo.id} was destroyed under the retention policy`);

    const bytes = await this.open(context, claim.id, photo, variant);
    const event = {
      action: 'photo.viewed',
      resourceType: 'Photo',
      resourceId: photo.id,
      details: {
        claimId: claim.id,
        variant,
        ...(context.justification ? { justification: context.justification } : {}),
      },
    };
    if (variant === 'original' && context.actorType === 'user' && context.actorId) {
      // Opening the original is "seeing" the photo for the decide-on-evidence rule: the view row and its
      // audit event commit together (src/review/README.md, Deciding on evidence).
      const userId = context.actorId;
      await this.audit.run(context, async (tx) => {
        await this.photoViews.record(tx.manager, {
          photoId: photo.id,
          claimId: claim.id,
          userId,
          now: this.clock.now(),
        });
        tx.record(event);
      });
    } else await this.audit.record(context, event);
    return { bytes, mime: variant === 'original' ? photo.mime : DERIVED_MIME, fileName: photo.fileName };
  }

  private async open(context: AuditContext, claimId: string, photo: Photo, variant: BlobVariant): Promise<Buffer> {
    try {
      return await this.vault.read(photo, variant);
    } catch (error) {
      if (error instanceof EvidenceShreddedError)
        throw new GoneException(`evidence for photo ${photo.id} was destroyed under the retention policy`);
      if (!(error instanceof EvidenceUnreadableError)) throw error;
      this.logger.error({ photoId: photo.id, variant, problem: error.reason }, 'photo evidence failed authentication');
      await this.audit.record(context, {
        action: 'photo.corrupt_detected',
        resourceType: 'Photo',
        resourceId: photo.id,
        details: { claimId, variant, problem: error.reason },
      });
      throw new CorruptEvidenceException(photo.id, variant);
    }
  }

  private async claimForUpload(ability: AppAbility, claimId: string): Promise<Claim> {
    const claim = isUuid(claimId) ? await this.claimRows.findById(claimId) : null;
    if (!claim) throw new NotFoundException('Claim not found');
    if (
      !ability.can(
        'create',
        subject('Photo', { claimId: claim.id, team: claim.team, submitterClientId: claim.submitterClientId }),
      )
    )
      throw new RowAccessDenied('create', 'Claim');
    this.assertAcceptsPhotos(claim);
    return claim;
  }

  /** Photos are added to a draft, and to a claim whose reviewer requested information (until it is resubmitted). */
  private assertAcceptsPhotos(claim: Claim): void {
    if (claim.status !== 'draft' && claim.status !== 'information_requested')
      throw new ConflictException(
        `claim ${claim.id} was submitted (status ${claim.status}); its photos can no longer change (photos are accepted only as a draft or while information is requested)`,
      );
  }

  private tooManyForClaim(existing: number): UnprocessableEntityException {
    const max = this.config.photos.maxFilesPerClaim;
    return new UnprocessableEntityException(
      `too many photos for this claim: it holds ${existing} of at most ${max} (PHOTO_MAX_FILES_PER_CLAIM)`,
    );
  }

  private async assertRoomFor(claimId: string, adding: number): Promise<void> {
    const existing = await this.photoRows.countOfClaim(claimId);
    if (existing + adding > this.config.photos.maxFilesPerClaim) throw this.tooManyForClaim(existing);
  }

  private async decryptJwe(compact: string): Promise<ReceivedPhoto> {
    const { plaintext, protectedHeader } = await this.intakeKeys.decrypt(compact);
    const named = typeof protectedHeader.fileName === 'string' ? protectedHeader.fileName : undefined;
    return { fileName: named ? sanitiseFileName(named) : 'encrypted-upload', buffer: plaintext };
  }

  /** Seals the three variants (and GPS) with a fresh data key and writes the blobs; returns the row to insert. */
  private async seal(claimId: string, photo: InspectedPhoto, written: string[]): Promise<Partial<Photo>> {
    const photoId = randomUUID();
    const { dataKey, wrappedDataKey, keyVersion } = await this.envelope.newDataKey();
    try {
      const blobKeys = {} as Record<BlobVariant, string>;
      const plaintexts: Record<BlobVariant, Buffer> = {
        original: photo.original,
        preview: photo.preview,
        thumbnail: photo.thumbnail,
      };
      for (const variant of PHOTO_VARIANTS) {
        const key = photoBlobKey(claimId, photoId, variant);
        const sealed = this.envelope.encrypt(dataKey, plaintexts[variant], { claimId, photoId, variant, keyVersion });
        written.push(key);
        try {
          await this.blobs.put(key, sealed);
        } catch (error) {
          // A database blob store that lost PostgreSQL is the database's outage (503 via the filter).
          if (isDatabaseUnavailable(error)) throw error;
          this.logger.error({ err: error, key }, 'the blob store could not write a photo; the upload is rolled back');
          throw new EvidenceStoreWriteException(error);
        }
        blobKeys[variant] = key;
      }
      return {
        id: photoId,
        claimId,
        sha256: photo.sha256,
        perceptualHash: photo.perceptualHash,
        cropHashes: photo.cropHashes,
        width: photo.width,
        height: photo.height,
        mime: photo.mime,
        byteSize: photo.byteSize,
        fileName: photo.fileName,
        exif: photo.exif,
        gpsCiphertext: photo.gps ? this.envelope.sealJsonField(dataKey, photo.gps, { photoId, field: 'gps' }) : null,
        originalBlobKey: blobKeys.original,
        previewBlobKey: blobKeys.preview,
        thumbnailBlobKey: blobKeys.thumbnail,
        wrappedDataKey,
        keyVersion,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  private async removeBlobs(keys: string[]): Promise<void> {
    for (const key of keys) {
      try {
        await this.blobs.delete(key);
      } catch (error) {
        // The orphan sweeper removes what could not be deleted here.
        this.logger.warn({ err: error, key }, 'could not remove the blob of a failed upload');
      }
    }
  }
}
