import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { defaultThresholds, THRESHOLDED_KINDS, type ThresholdedKind, type ThresholdSet } from './default-thresholds';

/** Decision thresholds: defaults in code, overridden per line of business by admins (audited). */
@Injectable()
export class ThresholdsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async forLine(line: LineOfBusiness, manager: EntityManager = this.dataSource.manager): Promise<ThresholdSet> {
    const thresholds = defaultThresholds(line);
    const rows = (await manager.query(
      `SELECT kind, flag_at, uncertain_from FROM check_thresholds WHERE line_of_business = $1`,
      [line],
    )) as Array<{
      kind: string;
      flag_at: number;
      uncertain_from: number;
    }>;
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
      await tx.manager.query(
        `INSERT INTO check_thresholds (line_of_business, kind, flag_at, uncertain_from, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (line_of_business, kind) DO UPDATE SET flag_at = EXCLUDED.flag_at, uncertain_from = EXCLUDED.uncertain_from, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [line, kind, flagAt, uncertainFrom, context.actorId],
      );
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
