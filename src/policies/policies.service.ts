import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import type { CreatePolicyDto } from './policies.dto';
import { PoliciesRepository } from './policies.repository';
import { Policy } from './policy.entity';
import { isUuid } from '../common/uuid';
import { ClauseView, PolicyView } from './policies.views';
export { ClauseView, PolicyView };

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

/** Policies and their clauses. Created by intake systems (their own) or admins; read per the abilities. */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly policies: PoliciesRepository,
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
      if (await this.policies.existsWithNumber(tx.manager, input.number))
        throw new ConflictException('a policy with this number exists');
      const created = await this.policies.insertWithClauses(
        tx.manager,
        {
          number: input.number,
          lineOfBusiness: input.lineOfBusiness,
          insuredObject: input.insuredObject,
          jurisdiction: input.jurisdiction ?? 'default',
          effectiveFrom: input.effectiveFrom,
          effectiveTo: input.effectiveTo,
          createdByClientId: actor.kind === 'api_client' ? actor.id : null,
        },
        input.clauses.map((clause) => ({
          code: clause.code,
          kind: clause.kind,
          text: clause.text,
          perilKey: clause.perilKey,
          prompts: clause.prompts ?? [],
        })),
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
    return this.policies.referencedByClaimWhere(policyId, readable.sql, readable.values);
  }

  /** For other modules: the policy row, unchecked (callers apply their own access rule). */
  async load(id: string): Promise<Policy | null> {
    return this.policies.findWithClauses(id);
  }

  private async get(id: string): Promise<PolicyView> {
    const policy = await this.load(id);
    if (!policy) throw new NotFoundException('Policy not found');
    return toPolicyView(policy);
  }
}
