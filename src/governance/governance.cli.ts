import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, option, type CliCommand } from '../cli/cli-command';
import { loadConfig } from '../config/app-config';
import { ClipModel } from '../scoring/model/clip-model';
import { histogram, uniformEdges } from './psi';
import { sceneClaims, readLabelsFile, type LabelledClaim } from './labelled-set';
import { buildModelCard, modelCardMarkdown } from './model-card';
import { scoreLabelledClaims, summariseEvaluation } from './model-evaluation';

/** The model folder of `--model NAME`: a folder under MODELS_DIR, or a path. */
export function evaluationModelFolder(name: string, modelsDir: string): string {
  return path.isAbsolute(name) || name.includes('/') ? path.resolve(name) : path.join(modelsDir, name);
}

const USAGE =
  'usage: models:evaluate --model NAME (--scenes N [--seed S] | --labels FILE.json|FILE.csv) [--json] [--out DIR] [--no-card]';

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

const fmt = (value: number | null) => (value === null ? '  n/a' : value.toFixed(3));

/** Model governance commands (src/governance/README.md). */
export const GOVERNANCE_COMMANDS: Record<string, CliCommand> = {
  'models:evaluate': {
    summary:
      '--model NAME (--scenes N [--seed S] | --labels FILE): per-check precision, recall, ECE, confusion; writes model-card.{json,md} beside the model (--out DIR elsewhere, --no-card not at all) [--json]',
    run: async (args) => {
      const name = option(args, 'model');
      if (!name) throw new Error(`--model is required; ${USAGE}`);
      const labels = option(args, 'labels');
      const scenesText = option(args, 'scenes');
      if (flag(args, 'from-reviews'))
        throw new Error(
          'models:evaluate --from-reviews is not available yet: export reviewed claims as a labels file (src/governance/README.md) and pass --labels',
        );
      if ((labels === undefined) === (scenesText === undefined))
        throw new Error(`give exactly one of --scenes N or --labels FILE; ${USAGE}`);
      const config = loadConfig().clip;
      const folder = evaluationModelFolder(name, config.modelsDir);
      if (!fs.existsSync(path.join(folder, 'manifest.json')))
        throw new Error(`no model at ${folder} (manifest.json missing)`);
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
        const card = buildModelCard({
          manifest: model.manifest,
          modelHash: model.hash,
          evaluation,
          evaluationData: { source, description },
          calibration: null,
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
              model: model.manifest.name,
              modelHash: model.hash,
              source,
              claims: evaluation.claims,
              checks: evaluation.checks,
              calibration: card.calibration,
              written,
            }),
          );
        } else {
          console.log(
            `model ${model.manifest.name} (${model.hash.slice(0, 12)}…), ${evaluation.claims} claims, ${source}`,
          );
          console.log('check               n  pos  precision recall  F1     ECE    pos f/u/c     neg f/u/c');
          for (const [kind, m] of Object.entries(evaluation.checks))
            console.log(
              `${kind.padEnd(18)}${String(m.n).padStart(4)}${String(m.positives).padStart(5)}  ${fmt(m.precision)}     ${fmt(m.recall)}  ${fmt(m.f1)}  ${fmt(m.ece)}  ${`${m.confusion.positive.flagged}/${m.confusion.positive.uncertain}/${m.confusion.positive.clear}`.padEnd(12)}  ${m.confusion.negative.flagged}/${m.confusion.negative.uncertain}/${m.confusion.negative.clear}`,
            );
          console.log(`calibration: ${typeof card.calibration === 'string' ? card.calibration : 'see the card'}`);
          for (const file of written) console.log(`wrote ${file}`);
        }
      } finally {
        await model.release();
      }
    },
  },
};
