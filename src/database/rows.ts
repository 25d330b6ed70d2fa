import { Column, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What most tables start with: `id uuid PRIMARY KEY DEFAULT gen_random_uuid()` (see the migrations). */
export abstract class UuidRow {
  @PrimaryGeneratedColumn('uuid') id!: string;
}

/**
 * A row that belongs to one claim (photos, scoring runs, checks, review tasks, legal holds, purge
 * receipts): its uuid `id`, then the indexed `claim_id` that lists a claim's rows and that retention follows.
 */
export abstract class ClaimScopedRow extends UuidRow {
  @Index() @Column({ name: 'claim_id', type: 'uuid' }) claimId!: string;
}
