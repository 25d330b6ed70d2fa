import { Column, CreateDateColumn, Entity, UpdateDateColumn } from 'typeorm';
import { UuidRow } from '../database/rows';
import type { StaffRole } from '../common/actor';

/** A person who signs in to the review client. */
@Entity('users')
export class User extends UuidRow {
  @Column({ type: 'text', unique: true }) email!: string;
  @Column({ name: 'display_name', type: 'text' }) displayName!: string;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash!: string;
  @Column({ type: 'text' }) role!: StaffRole;
  @Column({ type: 'text' }) team!: string;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** Bumped by "sign out everywhere", deactivation and password changes: older access tokens are refused. */
  @Column({ name: 'session_generation', type: 'integer', default: 0 }) sessionGeneration!: number;
  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true }) lastLoginAt!: Date | null;
  /** Who created the account (`user:<id>` or `cli:<os user>`); null for accounts from before it was kept. */
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy!: string | null;
  /** The TOTP secret: a data key of the envelope scheme, stored only wrapped by the master key ring. */
  @Column({ name: 'totp_wrapped_secret', type: 'bytea', nullable: true, select: false })
  totpWrappedSecret!: Buffer | null;
  @Column({ name: 'totp_key_version', type: 'integer', nullable: true }) totpKeyVersion!: number | null;
  /** Set when enrolment was confirmed with a code; null while enrolment is pending or absent. */
  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true }) totpEnabledAt!: Date | null;
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true }) totpLastStep!: string | null;
}
