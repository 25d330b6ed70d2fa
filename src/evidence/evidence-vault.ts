import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataKeyUnwrapError, EnvelopeCrypto, EvidenceCorruptError, type BlobVariant } from '../crypto/envelope-crypto';
import { BLOB_STORE, BlobNotFoundError, photoBlobKey, type BlobStore } from './blob-store';
import type { Photo } from '../claims/photo.entity';

export type UnreadableReason = 'blob_missing' | 'data_key_unwrap_failed' | 'authentication_failed';

/** A photo's stored evidence cannot be read back as what was received: never serve or score it. */
export class EvidenceUnreadableError extends Error {
  constructor(
    readonly photoId: string,
    readonly variant: BlobVariant,
    readonly reason: UnreadableReason,
  ) {
    super(`evidence for photo ${photoId} (${variant}) is unreadable: ${reason.replaceAll('_', ' ')}`);
    this.name = 'EvidenceUnreadableError';
  }
}

export type StoredPhoto = Pick<Photo, 'id' | 'claimId' | 'wrappedDataKey' | 'keyVersion' | 'sha256'>;

/**
 * The one way back from sealed blob to image bytes, shared by photo viewing, scoring and backfill:
 * unwrap the photo's data key, fetch the blob, open it bound to claim, photo and variant, and check
 * the original against the SHA-256 taken at intake. The data key is wiped after use. A shredded
 * photo raises EvidenceShreddedError (from unwrap); anything else that fails is EvidenceUnreadableError.
 */
@Injectable()
export class EvidenceVault {
  constructor(
    private readonly envelope: EnvelopeCrypto,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async read(photo: StoredPhoto, variant: BlobVariant): Promise<Buffer> {
    let dataKey: Buffer | undefined;
    try {
      dataKey = await this.envelope.unwrapDataKey(photo.wrappedDataKey, photo.keyVersion, photo.id);
      const sealed = await this.blobs.get(photoBlobKey(photo.claimId, photo.id, variant));
      const bytes = this.envelope.decrypt(dataKey, sealed, {
        claimId: photo.claimId,
        photoId: photo.id,
        variant,
        keyVersion: photo.keyVersion,
      });
      if (variant === 'original' && createHash('sha256').update(bytes).digest('hex') !== photo.sha256) {
        throw new EvidenceUnreadableError(photo.id, variant, 'authentication_failed');
      }
      return bytes;
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new EvidenceUnreadableError(photo.id, variant, 'blob_missing');
      if (error instanceof DataKeyUnwrapError)
        throw new EvidenceUnreadableError(photo.id, variant, 'data_key_unwrap_failed');
      if (error instanceof EvidenceCorruptError)
        throw new EvidenceUnreadableError(photo.id, variant, 'authentication_failed');
      throw error;
    } finally {
      dataKey?.fill(0);
    }
  }

  /** The photo's GPS position, opened with its data key (null when it has none, or it was purged). */
  async readGps<T>(photo: StoredPhoto & { gpsCiphertext: Buffer | null }): Promise<T | null> {
    if (!photo.gpsCiphertext) return null;
    let dataKey: Buffer | undefined;
    try {
      dataKey = await this.envelope.unwrapDataKey(photo.wrappedDataKey, photo.keyVersion, photo.id);
      return this.envelope.openJsonField<T>(dataKey, photo.gpsCiphertext, { photoId: photo.id, field: 'gps' });
    } finally {
      dataKey?.fill(0);
    }
  }
}
