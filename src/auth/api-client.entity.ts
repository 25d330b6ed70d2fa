import { Column, CreateDateColumn, Entity, Index } from 'typeorm';
import { UuidRow } from '../database/rows';

/** An intake system that posts claims with an API key. */
@Entity('api_clients')
export class ApiClient extends UuidRow {
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) team!: string;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** One key of an API client: a visible prefix for support and a hash of the secret. Two may be valid during rotation. */
@Entity('api_keys')
export class ApiKey extends UuidRow {
  @Index() @Column({ name: 'client_id', type: 'uuid' }) clientId!: string;
  @Column({ type: 'text', unique: true }) prefix!: string;
  @Column({ name: 'key_hash', type: 'text' }) keyHash!: string;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
