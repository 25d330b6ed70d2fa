import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Encrypted blob bytes when BLOB_STORE=postgres. */
@Entity('blobs')
export class BlobRow {
  @PrimaryColumn({ type: 'text' }) key!: string;
  @Column({ type: 'bytea' }) data!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
