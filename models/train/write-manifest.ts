/**
 * Writes models/fixture/manifest.json, the file the service's model loader reads: interface,
 * preprocessing, tokenizer and file hashes, plus how the model was trained and how well it does.
 *
 *   npx tsc -p tsconfig.build.json && node dist/models/train/write-manifest.js
 *
 * Reads data/fixture-train/train-report.json (train_fixture.py) and data/fixture-train/ts-eval.json
 * (eval-fixture.ts); the zero-shot accuracy recorded is the TS (production path) one.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OPENAI_CLIP_IMAGE_CONFIG } from '../../src/scoring/preprocess/clip-preprocess';
import { EVAL_PROMPTS } from './captions';

interface TrainReport {
  seed: number;
  trainScenes: number;
  evalScenes: number;
  trainSeeds: [number, number];
  evalSeeds: [number, number];
  epochs: number;
  steps: number;
  parameters: { total: number; vision: number; text: number };
  vocabSize: number;
  logitScale: number;
  trainSeconds: number;
  torch: string;
  zeroShotPython: Record<string, number>;
}

interface TsEval {
  scenes: number;
  seeds: [number, number];
  zeroShotAccuracy: { object: number; colour: number; damage: number };
}

function fileEntry(dir: string, path: string): { path: string; sha256: string; bytes: number } {
  const data = readFileSync(join(dir, path));
  return { path, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

function main(): void {
  const args = process.argv.slice(2);
  const arg = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
  };
  const modelDir = resolve(arg('model', 'models/fixture'));
  const dataDir = resolve(arg('data', 'data/fixture-train'));
  const report = JSON.parse(readFileSync(join(dataDir, 'train-report.json'), 'utf8')) as TrainReport;
  const tsEval = JSON.parse(readFileSync(join(dataDir, 'ts-eval.json'), 'utf8')) as TsEval;
  // merge lines after the "#version" header (the tokenizer reads the file the same way)
  const mergeCount = readFileSync(join(modelDir, 'merges.txt'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '').length;
  if (512 + mergeCount + 2 !== report.vocabSize) {
    throw new Error(`merges.txt has ${mergeCount} merges but the model was trained with vocab ${report.vocabSize}`);
  }
  const manifest = {
    name: 'fixture',
    description:
      'Tiny CLIP-style dual encoder (~0.44M parameters) trained on procedural claim photos (vehicles and buildings, ' +
      '7 colours, 7 damage kinds). For tests and the demo only: it knows nothing about real photos.',
    provenance:
      `trained by models/train/train_fixture.py on scenes from tools/scenes (train seeds ${report.trainSeeds.join('-')}, ` +
      `eval seeds ${report.evalSeeds.join('-')}), captions tokenized with merges learned by models/train/learn-merges.ts; ` +
      `zero-shot accuracy measured by models/train/eval-fixture.ts on seeds ${tsEval.seeds.join('-')}`,
    licence: 'same as the project',
    embeddingSize: 128,
    contextLength: 77,
    logitScale: round4(report.logitScale),
    image: {
      size: OPENAI_CLIP_IMAGE_CONFIG.imageSize,
      mean: OPENAI_CLIP_IMAGE_CONFIG.mean,
      std: OPENAI_CLIP_IMAGE_CONFIG.std,
      resize: 'shortest-side-bicubic-center-crop',
    },
    tokenizer: { mergesFile: 'merges.txt', mergeCount },
    inputs: { text: 'input_ids', image: 'pixel_values' },
    outputs: { text: 'text_embeds', image: 'image_embeds' },
    files: {
      text: fileEntry(modelDir, 'text.onnx'),
      vision: fileEntry(modelDir, 'vision.onnx'),
      merges: fileEntry(modelDir, 'merges.txt'),
    },
    training: {
      seed: report.seed,
      trainScenes: report.trainScenes,
      evalScenes: report.evalScenes,
      zeroShotAccuracy: {
        object: round4(tsEval.zeroShotAccuracy.object),
        colour: round4(tsEval.zeroShotAccuracy.colour),
        damage: round4(tsEval.zeroShotAccuracy.damage),
      },
      zeroShotEvalScenes: tsEval.scenes,
      zeroShotPrompts: EVAL_PROMPTS,
      zeroShotAccuracyPython: Object.fromEntries(Object.entries(report.zeroShotPython).map(([k, v]) => [k, round4(v)])),
      epochs: report.epochs,
      steps: report.steps,
      trainSeconds: report.trainSeconds,
      parameters: report.parameters,
      vocabSize: report.vocabSize,
      torch: report.torch,
    },
  };
  const out = join(modelDir, 'manifest.json');
  writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main();
