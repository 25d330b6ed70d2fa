import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { modelHash } from '../scoring/model/model-manifest';
import { ModelRegistry } from '../scoring/model-registry.service';
import { GovernanceRepository } from './governance.repository';
import { routeWhatIf, shadowAgreement, type ShadowComparison } from './shadow-report';
import { ShadowModel } from './shadow-model';

const DAY_MS = 24 * 3600 * 1000;

/** The shadow report (agreement, what-if) and promotion. */
@Injectable()
export class GovernanceService {
  constructor(
    private readonly governance: GovernanceRepository,
    private readonly registry: ModelRegistry,
    private readonly shadow: ShadowModel,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private async champion() {
    const manifest = await this.registry.verify();
    return { name: manifest.name, hash: modelHash(manifest) };
  }

  private async comparisons(hash: string, from: Date): Promise<ShadowComparison[]> {
    const rows = await this.governance.shadowComparisons(hash, from);
    return rows.map((row) => ({
      claimId: row.claim_id,
      championOutcome: row.champion_outcome,
      shadowOutcome: row.outcome,
      championChecks: row.champion_checks,
      shadowChecks: row.checks,
      decision:
        row.decision_outcome === null
          ? null
          : { outcome: row.decision_outcome, reasonCode: row.decision_reason_code ?? '' },
    }));
  }

  /** Agreement of the challenger with the champion and the reviewers, and the what-if, over the claims since `from` (default 30 days). */
  async report(fromText?: string) {
    const from = fromText ? new Date(fromText) : new Date(this.clock.now().getTime() - 30 * DAY_MS);
    if (Number.isNaN(from.getTime())) throw new BadRequestException('from must be an ISO date');
    const champion = await this.champion();
    const shadow = await this.shadow.identity();
    const rows = shadow ? await this.comparisons(shadow.hash, from) : [];
    return {
      champion,
      shadow,
      from: from.toISOString(),
      agreement: shadowAgreement(rows),
      whatIf: routeWhatIf(rows),
    };
  }

  /**
   * Records the promotion of the challenger, with the what-if the admin saw (the whole shadow history of this
   * challenger), audited in the same transaction. The scoring model itself is configuration (CLIP_MODEL):
   * the answer says what to change; workers then re-embed stored photos (the backfill) on start.
   */
  async promote(context: AuditContext, confirmedHash: string) {
    const shadow = await this.shadow.identity();
    if (!shadow) throw new ConflictException('no challenger to promote: SHADOW_MODEL is not set');
    if (shadow.hash !== confirmedHash)
      throw new ConflictException(
        `modelHash ${confirmedHash} is not the challenger's (${shadow.hash}); reload the shadow report and confirm again`,
      );
    const champion = await this.champion();
    if (champion.hash === shadow.hash) throw new ConflictException('the challenger is already the scoring model');
    const whatIf = routeWhatIf(await this.comparisons(shadow.hash, new Date(0)));
    const promotion = await this.audit.run(context, async (tx) => {
      const row = await this.governance.insertPromotion(tx.manager, {
        modelId: shadow.name,
        modelHash: shadow.hash,
        previousModelId: champion.name,
        previousModelHash: champion.hash,
        whatIf,
        promotedBy: context.actorId ?? 'unknown',
      });
      tx.record({
        action: 'model.promoted',
        resourceType: 'Model',
        resourceId: shadow.hash,
        details: {
          model: shadow.name,
          previousModel: champion.name,
          previousModelHash: champion.hash,
          claims: whatIf.claims,
          changed: whatIf.changed,
          reviewLoad: whatIf.reviewLoad,
        },
      });
      return row;
    });
    return {
      id: promotion.id,
      model: shadow,
      previous: champion,
      whatIf,
      nextStep: `set CLIP_MODEL=${shadow.name} (and unset SHADOW_MODEL or name the next challenger) and restart the workers; they re-embed stored photos with it (the scoring backfill)`,
      promotedAt: new Date(promotion.created_at).toISOString(),
    };
  }
}
