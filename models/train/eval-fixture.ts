/**
 * Zero-shot evaluation of the exported fixture model along the production path:
 * renderer (tools/scenes) -> JPEG -> project preprocessing (src/scoring/preprocess) -> vision.onnx,
 * and prompts -> project CLIP tokenizer with models/fixture/merges.txt -> text.onnx, both through
 * onnxruntime-node. Scenes are freshly rendered from seeds no training or python-eval scene used.
 *
 *   npx tsc -p tsconfig.build.json && node dist/models/train/eval-fixture.js [--count 1764] [--model models/fixture]
 *
 * Prints the accuracy per attribute (object, colour, damage), writes data/fixture-train/ts-eval.json
 * (read by write-manifest), and exits 1 if any attribute is below --min (default 0.95).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SCENE_COLOURS, SCENE_DAMAGES, SCENE_OBJECTS, renderScene } from '../../tools/scenes/scene-renderer';
import { OPENAI_CLIP_IMAGE_CONFIG, preprocessInto } from '../../src/scoring/preprocess/clip-preprocess';
import { ClipTokenizer } from '../../src/scoring/tokenizer/clip-tokenizer';
import { EVAL_PROMPTS } from './captions';
import { SPLIT_SEED_BASE, sceneForIndex } from './dataset-format';

type Attr = 'object' | 'colour' | 'damage';
const ATTRS: readonly Attr[] = ['object', 'colour', 'damage'];
const VALUES: Record<Attr, readonly string[]> = { object: SCENE_OBJECTS, colour: SCENE_COLOURS, damage: SCENE_DAMAGES };

function arg(args: string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}

function normalizeRows(data: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let k = 0; k < dim; k++) n += data[r * dim + k] ** 2;
    const inv = 1 / Math.sqrt(n || 1);
    for (let k = 0; k < dim; k++) out[r * dim + k] = data[r * dim + k] * inv;
  }
  return out;
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[ai * dim + k] * b[bi * dim + k];
  return s;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const modelDir = resolve(arg(args, 'model', 'models/fixture'));
  const count = Number(arg(args, 'count', '1764'));
  const batch = Number(arg(args, 'batch', '32'));
  const minAcc = Number(arg(args, 'min', '0.95'));
  const outPath = resolve(arg(args, 'out', 'data/fixture-train/ts-eval.json'));
  const threads = Number(arg(args, 'threads', '2'));

  const t0 = Date.now();
  const tokenizer = ClipTokenizer.fromMergesFile(join(modelDir, 'merges.txt'));
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const textSession = await ort.InferenceSession.create(join(modelDir, 'text.onnx'), opts);
  const visionSession = await ort.InferenceSession.create(join(modelDir, 'vision.onnx'), opts);

  // prompts
  const promptEmbeds = {} as Record<Attr, Float32Array>;
  let dim = 0;
  for (const attr of ATTRS) {
    const prompts = [...EVAL_PROMPTS[attr]];
    const ids = tokenizer.tokenizeBatch(prompts);
    const out = await textSession.run({
      input_ids: new ort.Tensor('int64', ids, [prompts.length, tokenizer.contextLength]),
    });
    const t = out.text_embeds;
    dim = t.dims[1];
    promptEmbeds[attr] = normalizeRows(t.data as Float32Array, prompts.length, dim);
  }

  // scenes
  const allEmbeds = new Float32Array(count * dim);
  const size = OPENAI_CLIP_IMAGE_CONFIG.imageSize;
  const plane = 3 * size * size;
  const correct: Record<Attr, number> = { object: 0, colour: 0, damage: 0 };
  const confusion = {} as Record<Attr, number[][]>;
  for (const attr of ATTRS) confusion[attr] = VALUES[attr].map(() => VALUES[attr].map(() => 0));
  const labels: Array<{ object: number; colour: number; damage: number }> = [];
  const errors: Array<{ seed: number; attribute: Attr; truth: string; predicted: string; scene: string }> = [];
  const seeds: number[] = [];
  let renderMs = 0;
  let inferMs = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const pixels = new Float32Array(n * plane);
    const t1 = Date.now();
    for (let i = 0; i < n; i++) {
      const spec = sceneForIndex('tsEval', start + i);
      seeds.push(spec.seed);
      const jpeg = await renderScene(spec);
      await preprocessInto(jpeg, OPENAI_CLIP_IMAGE_CONFIG, pixels, i * plane);
      labels.push({
        object: SCENE_OBJECTS.indexOf(spec.object),
        colour: SCENE_COLOURS.indexOf(spec.colour),
        damage: SCENE_DAMAGES.indexOf(spec.damage),
      });
    }
    const t2 = Date.now();
    const out = await visionSession.run({ pixel_values: new ort.Tensor('float32', pixels, [n, 3, size, size]) });
    inferMs += Date.now() - t2;
    renderMs += t2 - t1;
    const emb = normalizeRows(out.image_embeds.data as Float32Array, n, dim);
    allEmbeds.set(emb, start * dim);
    for (let i = 0; i < n; i++) {
      const label = labels[start + i];
      for (const attr of ATTRS) {
        const p = promptEmbeds[attr];
        let best = -1;
        let bestScore = -Infinity;
        for (let j = 0; j < VALUES[attr].length; j++) {
          const s = dot(emb, i, p, j, dim);
          if (s > bestScore) {
            bestScore = s;
            best = j;
          }
        }
        confusion[attr][label[attr]][best]++;
        if (best === label[attr]) correct[attr]++;
        else {
          errors.push({
            seed: seeds[start + i],
            attribute: attr,
            truth: VALUES[attr][label[attr]],
            predicted: VALUES[attr][best],
            scene: `${SCENE_COLOURS[label.colour]} ${SCENE_OBJECTS[label.object]}, ${SCENE_DAMAGES[label.damage]}`,
          });
        }
      }
    }
    if ((start / batch) % 10 === 0) console.log(`${start + n}/${count} scenes`);
  }

  // embedding similarity between different scenes (the service flags near-duplicates by cosine)
  let sameSum = 0;
  let sameN = 0;
  let sameMax = -1;
  let diffSum = 0;
  let diffN = 0;
  const m = Math.min(count, 882);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const s = dot(allEmbeds, a, allEmbeds, b, dim);
      const la = labels[a];
      const lb = labels[b];
      if (la.object === lb.object && la.colour === lb.colour && la.damage === lb.damage) {
        sameSum += s;
        sameN++;
        sameMax = Math.max(sameMax, s);
      } else {
        diffSum += s;
        diffN++;
      }
    }
  }

  const accuracy = Object.fromEntries(ATTRS.map((a) => [a, correct[a] / count])) as Record<Attr, number>;
  const result = {
    model: modelDir,
    scenes: count,
    seeds: [SPLIT_SEED_BASE.tsEval, SPLIT_SEED_BASE.tsEval + count - 1],
    render: '640x480 JPEG from tools/scenes, preprocessed by src/scoring/preprocess (OPENAI_CLIP_IMAGE_CONFIG)',
    prompts: EVAL_PROMPTS,
    zeroShotAccuracy: accuracy,
    confusion,
    cosine: {
      sameAttributesDifferentSeedMean: sameN ? sameSum / sameN : null,
      sameAttributesDifferentSeedMax: sameN ? sameMax : null,
      differentAttributesMean: diffN ? diffSum / diffN : null,
    },
    errors,
    seconds: { total: (Date.now() - t0) / 1000, renderAndPreprocess: renderMs / 1000, vision: inferMs / 1000 },
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify(result, null, 2));
  for (const attr of ATTRS) {
    const rows = confusion[attr]
      .map((row, i) => `    ${VALUES[attr][i].padEnd(20)} ${row.map((v) => String(v).padStart(4)).join('')}`)
      .join('\n');
    console.log(`  ${attr} confusion (rows: truth, columns: predicted, order ${VALUES[attr].join(', ')}):\n${rows}`);
  }
  console.log(
    `cosine between different scenes: same attributes mean ${result.cosine.sameAttributesDifferentSeedMean?.toFixed(3)} (max ${result.cosine.sameAttributesDifferentSeedMax?.toFixed(3)}), different attributes mean ${result.cosine.differentAttributesMean?.toFixed(3)}`,
  );
  console.log(
    `zero-shot accuracy on ${count} held-out scenes (seeds ${result.seeds.join('-')}), TS path (renderer -> preprocess -> onnxruntime-node):`,
  );
  for (const attr of ATTRS) console.log(`  ${attr.padEnd(7)} ${(accuracy[attr] * 100).toFixed(2)}%`);
  console.log(`took ${result.seconds.total.toFixed(1)} s; wrote ${outPath}`);
  if (ATTRS.some((a) => accuracy[a] < minAcc)) {
    console.error(`FAIL: an attribute is below ${minAcc * 100}%`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
