import { BadRequestException, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import {
  BANDED_KINDS,
  clopperPearsonUpper,
  learnThenTest,
  precisionRecall,
  reliability,
  rerouteChecks,
  round6,
  scaledThresholds,
  whatIf,
  type CalibrationTarget,
  type LabelledClaim,
  type LttResult,
  type PrPoint,
  type ReliabilityBin,
  type StoredCheck,
  type WhatIfResult,
} from './calibration-math';
import { CHECK_KINDS, type CheckKind } from './check.entity';
import { ChecksRepository, type StoredRunRow } from './checks.repository';
import { builtinCalibration } from './builtin-calibrations';
import { CalibrationsRepository } from './calibrations.repository';
import { decideOutcome } from './decision-policy';
import type { ThresholdSet } from './default-thresholds';
import { REASON_CONFIRMS } from './quality-report';
import { ThresholdsService, type ResolvedThresholds } from './thresholds.service';

/** A claim's ground truth from outside the service (e.g. the simulator's planted problems). */
export interface ClaimLabel {
  claimId: string;
  /** The check kinds whose problem the claim really has; empty: an honest claim. */
  problems: CheckKind[];
}

export interface CheckFitReport {
  kind: CheckKind;
  labelled: number;
  positives: number;
  ece: number | null;
  reliability: ReliabilityBin[];
  precisionRecall: PrPoint[];
  /** At the proposed thresholds: claims this check clears, how many of those have its problem, and the bound. */
  cleared: number;
  falseClears: number;
  falseClearUpperBound: number;
}

export interface FitReport {
  model: { name: string; hash: string };
  promptSetVersion: string;
  method: string;
  target: CalibrationTarget;
  lines: LineOfBusiness[];
  labelSource: 'file' | 'reviewers';
  claims: number;
  positives: number;
  /** The chosen λ, the fixed-sequence steps, and the claim-level result at the chosen thresholds. */
  ltt: LttResult;
  /** Per line: the applied thresholds and the proposal (flagAt kept; uncertainFrom from the test). */
  proposals: Array<{ line: LineOfBusiness; current: ResolvedThresholds; proposed: ThresholdSet }>;
  checks: CheckFitReport[];
  guarantee: string;
}

const MAX_CLAIMS = 50_000;

export const METHOD_NAME =
  'Learn then Test (Angelopoulos et al. 2021) with fixed-sequence testing and exact one-sided Clopper–Pearson (binomial) bounds';

function toStoredChecks(row: StoredRunRow): StoredCheck[] {
  return row.checks.map((check) => ({
    kind: check.kind,
    score: round6(Number(check.score)),
    flagged: check.flagged,
    uncertain: check.uncertain,
    forced: check.forced,
  }));
}

/**
 * Calibration of the decision thresholds from labelled outcomes, and replays of stored scores under proposed
 * thresholds (what-if). Replays never run the model: they route the stored check scores again through the same
 * rule the live checks use (checks/route-score.ts and decideOutcome).
 */
@Injectable()
export class CalibrationService {
  constructor(
    private readonly thresholds: ThresholdsService,
    private readonly checks: ChecksRepository,
    private readonly calibrations: CalibrationsRepository,
    private readonly clock: Clock,
  ) {}

  private period(fromText?: string, toText?: string): { from: Date; to: Date } {
    const to = toText ? new Date(toText) : new Date(this.clock.now().getTime() + 60_000);
    const from = fromText ? new Date(fromText) : new Date(to.getTime() - 365 * 24 * 3600 * 1000);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new BadRequestException('from and to must be ISO dates');
    return { from, to };
  }

  /** The configured model, and per line the version in force (or safe mode) and the version history. */
  async status() {
    const model = await this.thresholds.currentModel();
    const lines = await Promise.all(
      LINES_OF_BUSINESS.map(async (line) => {
        const current = await this.thresholds.resolve(line, model.hash);
        const versions = await this.calibrations.versions(this.thresholds.key(model.hash, line));
        return {
          line,
          safeMode: current.safeMode,
          committedCalibration: builtinCalibration(model.hash, current.promptSetVersion) !== null,
          current,
          versions: versions.map((row) => ({
            id: row.id,
            version: row.version,
            source: row.source,
            thresholds: row.thresholds,
            method: row.method,
            note: row.note,
            rolledBackTo: row.rolled_back_to,
            createdBy: row.created_by,
            createdAt: new Date(row.created_at).toISOString(),
          })),
        };
      }),
    );
    return {
      model,
      promptSetVersion: lines[0].current.promptSetVersion,
      safeMode: lines.some((line) => line.safeMode),
      lines,
    };
  }

  /** Stored runs of the configured model (or `modelHash`) over a period, optionally one line. */
  async storedClaims(input: { modelHash: string; line?: LineOfBusiness | null; from?: string; to?: string }) {
    const { from, to } = this.period(input.from, input.to);
    return this.checks.storedRuns({
      modelHash: input.modelHash,
      from,
      to,
      line: input.line ?? null,
      limit: MAX_CLAIMS,
    });
  }

  /** Replays stored scores of one line under the applied and the proposed thresholds. */
  async whatIf(input: {
    line: LineOfBusiness;
    thresholds: ThresholdSet;
    from?: string;
    to?: string;
  }): Promise<WhatIfResult & { line: LineOfBusiness; currentVersion: number | null; currentSafeMode: boolean }> {
    const model = await this.thresholds.currentModel();
    const current = await this.thresholds.resolve(input.line, model.hash);
    const rows = await this.storedClaims({ modelHash: model.hash, line: input.line, from: input.from, to: input.to });
    const result = whatIf(
      rows.map((row) => ({ claimId: row.claim_id, checks: toStoredChecks(row), decision: row.decision })),
      { thresholds: current.thresholds, safeMode: current.safeMode },
      { thresholds: input.thresholds, safeMode: false },
    );
    return {
      line: input.line,
      currentVersion: current.calibration?.version ?? null,
      currentSafeMode: current.safeMode,
      ...result,
    };
  }

  /** A claim's outcome re-derived from its stored scores under the thresholds in force now (no inference). */
  async reroute(claimId: string, modelHash: string): Promise<string | null> {
    const rows = await this.storedClaims({ modelHash });
    const row = rows.find((candidate) => candidate.claim_id === claimId);
    if (!row) return null;
    const resolved = await this.thresholds.resolve(row.line_of_business as LineOfBusiness, modelHash);
    return decideOutcome(rerouteChecks(toStoredChecks(row), resolved.thresholds), { safeMode: resolved.safeMode });
  }

  /**
   * Fits thresholds for the target on labelled stored claims: labels from a file when given, else the final
   * reviewer decisions (deny: a problem, with the kinds its reason code confirms; approve: none; a request for
   * information says nothing). Lines are pooled unless one is named. Nothing is applied here.
   */
  async fit(input: {
    target: CalibrationTarget;
    line?: LineOfBusiness | null;
    labels?: ClaimLabel[];
    from?: string;
    to?: string;
  }): Promise<FitReport> {
    const { maxFalseClearRate, confidence } = input.target;
    if (!(maxFalseClearRate > 0 && maxFalseClearRate < 1))
      throw new BadRequestException('maxFalseClearRate must be between 0 and 1');
    if (!(confidence > 0 && confidence < 1)) throw new BadRequestException('confidence must be between 0 and 1');
    const model = await this.thresholds.currentModel();
    const lines = input.line ? [input.line] : [...LINES_OF_BUSINESS];
    const rows = await this.storedClaims({
      modelHash: model.hash,
      line: input.line ?? null,
      from: input.from,
      to: input.to,
    });
    const byLabel = input.labels ? new Map(input.labels.map((label) => [label.claimId, label])) : null;
    const labelled: Array<LabelledClaim & { line: LineOfBusiness }> = [];
    for (const row of rows) {
      let problems: CheckKind[] | null;
      let problem: boolean;
      if (byLabel) {
        const label = byLabel.get(row.claim_id);
        if (!label) continue;
        problems = label.problems;
        problem = label.problems.length > 0;
      } else if (row.decision === 'approve') {
        problems = [];
        problem = false;
      } else if (row.decision === 'deny') {
        problems = [...(REASON_CONFIRMS[row.reason_code ?? ''] ?? [])];
        problem = true;
      } else continue;
      labelled.push({
        claimId: row.claim_id,
        checks: toStoredChecks(row),
        problem,
        problems,
        line: row.line_of_business as LineOfBusiness,
      });
    }
    const current = await Promise.all(lines.map((line) => this.thresholds.resolve(line, model.hash)));
    // One λ for the pooled lines: each line's band scales with its own flagAt, so a claim is replayed with its line's thresholds.
    const perLine = new Map(current.map((resolved) => [resolved.line, resolved.thresholds]));
    const ltt = learnThenTestPerLine(labelled, perLine, input.target);
    const proposals = current.map((resolved) => ({
      line: resolved.line,
      current: resolved,
      proposed: ltt.thresholdsFor(resolved.line),
    }));
    const checks = CHECK_KINDS.filter((kind) =>
      labelled.some((claim) => claim.checks.some((check) => check.kind === kind)),
    ).map((kind): CheckFitReport => {
      const pairs = labelled
        .filter((claim) => claim.checks.some((check) => check.kind === kind))
        .map((claim) => ({
          score: Math.max(...claim.checks.filter((check) => check.kind === kind).map((check) => check.score)),
          positive: claim.problems.includes(kind),
          claim,
        }));
      const curve = reliability(pairs);
      const clearedPairs = pairs.filter((pair) => {
        const routed = rerouteChecks(pair.claim.checks, ltt.thresholdsFor(pair.claim.line)).filter(
          (check) => check.kind === kind,
        );
        return routed.every((check) => !check.flagged && !check.uncertain);
      });
      const falseClears = clearedPairs.filter((pair) => pair.positive).length;
      return {
        kind,
        labelled: pairs.length,
        positives: pairs.filter((pair) => pair.positive).length,
        ece: curve.ece,
        reliability: curve.bins,
        precisionRecall: thin(precisionRecall(pairs), 50),
        cleared: clearedPairs.length,
        falseClears,
        falseClearUpperBound: round6(clopperPearsonUpper(falseClears, clearedPairs.length, confidence)),
      };
    });
    return {
      model,
      promptSetVersion: current[0].promptSetVersion,
      method: METHOD_NAME,
      target: input.target,
      lines,
      labelSource: byLabel ? 'file' : 'reviewers',
      claims: labelled.length,
      positives: labelled.filter((claim) => claim.problem).length,
      ltt: ltt.result,
      proposals,
      checks,
      guarantee:
        `With probability at least ${confidence} over the ${labelled.length} calibration claims, a new claim exchangeable with them ` +
        `that these thresholds auto-clear has a problem with probability at most ${maxFalseClearRate} ` +
        `(P(problem | auto-cleared) ≤ α, α = ${maxFalseClearRate}, δ = ${round6(1 - confidence)}). ` +
        `The review band (${BANDED_KINDS.join(', ')}: uncertainFrom = λ·flagAt, λ = ${ltt.result.lambda}) holds what the model cannot clear within the target.`,
    };
  }
}

/** A PR curve thinned to at most `max` points (always keeping the first and last). */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, index) => points[Math.round(index * step)]);
}

/** Learn then Test over claims of several lines: one λ, each claim replayed with its own line's thresholds scaled by it. */
function learnThenTestPerLine(
  claims: ReadonlyArray<LabelledClaim & { line: LineOfBusiness }>,
  bases: Map<LineOfBusiness, ThresholdSet>,
  target: CalibrationTarget,
): { result: LttResult; thresholdsFor: (line: LineOfBusiness) => ThresholdSet } {
  const result = learnThenTest(claims, (claim) => bases.get(claim.line)!, target);
  return { result, thresholdsFor: (line) => scaledThresholds(bases.get(line)!, result.lambda) };
}
