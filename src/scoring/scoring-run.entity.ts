import { Column, CreateDateColumn, Entity } from 'typeorm';
import { ClaimScopedRow } from '../database/rows';

/** One model run over a claim: everything needed to replay the automated decision. */
@Entity('scoring_runs')
export class ScoringRun extends ClaimScopedRow {
  @Column({ name: 'model_id', type: 'text' }) modelId!: string;
  @Column({ name: 'model_hash', type: 'text' }) modelHash!: string;
  @Column({ name: 'prompt_set_version', type: 'text' }) promptSetVersion!: string;
  @Column({ type: 'jsonb' }) thresholds!: Record<string, unknown>;
  /** photoId → prompt → { cosine, probability } */
  @Column({ type: 'jsonb' }) scores!: Record<string, unknown>;
  @Column({ type: 'text' }) provider!: string;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ type: 'text', nullable: true }) outcome!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** Cached text embeddings, keyed by the model's hash and the exact prompt text. */
@Entity('text_embeddings')
export class TextEmbedding {
  @Column({ name: 'model_hash', type: 'text', primary: true }) modelHash!: string;
  @Column({ name: 'text_sha256', type: 'text', primary: true }) textSha256!: string;
  @Column({ type: 'text' }) text!: string;
  @Column({ type: 'real', array: true }) embedding!: number[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
