import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, option, type CliCommand } from '../cli/cli-command';
import { loadConfig } from '../config/app-config';
import { ClipModel } from '../scoring/model/clip-model';
import { histogram, uniformEdges } from './psi';
import { sceneClaims, readLabelsFile, type LabelledClaim } from './labelled-set';
import { loadVerifiedManifest, modelHash, type ModelManifest } from '../scoring/model/model-manifest';
import { GovernanceRepository } from './governance.repository';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import { builtinCalibration } from '../validation/builtin-calibrations';
import { CalibrationsRepository } from '../validation/calibrations.repository';
import { defaultThresholds } from '../validation/default-thresholds';
import { PROMPT_TEMPLATES_VERSION } from '../validation/prompt-sets';
import { buildModelCard, cardCalibration, modelCardMarkdown, type AppliedCalibration } from './model-card';
import { scoreLabelledClaims, summariseEvaluation, summariseReviews, type EvaluationResult } from './model-evaluation';

/** The model folder of `--model NAME`: a folder under MODELS_DIR, or a path. */
export function evaluationModelFolder(name: string, modelsDir: string): string {
  return path.isAbsolute(name) || name.includes('/') ? path.resolve(name) : path.join(modelsDir, name);
}

const USAGE =
  'usage: models:evaluate --model NAME (--scenes N [--seed S] | --labels FILE.json|FILE.csv | --from-reviews --since DATE) [--json] [--out DIR] [--no-card]';

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

const fmt = (value: number | null) => (value === null ? '  n/a' : value.toFixed(3));

/** Prints the metrics (table or --json) and writes the model card unless --no-card. */
function report(
  args: string[],
  manifest: ModelManifest,
  hash: string,
  folder: string,
  evaluation: EvaluationResult,
  data: { source: string; description: string },
  applied?: AppliedCalibration[],
): void {
  const { source } = data;
  const card = buildModelCard({
    manifest,
    modelHash: hash,
    evaluation,
    evaluationData: data,
    calibration: cardCalibration({
      promptSetVersion: PROMPT_TEMPLATES_VERSION,
      committed: builtinCalibration(hash, PROMPT_TEMPLATES_VERSION)
        ? {
            // The code defaults; per-line admin overrides from before calibrations live in the database.
            thresholds: defaultThresholds('auto'),
            origin: 'src/validation/builtin-calibrations.ts: the thresholds of src/validation/default-thresholds.ts',
          }
        : null,
      applied,
    }),
    generatedAt: new Date(),
  });
  const edges = uniformEdges(10);
  const driftReference = {
    source,
    edges,
    counts: Object.fromEntries(Object.entries(evaluation.scores).map(([kind, s]) => [kind, histogram(s, edges)])),
  };
  const written: string[] = [];
  if (!flag(args, 'no-card')) {
    const out = option(args, 'out') || folder;
    fs.mkdirSync(out, { recursive: true });
    const json = path.join(out, 'model-card.json');
    const md = path.join(out, 'model-card.md');
    fs.writeFileSync(json, `${JSON.stringify({ ...card, driftReference }, null, 2)}\n`);
    fs.writeFileSync(md, modelCardMarkdown(card));
    written.push(json, md);
  }
  if (flag(args, 'json')) {
    console.log(
      JSON.stringify({
        model: manifest.name,
        modelHash: hash,
        source,
        claims: evaluation.claims,
        checks: evaluation.checks,
        calibration: card.calibration,
        written,
      }),
    );
    return;
  }
  console.log(`model ${manifest.name} (${hash.slice(0, 12)}…), ${evaluation.claims} claims, ${source}`);
  console.log('check               n  pos  precision recall  F1     ECE    pos f/u/c     neg f/u/c');
  for (const [kind, m] of Object.entries(evaluation.checks))
    console.log(
      `${kind.padEnd(18)}${String(m.n).padStart(4)}${String(m.positives).padStart(5)}  ${fmt(m.precision)}     ${fmt(m.recall)}  ${fmt(m.f1)}  ${fmt(m.ece)}  ${`${m.confusion.positive.flagged}/${m.confusion.positive.uncertain}/${m.confusion.positive.clear}`.padEnd(12)}  ${m.confusion.negative.flagged}/${m.confusion.negative.uncertain}/${m.confusion.negative.clear}`,
    );
  const calibration = card.calibration as { committed: unknown; inForceWithoutApplied: string };
  console.log(
    `calibration: ${typeof calibration.committed === 'string' ? calibration.committed : 'version 0 committed with the code'}; without an applied version: ${calibration.inForceWithoutApplied}`,
  );
  for (const file of written) console.log(`wrote ${file}`);
}

/** Model governance commands (src/governance/README.md). */
export const GOVERNANCE_COMMANDS: Record<string, CliCommand> = {
  'models:evaluate': {
    summary:
      '--model NAME (--scenes N [--seed S] | --labels FILE | --from-reviews --since DATE): per-check precision, recall, ECE, confusion; writes model-card.{json,md} beside the model (--out DIR elsewhere, --no-card not at all) [--json]',
    run: async (args, context) => {
      const name = option(args, 'model');
      if (!name) throw new Error(`--model is required; ${USAGE}`);
      const labels = option(args, 'labels');
      const scenesText = option(args, 'scenes');
      const fromReviews = flag(args, 'from-reviews');
      if ([labels !== undefined, scenesText !== undefined, fromReviews].filter(Boolean).length !== 1)
        throw new Error(`give exactly one of --scenes N, --labels FILE or --from-reviews --since DATE; ${USAGE}`);
      const appConfig = loadConfig();
      const config = appConfig.clip;
      const folder = evaluationModelFolder(name, config.modelsDir);
      if (!fs.existsSync(path.join(folder, 'manifest.json')))
        throw new Error(`no model at ${folder} (manifest.json missing)`);
      if (fromReviews) {
        const sinceText = option(args, 'since');
        const since = sinceText ? new Date(sinceText) : new Date(Number.NaN);
        if (Number.isNaN(since.getTime())) throw new Error('--from-reviews needs --since DATE (an ISO date)');
        const manifest = await loadVerifiedManifest(folder);
        const hash = modelHash(manifest);
        const database = await context.openDatabase(appConfig, { runMigrations: false });
        let evaluation: EvaluationResult;
        const applied: AppliedCalibration[] = [];
        try {
          const calibrations = new CalibrationsRepository(database.dataSource);
          for (const line of LINES_OF_BUSINESS) {
            const row = await calibrations.latest({
              modelHash: hash,
              promptSetVersion: PROMPT_TEMPLATES_VERSION,
              line,
            });
            if (row)
              applied.push({
                line,
                version: row.version,
                source: row.source,
                createdAt: new Date(row.created_at).toISOString(),
                thresholds: row.thresholds,
              });
          }
          const rows = await new GovernanceRepository(database.dataSource).reviewedModelChecks(hash, since);
          evaluation = summariseReviews(
            rows.map((row) => ({
              claimId: row.claim_id,
              kind: row.kind,
              score: Number(row.score),
              flagged: row.flagged,
              uncertain: row.uncertain,
              outcome: row.outcome,
              reasonCode: row.reason_code,
            })),
          );
        } finally {
          await database.close();
        }
        report(
          args,
          manifest,
          hash,
          folder,
          evaluation,
          {
            source: `reviews since ${since.toISOString()}`,
            description:
              'claims finally decided by reviewers, scored by this model (its scoring runs, or its shadow scores as the challenger); a check is labelled only where the decision speaks to it (an approval contradicts every flag, a denial reason confirms the checks it names)',
          },
          applied,
        );
        return;
      }
      let claims: LabelledClaim[];
      let source: string;
      let description: string;
      if (labels !== undefined) {
        if (!labels) throw new Error('--labels needs a file');
        claims = readLabelsFile(labels);
        source = `labels ${path.basename(labels)}`;
        description = `${claims.length} labelled claims from ${labels}`;
      } else {
        const count = positiveInt(scenesText || undefined, 'scenes', 0);
        const seed = positiveInt(option(args, 'seed') ?? '3000000', 'seed', 3000000);
        claims = sceneClaims(count, seed);
        source = `scenes seeds ${seed}-${seed + count - 1}`;
        description =
          'one-photo claims rendered by tools/scenes; labels from the renderer (true damage and object) and the drawn claim (src/governance/labelled-set.ts)';
      }
      const model = await ClipModel.load(folder, {
        executionProviders: config.executionProviders,
        intraOpThreads: config.intraOpThreads,
        intraOpSpinning: config.intraOpSpinning,
      });
      try {
        const evaluation = summariseEvaluation(await scoreLabelledClaims(model, claims));
        report(args, model.manifest, model.hash, folder, evaluation, { source, description });
      } finally {
        await model.release();
      }
    },
  },
};
