import { BadRequestException, Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { Tx } from '../database/transaction-runner';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { modelHash } from '../scoring/model/model-manifest';
import { ModelRegistry } from '../scoring/model-registry.service';
import { builtinCalibration } from './builtin-calibrations';
import { CalibrationsRepository, type CalibrationKey, type CalibrationSource } from './calibrations.repository';
import { defaultThresholds, THRESHOLDED_KINDS, type ThresholdedKind, type ThresholdSet } from './default-thresholds';
import { PROMPT_TEMPLATES_VERSION } from './prompt-sets';
import { ThresholdsRepository } from './thresholds.repository';

/** The thresholds in force for one model, prompt templates and line, and where they come from. */
export interface ResolvedThresholds {
  modelHash: string;
  promptSetVersion: string;
  line: LineOfBusiness;
  thresholds: ThresholdSet;
  /** No calibration for this model and prompt set: nothing is auto-cleared (flagged and borderline claims, and every other, go to review). */
  safeMode: boolean;
  /** The version in force: 0 is the committed (builtin) calibration; null in safe mode. */
  calibration: {
    id: string | null;
    version: number;
    source: CalibrationSource | 'builtin';
    createdAt: string | null;
    createdBy: string | null;
    note: string | null;
  } | null;
}

/** Checks that a threshold set names every thresholded kind with 0 ≤ uncertainFrom ≤ flagAt ≤ 1. */
export function validateThresholdSet(value: unknown): ThresholdSet {
  if (!value || typeof value !== 'object') throw new BadRequestException('thresholds must be an object');
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !(THRESHOLDED_KINDS as readonly string[]).includes(key));
  if (extra.length > 0)
    throw new BadRequestException(
      `thresholds: unknown check kind(s) ${extra.join(', ')} (one of ${THRESHOLDED_KINDS.join(', ')})`,
    );
  const result = {} as ThresholdSet;
  for (const kind of THRESHOLDED_KINDS) {
    const entry = record[kind] as { flagAt?: unknown; uncertainFrom?: unknown } | undefined;
    if (!entry || typeof entry !== 'object') throw new BadRequestException(`thresholds.${kind} is missing`);
    const { flagAt, uncertainFrom } = entry;
    if (typeof flagAt !== 'number' || !Number.isFinite(flagAt) || flagAt < 0 || flagAt > 1)
      throw new BadRequestException(`thresholds.${kind}.flagAt must be a number between 0 and 1`);
    if (typeof uncertainFrom !== 'number' || !Number.isFinite(uncertainFrom) || uncertainFrom < 0 || uncertainFrom > 1)
      throw new BadRequestException(`thresholds.${kind}.uncertainFrom must be a number between 0 and 1`);
    if (uncertainFrom > flagAt)
      throw new BadRequestException(`thresholds.${kind}.uncertainFrom must not be above flagAt`);
    result[kind] = { flagAt, uncertainFrom };
  }
  return result;
}

/**
 * Decision thresholds belong to a model: the latest applied calibration version of (model hash, prompt
 * templates version, line of business); else the committed calibration of a model shipped with the code
 * (builtin-calibrations.ts); else safe mode. Every change is a new version, applied by an admin and audited.
 */
@Injectable()
export class ThresholdsService {
  constructor(
    private readonly audit: AuditService,
    private readonly thresholdRows: ThresholdsRepository,
    private readonly calibrations: CalibrationsRepository,
    private readonly registry: ModelRegistry,
  ) {}

  /** The configured model's identity (its files hash-checked, not loaded). */
  async currentModel(): Promise<{ name: string; hash: string }> {
    const manifest = await this.registry.verify();
    return { name: manifest.name, hash: modelHash(manifest) };
  }

  key(modelHashValue: string, line: LineOfBusiness): CalibrationKey {
    return { modelHash: modelHashValue, promptSetVersion: PROMPT_TEMPLATES_VERSION, line };
  }

  /** The committed calibration's thresholds: the code's defaults with the legacy per-line overrides. */
  async builtinThresholds(line: LineOfBusiness, tx?: Tx): Promise<ThresholdSet> {
    const thresholds = defaultThresholds(line);
    for (const row of await this.thresholdRows.overridesForLine(line, tx)) {
      if ((THRESHOLDED_KINDS as readonly string[]).includes(row.kind))
        thresholds[row.kind as ThresholdedKind] = {
          flagAt: Number(row.flag_at),
          uncertainFrom: Number(row.uncertain_from),
        };
    }
    return thresholds;
  }

  async resolve(line: LineOfBusiness, modelHashValue: string, tx?: Tx): Promise<ResolvedThresholds> {
    const key = this.key(modelHashValue, line);
    const base = { modelHash: modelHashValue, promptSetVersion: key.promptSetVersion, line };
    const row = await this.calibrations.latest(key, tx);
    if (row) {
      return {
        ...base,
        thresholds: validateThresholdSet(row.thresholds),
        safeMode: false,
        calibration: {
          id: row.id,
          version: row.version,
          source: row.source,
          createdAt: new Date(row.created_at).toISOString(),
          createdBy: row.created_by,
          note: row.note,
        },
      };
    }
    if (builtinCalibration(modelHashValue, key.promptSetVersion)) {
      return {
        ...base,
        thresholds: await this.builtinThresholds(line, tx),
        safeMode: false,
        calibration: { id: null, version: 0, source: 'builtin', createdAt: null, createdBy: null, note: null },
      };
    }
    return { ...base, thresholds: defaultThresholds(line), safeMode: true, calibration: null };
  }

  /** The thresholds for the configured model (GET /v1/thresholds and the quality page). */
  async forLine(line: LineOfBusiness, tx?: Tx): Promise<ThresholdSet> {
    return (await this.resolve(line, (await this.currentModel()).hash, tx)).thresholds;
  }

  async all(): Promise<Record<LineOfBusiness, ThresholdSet>> {
    const entries = await Promise.all(LINES_OF_BUSINESS.map(async (line) => [line, await this.forLine(line)] as const));
    return Object.fromEntries(entries) as Record<LineOfBusiness, ThresholdSet>;
  }

  /** Applies a whole threshold set as the key's next version (audited in the same transaction). */
  async apply(
    context: AuditContext,
    input: {
      line: LineOfBusiness;
      modelHash: string;
      thresholds: ThresholdSet;
      source: CalibrationSource;
      method?: Record<string, unknown>;
      note?: string | null;
      rolledBackTo?: number | null;
    },
  ): Promise<ResolvedThresholds> {
    const thresholds = validateThresholdSet(input.thresholds);
    const key = this.key(input.modelHash, input.line);
    return this.audit.run(context, async (tx) => {
      const before = await this.resolve(input.line, input.modelHash, tx.manager);
      const row = await this.calibrations.insertNext(tx.manager, key, {
        thresholds,
        source: input.source,
        method: input.method ?? {},
        note: input.note ?? null,
        rolledBackTo: input.rolledBackTo ?? null,
        createdBy: context.actorId,
      });
      tx.record({
        action: input.source === 'rollback' ? 'calibration.rolled_back' : 'calibration.applied',
        resourceType: 'Calibration',
        resourceId: row.id,
        details: {
          modelHash: key.modelHash,
          promptSetVersion: key.promptSetVersion,
          line: key.line,
          version: row.version,
          source: input.source,
          rolledBackTo: input.rolledBackTo ?? null,
          before: {
            version: before.calibration?.version ?? null,
            safeMode: before.safeMode,
            thresholds: before.thresholds,
          },
          after: thresholds,
          note: input.note ?? null,
        },
      });
      return this.resolve(input.line, input.modelHash, tx.manager);
    });
  }

  /** Restores an earlier version (0: the committed calibration) as the key's next version. */
  async rollback(
    context: AuditContext,
    input: { line: LineOfBusiness; modelHash: string; version: number; note?: string | null },
  ): Promise<ResolvedThresholds> {
    const key = this.key(input.modelHash, input.line);
    let thresholds: ThresholdSet;
    if (input.version === 0) {
      if (!builtinCalibration(input.modelHash, key.promptSetVersion))
        throw new BadRequestException(
          'this model and prompt set have no committed calibration (version 0) to roll back to',
        );
      thresholds = await this.builtinThresholds(input.line);
    } else {
      const row = await this.calibrations.byVersion(key, input.version);
      if (!row)
        throw new BadRequestException(`no calibration version ${input.version} for ${input.line} and this model`);
      thresholds = validateThresholdSet(row.thresholds);
    }
    return this.apply(context, {
      line: input.line,
      modelHash: input.modelHash,
      thresholds,
      source: 'rollback',
      method: { rolledBackTo: input.version },
      note: input.note ?? null,
      rolledBackTo: input.version,
    });
  }

  /** One check's thresholds changed by an admin: a new manual version of the configured model's calibration. */
  async update(
    context: AuditContext,
    line: LineOfBusiness,
    kind: ThresholdedKind,
    flagAt: number,
    uncertainFrom: number,
  ): Promise<ThresholdSet> {
    if (uncertainFrom > flagAt) throw new BadRequestException('uncertainFrom must not be above flagAt');
    const model = await this.currentModel();
    const current = await this.resolve(line, model.hash);
    const thresholds = { ...current.thresholds, [kind]: { flagAt, uncertainFrom } };
    const applied = await this.apply(context, {
      line,
      modelHash: model.hash,
      thresholds,
      source: 'manual',
      note: `${kind} set to flag at ${flagAt}, review from ${uncertainFrom}`,
    });
    return applied.thresholds;
  }
}
