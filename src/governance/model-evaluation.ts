import type { ClipModel } from '../scoring/model/clip-model';
import { ensembleEmbedding, scoreLabels } from '../scoring/scoring-math';
import type { CheckResult } from '../validation/checks/check-result';
import { runModelChecks, type ModelCheckKind, type PhotoZeroShot } from '../validation/checks/model-checks';
import { defaultThresholds, type ThresholdSet } from '../validation/default-thresholds';
import { reviewerVerdict } from '../validation/quality-report';
import { buildPromptSet, insuredObjectClass, perilKey, type PromptClass } from '../validation/prompt-sets';
import { checkMetrics, type CheckMetrics, type LabelledScore } from './evaluation-metrics';
import { MODEL_CHECK_KINDS, photoBytes, type LabelledClaim } from './labelled-set';

export type LabelEmbeddings = Array<{ label: string; embedding: Float32Array }>;

/** Prompt-ensemble embeddings computed once per distinct prompt list (a model's text encoder is cheap, not free). */
export class PromptEmbeddings {
  private readonly cache = new Map<string, Promise<Float32Array>>();

  constructor(readonly model: ClipModel) {}

  async of(classes: readonly PromptClass[]): Promise<LabelEmbeddings> {
    return Promise.all(
      classes.map(async (entry) => {
        const key = JSON.stringify(entry.prompts);
        let embedding = this.cache.get(key);
        if (!embedding) {
          embedding = this.model.embedTexts(entry.prompts).then(ensembleEmbedding);
          this.cache.set(key, embedding);
        }
        return { label: entry.key, embedding: await embedding };
      }),
    );
  }
}

/** Zero-shot scores of one photo embedding over the prompt set's damage and object classes. */
export function zeroShot(
  photoId: string,
  embedding: Float32Array,
  damage: LabelEmbeddings,
  objects: LabelEmbeddings,
  logitScale: number,
): PhotoZeroShot {
  const record = (labels: LabelEmbeddings) =>
    Object.fromEntries(scoreLabels(embedding, labels, logitScale).map((score) => [score.label, score.probability]));
  return { photoId, damage: record(damage), objects: record(objects) };
}

export interface ClaimModelChecks {
  claimId: string;
  checks: CheckResult[];
  expected: ModelCheckKind[];
}

/** The model checks of each labelled claim, scored by `model` with the service's prompts and thresholds. */
export async function scoreLabelledClaims(
  model: ClipModel,
  claims: readonly LabelledClaim[],
  options: { thresholds?: (claim: LabelledClaim) => ThresholdSet; batchSize?: number } = {},
): Promise<ClaimModelChecks[]> {
  const prompts = new PromptEmbeddings(model);
  const batchSize = options.batchSize ?? 16;
  const results: ClaimModelChecks[] = [];
  for (let start = 0; start < claims.length; start += batchSize) {
    const batch = claims.slice(start, start + batchSize);
    const images = await Promise.all(batch.flatMap((claim) => claim.photos.map(photoBytes)));
    const embeddings = await model.embedImages(images);
    let offset = 0;
    for (const claim of batch) {
      const insured = insuredObjectClass(claim.line, claim.insuredObject);
      const set = buildPromptSet(claim.line, insured);
      const [damage, objects] = await Promise.all([prompts.of(set.damage), prompts.of(set.objects)]);
      const photos = claim.photos.map((_, index) =>
        zeroShot(`${claim.id}#${index}`, embeddings[offset + index], damage, objects, model.manifest.logitScale),
      );
      offset += claim.photos.length;
      const checks = runModelChecks({
        photos,
        claimedPeril: perilKey(claim.claimedPeril),
        coveragePerils: claim.coverage.map(perilKey),
        exclusionPerils: claim.exclusions.map(perilKey),
        insuredObject: insured,
        thresholds: (options.thresholds ?? ((c: LabelledClaim) => defaultThresholds(c.line)))(claim),
      });
      results.push({ claimId: claim.id, checks, expected: claim.expected });
    }
  }
  return results;
}

export interface EvaluationResult {
  claims: number;
  checks: Record<ModelCheckKind, CheckMetrics>;
  /** Each check's scores over the set: the drift reference captured at evaluation. */
  scores: Record<ModelCheckKind, number[]>;
}

/** Per-check metrics of scored claims against their labels. */
export function summariseEvaluation(scored: readonly ClaimModelChecks[]): EvaluationResult {
  const checks = {} as Record<ModelCheckKind, CheckMetrics>;
  const scores = {} as Record<ModelCheckKind, number[]>;
  for (const kind of MODEL_CHECK_KINDS) {
    const items: LabelledScore[] = scored.flatMap((claim) =>
      claim.checks
        .filter((check) => check.kind === kind)
        .map((check) => ({
          score: check.score,
          flagged: check.flagged,
          uncertain: check.uncertain,
          expected: claim.expected.includes(kind),
        })),
    );
    checks[kind] = checkMetrics(items);
    scores[kind] = items.map((item) => item.score);
  }
  return { claims: scored.length, checks, scores };
}

/** A decided claim's model check and the reviewer's final decision (rows of GovernanceRepository.reviewedModelChecks). */
export interface ReviewedModelCheck {
  claimId: string;
  kind: string;
  score: number;
  flagged: boolean;
  uncertain: boolean;
  outcome: string;
  reasonCode: string;
}

/**
 * Metrics against reviewers' verdicts: a claim's check is labelled only where the final decision speaks to it
 * (`reviewerVerdict`: an approval says every flag was wrong, a denial's reason code confirms the checks it
 * names); the rest are left out, as in the quality report.
 */
export function summariseReviews(rows: readonly ReviewedModelCheck[]): EvaluationResult {
  const checks = {} as Record<ModelCheckKind, CheckMetrics>;
  const scores = {} as Record<ModelCheckKind, number[]>;
  const claims = new Set<string>();
  for (const kind of MODEL_CHECK_KINDS) {
    const items: LabelledScore[] = [];
    for (const row of rows) {
      if (row.kind !== kind) continue;
      const verdict = reviewerVerdict(kind, row.outcome, row.reasonCode);
      if (verdict === null) continue;
      claims.add(row.claimId);
      items.push({ score: row.score, flagged: row.flagged, uncertain: row.uncertain, expected: verdict });
    }
    checks[kind] = checkMetrics(items);
    scores[kind] = items.map((item) => item.score);
  }
  return { claims: claims.size, checks, scores };
}
