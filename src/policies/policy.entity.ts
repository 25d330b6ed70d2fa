import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany } from 'typeorm';
import { UuidRow } from '../database/rows';

export const LINES_OF_BUSINESS = ['auto', 'property'] as const;
export type LineOfBusiness = (typeof LINES_OF_BUSINESS)[number];
export const CLAUSE_KINDS = ['coverage', 'exclusion'] as const;
export type ClauseKind = (typeof CLAUSE_KINDS)[number];

/** An insurance policy: what object is insured, from when to when, under which clauses. */
@Entity('policies')
export class Policy extends UuidRow {
  @Column({ type: 'text', unique: true }) number!: string;
  @Column({ name: 'line_of_business', type: 'text' }) lineOfBusiness!: LineOfBusiness;
  @Column({ name: 'insured_object', type: 'text' }) insuredObject!: string;
  @Column({ type: 'text', default: 'default' }) jurisdiction!: string;
  @Column({ name: 'effective_from', type: 'date' }) effectiveFrom!: string;
  @Column({ name: 'effective_to', type: 'date' }) effectiveTo!: string;
  @Column({ name: 'created_by_client_id', type: 'uuid', nullable: true }) createdByClientId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @OneToMany(() => Clause, (clause) => clause.policy, { cascade: ['insert'] }) clauses!: Clause[];
}

/** A coverage or exclusion clause, with the visual prompts that describe it to the model. */
@Entity('clauses')
export class Clause extends UuidRow {
  @Column({ name: 'policy_id', type: 'uuid' }) policyId!: string;
  @ManyToOne(() => Policy, (policy) => policy.clauses, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id' })
  policy!: Policy;
  @Column({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) kind!: ClauseKind;
  @Column({ type: 'text' }) text!: string;
  @Column({ name: 'peril_key', type: 'text' }) perilKey!: string;
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" }) prompts!: string[];
  @Column({ name: 'prompt_version', type: 'integer', default: 1 }) promptVersion!: number;
}
