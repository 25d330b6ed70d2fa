import type { ModelManifest } from '../scoring/model/model-manifest';
import type { CheckMetrics } from './evaluation-metrics';
import type { EvaluationResult } from './model-evaluation';

/**
 * A model card (Mitchell et al. 2019, "Model Cards for Model Reporting"): the paper's sections, filled
 * from the manifest (provenance, hashes) and an evaluation run. Pure: the CLI writes it.
 */
export interface ModelCard {
  schema: 'model-card/1';
  generatedAt: string;
  modelDetails: {
    name: string;
    description: string;
    provenance: string;
    licence: string;
    modelHash: string;
    files: Record<string, { path: string; sha256: string; bytes: number }>;
    embeddingSize: number;
    logitScale: number;
  };
  intendedUse: { primary: string; outOfScope: string };
  factors: string[];
  metrics: { definitions: Record<string, string>; decisionThresholds: string };
  evaluationData: { source: string; claims: number; description: string };
  trainingData: string;
  quantitativeAnalyses: Record<string, CheckMetrics>;
  calibration: unknown;
  ethicalConsiderations: string;
  caveatsAndRecommendations: string[];
}

export interface ModelCardInput {
  manifest: ModelManifest & { description?: string; provenance?: string; licence?: string; training?: unknown };
  modelHash: string;
  evaluation: EvaluationResult;
  evaluationData: { source: string; description: string };
  /** What cardCalibration says for this model; null: "none". */
  calibration: unknown;
  generatedAt: Date;
}

const METRIC_DEFINITIONS: Record<string, string> = {
  precision: 'flagged and labelled positive / flagged',
  recall: 'flagged and labelled positive / labelled positive (review-band results count as not flagged)',
  f1: 'harmonic mean of precision and recall',
  ece: 'expected calibration error of the check score read as P(flag is right), 10 equal-width bins',
  confusion: 'rows: label (positive / negative); columns: flagged / uncertain (review) / clear',
};

export function buildModelCard(input: ModelCardInput): ModelCard {
  const { manifest } = input;
  const limitations = [
    'Scores are zero-shot probability margins, not calibrated probabilities: read ECE before treating a score as a likelihood.',
    'A check with few labelled positives has wide uncertainty; n and positives are given per check.',
  ];
  if (input.evaluationData.source.startsWith('scenes'))
    limitations.push(
      'Evaluated on synthetic scenes from tools/scenes (the renderer the fixture model was trained on): says nothing about real photos.',
    );
  if (manifest.name.startsWith('fixture'))
    limitations.push('The fixture model is for tests and the demo only; it knows nothing about real photos.');
  for (const [kind, metrics] of Object.entries(input.evaluation.checks))
    if (metrics.positives === 0) limitations.push(`${kind}: no positive label in the evaluation data, recall unknown.`);
  return {
    schema: 'model-card/1',
    generatedAt: input.generatedAt.toISOString(),
    modelDetails: {
      name: manifest.name,
      description: manifest.description ?? '',
      provenance: manifest.provenance ?? 'not stated in the manifest',
      licence: manifest.licence ?? 'not stated in the manifest',
      modelHash: input.modelHash,
      files: Object.fromEntries(
        Object.entries(manifest.files).map(([role, file]) => [
          role,
          { path: file.path, sha256: file.sha256, bytes: file.bytes },
        ]),
      ),
      embeddingSize: manifest.embeddingSize,
      logitScale: manifest.logitScale,
    },
    intendedUse: {
      primary:
        'Zero-shot image–text scoring of claim photos for the service checks (peril mismatch, excluded peril, object mismatch, no visible damage); a flag sends a claim to a person, it never denies one.',
      outOfScope: 'Deciding claims without human review; any use on photos unlike those evaluated here.',
    },
    factors: ['line of business (auto, property)', 'insured object class', 'claimed vs shown peril', 'photo quality'],
    metrics: {
      definitions: METRIC_DEFINITIONS,
      decisionThresholds:
        'the calibration in force for this model hash and prompt templates (see Calibration): version 0 committed with the code, or the newest version an admin applied; none: safe mode',
    },
    evaluationData: { ...input.evaluationData, claims: input.evaluation.claims },
    trainingData:
      typeof manifest.training === 'object' && manifest.training !== null
        ? JSON.stringify(manifest.training)
        : (manifest.provenance ?? 'not stated in the manifest'),
    quantitativeAnalyses: input.evaluation.checks,
    calibration: input.calibration ?? 'none',
    ethicalConsiderations:
      'Photos are personal data of claimants; the evaluation stores no photo, only scores. A model that errs sends claims to review, so its errors cost review time and delay, not denials.',
    caveatsAndRecommendations: limitations,
  };
}

const pct = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

type Thresholds = Record<string, { flagAt: number; uncertainFrom: number }>;

function thresholdTable(thresholds: Thresholds): string {
  return [
    '| check | review from | flag at |',
    '|---|---|---|',
    ...Object.entries(thresholds).map(([kind, t]) => `| ${kind} | ${t.uncertainFrom} | ${t.flagAt} |`),
  ].join('\n');
}

/** The calibration section in words and tables (cardCalibration's shape; anything else as JSON). */
function calibrationMarkdown(calibration: unknown): string {
  if (typeof calibration === 'string') return calibration;
  const c = calibration as {
    promptSetVersion?: string;
    committed?: string | { version: number; origin: string; thresholds: Thresholds };
    inForceWithoutApplied?: string;
    applied?: string | AppliedCalibration[];
  };
  if (c.committed === undefined || c.inForceWithoutApplied === undefined)
    return `\`\`\`json\n${JSON.stringify(calibration, null, 2)}\n\`\`\``;
  const lines = [`- Prompt templates: \`${c.promptSetVersion}\``];
  if (typeof c.committed === 'string') lines.push(`- Committed with the code: ${c.committed}`);
  else
    lines.push(
      `- Committed with the code: version ${c.committed.version} (${c.committed.origin})`,
      '',
      thresholdTable(c.committed.thresholds),
      '',
    );
  lines.push(`- In force where no version was applied: ${c.inForceWithoutApplied}`);
  if (typeof c.applied === 'string' || c.applied === undefined)
    lines.push(`- Applied in the database: ${c.applied ?? 'not read'}`);
  else
    for (const applied of c.applied)
      lines.push(
        `- Applied in the database, ${applied.line}: version ${applied.version} (${applied.source}, ${applied.createdAt})`,
        '',
        thresholdTable(applied.thresholds),
        '',
      );
  return lines.join('\n');
}

export function modelCardMarkdown(card: ModelCard): string {
  const details = card.modelDetails;
  const rows = Object.entries(card.quantitativeAnalyses)
    .map(
      ([kind, m]) =>
        `| ${kind} | ${m.n} | ${m.positives} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${pct(m.ece)} | ${m.confusion.positive.flagged}/${m.confusion.positive.uncertain}/${m.confusion.positive.clear} | ${m.confusion.negative.flagged}/${m.confusion.negative.uncertain}/${m.confusion.negative.clear} |`,
    )
    .join('\n');
  return `# Model card: ${details.name}

Generated ${card.generatedAt} by \`npm run cli -- models:evaluate\`.

## Model details
- Description: ${details.description || 'n/a'}
- Provenance: ${details.provenance}
- Licence: ${details.licence}
- Model hash: \`${details.modelHash}\`
${Object.entries(details.files)
  .map(([role, file]) => `- ${role}: \`${file.path}\` sha256 \`${file.sha256}\` (${file.bytes} bytes)`)
  .join('\n')}
- Embedding size ${details.embeddingSize}, logit scale ${details.logitScale}

## Intended use
- Primary: ${card.intendedUse.primary}
- Out of scope: ${card.intendedUse.outOfScope}

## Factors
${card.factors.map((factor) => `- ${factor}`).join('\n')}

## Metrics
${Object.entries(card.metrics.definitions)
  .map(([name, definition]) => `- ${name}: ${definition}`)
  .join('\n')}
- Decision thresholds: ${card.metrics.decisionThresholds}

## Evaluation data
- Source: ${card.evaluationData.source} (${card.evaluationData.claims} claims)
- ${card.evaluationData.description}

## Training data
${card.trainingData}

## Quantitative analyses
| check | n | positives | precision | recall | F1 | ECE | positive: flag/uncertain/clear | negative: flag/uncertain/clear |
|---|---|---|---|---|---|---|---|---|
${rows}

## Calibration
${calibrationMarkdown(card.calibration)}

## Ethical considerations
${card.ethicalConsiderations}

## Caveats and recommendations
${card.caveatsAndRecommendations.map((item) => `- ${item}`).join('\n')}
`;
}

/** A calibration version stored in the database (threshold_calibrations), as a card lists it. */
export interface AppliedCalibration {
  line: string;
  version: number;
  source: string;
  createdAt: string;
  thresholds: Record<string, { flagAt: number; uncertainFrom: number }>;
}

/**
 * What a card says about calibration (Mitchell et al.'s "decision thresholds"), from what is known without
 * guessing: the version 0 committed with the code for this model hash and prompt-templates version (or
 * that there is none, so the service runs the model in safe mode), and — when the CLI has the database
 * open (`--from-reviews`) — the versions applied there, newest per line of business.
 */
export function cardCalibration(input: {
  promptSetVersion: string;
  committed: { thresholds: Record<string, { flagAt: number; uncertainFrom: number }>; origin: string } | null;
  applied?: AppliedCalibration[];
}): Record<string, unknown> {
  const applied =
    input.applied === undefined
      ? 'not read (the card was written without the database; `npm run cli -- calibration:status` lists the versions in force)'
      : input.applied.length === 0
        ? 'none applied in this database'
        : input.applied;
  if (!input.committed)
    return {
      promptSetVersion: input.promptSetVersion,
      committed: 'none: no calibration ships with this model and prompt templates',
      inForceWithoutApplied:
        'safe mode — every flagged or borderline claim goes to review and none is auto-cleared, until an admin fits and applies a calibration (calibration:fit, the quality page)',
      applied,
    };
  return {
    promptSetVersion: input.promptSetVersion,
    committed: { version: 0, origin: input.committed.origin, thresholds: input.committed.thresholds },
    inForceWithoutApplied: 'version 0, for every line of business',
    applied,
  };
}
