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
}
