import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { AppAbility } from '../auth/ability.factory';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../auth/actor';
import type { CreatePolicyDto } from './policies.dto';
import { Clause, Policy, type ClauseKind, type LineOfBusiness } from './policy.entity';

export interface ClauseView {
  id: string;
  code: string;
  kind: ClauseKind;
  text: string;
  perilKey: string;
  prompts: string[];
  promptVersion: number;
}

export interface PolicyView {
  id: string;
  number: string;
  lineOfBusiness: LineOfBusiness;
  insuredObject: string;
  jurisdiction: string;
  effectiveFrom: string;
  effectiveTo: string;
  createdAt: string;
  clauses: ClauseView[];
}

export function toPolicyView(policy: Policy): PolicyView {
  const clauses = [...(policy.clauses ?? [])].sort((a, b) => a.code.localeCompare(b.code));
  return {
    id: policy.id,
    number: policy.number,
    lineOfBusiness: policy.lineOfBusiness,
    insuredObject: policy.insuredObject,
    jurisdiction: policy.jurisdiction,
    effectiveFrom: policy.effectiveFrom,
    effectiveTo: policy.effectiveTo,
    createdAt: policy.createdAt.toISOString(),
    clauses: clauses.map((clause) => ({
      id: clause.id,
      code: clause.code,
      kind: clause.kind,
      text: clause.text,
      perilKey: clause.perilKey,
      prompts: clause.prompts,
      promptVersion: clause.promptVersion,
    })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Policies and their clauses. Created by intake systems (their own) or admins; read per the abilities. */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  async create(context: AuditContext, actor: Actor, input: CreatePolicyDto): Promise<PolicyView> {
    if (input.effectiveTo < input.effectiveFrom)
      throw new BadRequestException('effectiveTo must not be before effectiveFrom');
    const codes = new Set<string>();
    for (const clause of input.clauses) {
      if (codes.has(clause.code)) throw new BadRequestException(`clause code "${clause.code}" appears twice`);
      codes.add(clause.code);
    }
    const policy = await this.audit.run(context, async (tx) => {
      const existing = await tx.manager.findOne(Policy, { where: { number: input.number } });
      if (existing) throw new ConflictException('a policy with this number exists');
      const created = await tx.manager.save(
        tx.manager.create(Policy, {
          number: input.number,
          lineOfBusiness: input.lineOfBusiness,
          insuredObject: input.insuredObject,
          jurisdiction: input.jurisdiction ?? 'default',
          effectiveFrom: input.effectiveFrom,
          effectiveTo: input.effectiveTo,
          createdByClientId: actor.kind === 'api_client' ? actor.id : null,
          clauses: input.clauses.map((clause) =>
            tx.manager.create(Clause, {
              code: clause.code,
              kind: clause.kind,
              text: clause.text,
              perilKey: clause.perilKey,
              prompts: clause.prompts ?? [],
            }),
          ),
        }),
      );
      tx.record({
        action: 'policy.created',
        resourceType: 'Policy',
        resourceId: created.id,
        details: {
          lineOfBusiness: created.lineOfBusiness,
          clauses: input.clauses.map((clause) => ({ code: clause.code, kind: clause.kind, perilKey: clause.perilKey })),
        },
      });
      return created;
    });
    return this.get(policy.id);
  }

  /** The policy if the caller may read it; 404 otherwise (also for one that exists but is not theirs). */
  async getFor(ability: AppAbility, id: string): Promise<PolicyView> {
    const policy = isUuid(id) ? await this.load(id) : null;
    if (!policy) throw new NotFoundException('Policy not found');
    const referencedByReadableClaim = await this.referencedByReadableClaim(ability, id);
    this.access.assertCan(ability, 'read', subject('Policy', { ...policy, referencedByReadableClaim }));
    return toPolicyView(policy);
  }

  /** Whether some claim the caller may read references the policy (the staff read rule, see AbilityFactory). */
  private async referencedByReadableClaim(ability: AppAbility, policyId: string): Promise<boolean> {
    const readable = this.access.where(ability, 'Claim', { action: 'read', paramStyle: 'positional', firstIndex: 2 });
    if (readable.none) return false;
    const rows = (await this.dataSource.query(`SELECT 1 FROM claims WHERE policy_id = $1 AND ${readable.sql} LIMIT 1`, [
      policyId,
      ...readable.values,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** For other modules: the policy row, unchecked (callers apply their own access rule). */
  async load(id: string): Promise<Policy | null> {
    return this.dataSource.getRepository(Policy).findOne({ where: { id }, relations: { clauses: true } });
  }

  private async get(id: string): Promise<PolicyView> {
    const policy = await this.load(id);
    if (!policy) throw new NotFoundException('Policy not found');
    return toPolicyView(policy);
  }
}
