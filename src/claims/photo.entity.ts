import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { ClaimScopedRow } from '../database/rows';

/** Validation-relevant EXIF fields that are not personal data (GPS is stored encrypted apart). */
export interface PhotoExif {
  captureTime?: string;
  make?: string;
  model?: string;
  software?: string;
  hasGps?: boolean;
}

/** A photo of a claim: hashes and metadata in clear, bytes encrypted in the blob store. */
@Entity('photos')
export class Photo extends ClaimScopedRow {
  @Index() @Column({ type: 'text' }) sha256!: string;
  @Column({ name: 'perceptual_hash', type: 'text' }) perceptualHash!: string;
  /** dHashes of 18 crops (see cropHashes), for duplicates that were cropped. */
  @Column({ name: 'crop_hashes', type: 'text', array: true, default: () => "'{}'" }) cropHashes!: string[];
  @Column({ type: 'integer' }) width!: number;
  @Column({ type: 'integer' }) height!: number;
  @Column({ type: 'text' }) mime!: string;
  @Column({ name: 'byte_size', type: 'integer' }) byteSize!: number;
  @Column({ name: 'file_name', type: 'text' }) fileName!: string;
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) exif!: PhotoExif;
  @Column({ name: 'gps_ciphertext', type: 'bytea', nullable: true }) gpsCiphertext!: Buffer | null;
  @Column({ name: 'original_blob_key', type: 'text' }) originalBlobKey!: string;
  @Column({ name: 'preview_blob_key', type: 'text' }) previewBlobKey!: string;
  @Column({ name: 'thumbnail_blob_key', type: 'text' }) thumbnailBlobKey!: string;
  @Column({ name: 'wrapped_data_key', type: 'bytea', nullable: true }) wrappedDataKey!: Buffer | null;
  @Column({ name: 'key_version', type: 'integer' }) keyVersion!: number;
  @Column({ type: 'real', array: true, nullable: true }) embedding!: number[] | null;
  @Column({ name: 'embedding_model_hash', type: 'text', nullable: true }) embeddingModelHash!: string | null;
  @Column({ name: 'shredded_at', type: 'timestamptz', nullable: true }) shreddedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
