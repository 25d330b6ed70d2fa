import { BadRequestException, Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { Tx } from '../database/transaction-runner';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { ThresholdsRepository } from './thresholds.repository';
import { defaultThresholds, THRESHOLDED_KINDS, type ThresholdedKind, type ThresholdSet } from './default-thresholds';

/** Decision thresholds: defaults in code, overridden per line of business by admins (audited). */
@Injectable()
export class ThresholdsService {
  constructor(
    private readonly audit: AuditService,
    private readonly thresholdRows: ThresholdsRepository,
  ) {}

  async forLine(line: LineOfBusiness, tx?: Tx): Promise<ThresholdSet> {
    const thresholds = defaultThresholds(line);
    const rows = await this.thresholdRows.overridesForLine(line, tx);
    for (const row of rows) {
      if ((THRESHOLDED_KINDS as readonly string[]).includes(row.kind)) {
        thresholds[row.kind as ThresholdedKind] = {
          flagAt: Number(row.flag_at),
          uncertainFrom: Number(row.uncertain_from),
        };
      }
    }
    return thresholds;
  }

  async all(): Promise<Record<LineOfBusiness, ThresholdSet>> {
    const entries = await Promise.all(LINES_OF_BUSINESS.map(async (line) => [line, await this.forLine(line)] as const));
    return Object.fromEntries(entries) as Record<LineOfBusiness, ThresholdSet>;
  }

  async update(
    context: AuditContext,
    line: LineOfBusiness,
    kind: ThresholdedKind,
    flagAt: number,
    uncertainFrom: number,
  ): Promise<ThresholdSet> {
    if (uncertainFrom > flagAt) throw new BadRequestException('uncertainFrom must not be above flagAt');
    return this.audit.run(context, async (tx) => {
      const before = (await this.forLine(line, tx.manager))[kind];
      await this.thresholdRows.upsert(tx.manager, { line, kind, flagAt, uncertainFrom, updatedBy: context.actorId });
      tx.record({
        action: 'thresholds.updated',
        resourceType: 'Threshold',
        resourceId: `${line}:${kind}`,
        details: { line, kind, before, after: { flagAt, uncertainFrom } },
      });
      return this.forLine(line, tx.manager);
    });
  }
}
