/**
 * Writes the fixture model's training set: procedural claim photos (tools/scenes) run through the
 * project's own CLIP preprocessing (src/scoring/preprocess), 4x4-pooled to 56x56, plus captions
 * tokenized with the project's CLIP tokenizer and the learned fixture merges.
 *
 *   npx tsc -p tsconfig.build.json
 *   node dist/models/train/learn-merges.js            # models/fixture/merges.txt (first)
 *   node dist/models/train/make-dataset.js            # data/fixture-train/ (40000 train + 2000 eval)
 *
 * Options: --train N --eval N --out DIR --merges FILE --workers N --captions-per-scene K
 *          --width W --height H (render size, default 640x480 like the TS eval and the demo)
 *          --variety (3 in 5 training scenes with extra photographic variety; an experiment, see README:
 *            the committed model was trained without it)
 *          --captions-only (rewrite the caption files, keep the images)
 *          --rerender-objects a,b --rerender-damages c,d (after a renderer change that only affects
 *            those objects/damages: re-render just the scenes with one of them, patching the existing
 *            .bin files; the result equals a full run)
 *
 * Output (data/ is git-ignored):
 *   train.bin, eval.bin   images, see dataset-format.ts
 *   train.json, eval.json per scene: seed, object/colour/damage index, K caption indices
 *   captions.json         caption table: text, token ids (77), attribute masks; eval prompts
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { SCENE_COLOURS, SCENE_DAMAGES, SCENE_OBJECTS, renderScene } from '../../tools/scenes/scene-renderer';
import { deriveSeed, mulberry32 } from '../../tools/scenes/prng';
import { OPENAI_CLIP_IMAGE_CONFIG, preprocessImage } from '../../src/scoring/preprocess/clip-preprocess';
import { ClipTokenizer } from '../../src/scoring/tokenizer/clip-tokenizer';
import { Caption, EVAL_PROMPTS, sampleCaptions } from './captions';
import {
  POOLED_BYTES,
  POOLED_SIZE,
  POOL,
  SPLIT_SEED_BASE,
  encodeBin,
  poolToUint8,
  sceneForIndex,
} from './dataset-format';

type Split = 'train' | 'eval';

interface Job {
  split: Split;
  index: number;
}

interface WorkerInput {
  jobs: Job[];
  width: number;
  height: number;
  variety: boolean;
}

interface WorkerBatch {
  jobs: Job[];
  data: Uint8Array;
}

const BATCH = 100;

async function workerMain(input: WorkerInput): Promise<void> {
  sharp.concurrency(1);
  const { mean, std } = OPENAI_CLIP_IMAGE_CONFIG;
  for (let start = 0; start < input.jobs.length; start += BATCH) {
    const jobs = input.jobs.slice(start, start + BATCH);
    const data = new Uint8Array(jobs.length * POOLED_BYTES);
    for (let i = 0; i < jobs.length; i++) {
      const spec = sceneForIndex(jobs[i].split, jobs[i].index, input.width, input.height, input.variety);
      const jpeg = await renderScene(spec);
      const chw = await preprocessImage(jpeg, OPENAI_CLIP_IMAGE_CONFIG);
      poolToUint8(chw, mean, std, data, i * POOLED_BYTES);
    }
    const msg: WorkerBatch = { jobs, data };
    parentPort?.postMessage(msg, [data.buffer]);
  }
}

/** The image bytes of an existing .bin (for --rerender-*), checked against the expected count. */
function readImages(path: string, count: number): Uint8Array {
  const raw = readFileSync(path);
  const headerLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + headerLength).toString('utf8')) as { count: number };
  if (header.count !== count) throw new Error(`${path} holds ${header.count} scenes, expected ${count}`);
  return new Uint8Array(raw.subarray(4 + headerLength));
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      out[argv[i].slice(2)] = argv[i + 1];
      i++;
    } else {
      out[argv[i].slice(2)] = '';
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const counts: Record<Split, number> = { train: Number(args.train ?? 40000), eval: Number(args.eval ?? 2000) };
  const outDir = resolve(args.out ?? 'data/fixture-train');
  const mergesPath = resolve(args.merges ?? 'models/fixture/merges.txt');
  const workers = Math.max(1, Number(args.workers ?? Math.min(2, cpus().length)));
  const perScene = Number(args['captions-per-scene'] ?? 8);
  const width = Number(args.width ?? 640);
  const height = Number(args.height ?? 480);
  const variety = 'variety' in args;
  if (!existsSync(mergesPath))
    throw new Error(`${mergesPath} missing: run node dist/models/train/learn-merges.js first`);
  mkdirSync(outDir, { recursive: true });

  // captions
  const tokenizer = ClipTokenizer.fromMergesFile(mergesPath);
  const table: Caption[] = [];
  const index = new Map<string, number>();
  const idOf = (c: Caption): number => {
    let i = index.get(c.text);
    if (i === undefined) {
      i = table.length;
      index.set(c.text, i);
      table.push(c);
    } else {
      const prev = table[i];
      if (prev.objects !== c.objects || prev.colours !== c.colours || prev.damages !== c.damages) {
        throw new Error(`caption "${c.text}" has two different attribute masks`);
      }
    }
    return i;
  };
  const sceneMeta: Record<
    Split,
    { seeds: number[]; object: number[]; colour: number[]; damage: number[]; captions: number[][] }
  > = {
    train: { seeds: [], object: [], colour: [], damage: [], captions: [] },
    eval: { seeds: [], object: [], colour: [], damage: [], captions: [] },
  };
  for (const split of ['train', 'eval'] as const) {
    for (let i = 0; i < counts[split]; i++) {
      const spec = sceneForIndex(split, i, width, height);
      const rng = mulberry32(deriveSeed(spec.seed, 0xca9710));
      const caps = sampleCaptions(rng, spec.object, spec.colour, spec.damage, perScene).map(idOf);
      const m = sceneMeta[split];
      m.seeds.push(spec.seed);
      m.object.push(SCENE_OBJECTS.indexOf(spec.object));
      m.colour.push(SCENE_COLOURS.indexOf(spec.colour));
      m.damage.push(SCENE_DAMAGES.indexOf(spec.damage));
      m.captions.push(caps);
    }
  }
  const captionsJson = {
    mergesFile: mergesPath,
    vocabSize: tokenizer.vocabSize,
    contextLength: 77,
    attributes: { object: SCENE_OBJECTS, colour: SCENE_COLOURS, damage: SCENE_DAMAGES },
    captions: table.map((c) => ({ ...c, ids: tokenizer.tokenize(c.text) })),
    evalPrompts: Object.fromEntries(
      Object.entries(EVAL_PROMPTS).map(([k, list]) => [
        k,
        list.map((text) => ({ text, ids: tokenizer.tokenize(text) })),
      ]),
    ),
  };
  writeFileSync(join(outDir, 'captions.json'), JSON.stringify(captionsJson));
  for (const split of ['train', 'eval'] as const) {
    writeFileSync(
      join(outDir, `${split}.json`),
      JSON.stringify({
        split,
        seedBase: SPLIT_SEED_BASE[split],
        width,
        height,
        variety: variety && split === 'train',
        ...sceneMeta[split],
      }),
    );
  }
  console.log(`captions: ${table.length} unique, vocab ${tokenizer.vocabSize}`);
  if ('captions-only' in args) return;

  // images
  const rerenderObjects = (args['rerender-objects'] ?? '').split(',').filter(Boolean);
  const rerenderDamages = (args['rerender-damages'] ?? '').split(',').filter(Boolean);
  const partial = rerenderObjects.length > 0 || rerenderDamages.length > 0;
  const jobs: Job[] = [];
  for (const split of ['train', 'eval'] as const) {
    for (let i = 0; i < counts[split]; i++) {
      if (partial) {
        const spec = sceneForIndex(split, i);
        if (!rerenderObjects.includes(spec.object) && !rerenderDamages.includes(spec.damage)) continue;
      }
      jobs.push({ split, index: i });
    }
  }
  const buffers: Record<Split, Uint8Array> = {
    train: partial ? readImages(join(outDir, 'train.bin'), counts.train) : new Uint8Array(counts.train * POOLED_BYTES),
    eval: partial ? readImages(join(outDir, 'eval.bin'), counts.eval) : new Uint8Array(counts.eval * POOLED_BYTES),
  };
  if (partial)
    console.log(
      `re-rendering ${jobs.length} scenes (objects ${rerenderObjects.join(',') || '-'}, damages ${rerenderDamages.join(',') || '-'})`,
    );
  const t0 = Date.now();
  let done = 0;
  let lastLog = 0;
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = jobs.filter((_, j) => j % workers === w);
      return new Promise<void>((resolveWorker, reject) => {
        const worker = new Worker(__filename, {
          workerData: { jobs: mine, width, height, variety } satisfies WorkerInput,
        });
        worker.on('message', (msg: WorkerBatch) => {
          msg.jobs.forEach((job, i) => {
            buffers[job.split].set(
              msg.data.subarray(i * POOLED_BYTES, (i + 1) * POOLED_BYTES),
              job.index * POOLED_BYTES,
            );
          });
          done += msg.jobs.length;
          if (Date.now() - lastLog > 15000) {
            lastLog = Date.now();
            const rate = done / ((Date.now() - t0) / 1000);
            console.log(
              `${done}/${jobs.length} scenes, ${rate.toFixed(1)}/s, eta ${((jobs.length - done) / rate).toFixed(0)} s`,
            );
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolveWorker() : reject(new Error(`worker exited with ${code}`))));
      });
    }),
  );
  for (const split of ['train', 'eval'] as const) {
    const header = {
      format: 'fixture-scenes-v1',
      split,
      count: counts[split],
      shape: [3, POOLED_SIZE, POOLED_SIZE],
      dtype: 'uint8',
      pool: POOL,
      encoding: 'round(255 * (avgpool4x4(clip_tensor) * std + mean)); normalise with (u/255 - mean)/std',
      mean: OPENAI_CLIP_IMAGE_CONFIG.mean,
      std: OPENAI_CLIP_IMAGE_CONFIG.std,
      render: { width, height, format: 'jpeg' },
    };
    writeFileSync(join(outDir, `${split}.bin`), encodeBin(header, buffers[split]));
  }
  console.log(
    `wrote ${jobs.length} scenes to ${outDir} in ${((Date.now() - t0) / 1000).toFixed(0)} s with ${workers} workers`,
  );
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  workerMain(workerData as WorkerInput).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
