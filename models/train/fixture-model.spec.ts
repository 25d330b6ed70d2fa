/**
 * The committed fixture model (models/fixture/) is what the training scripts produce, and it works
 * along the production path: renderer -> preprocessing -> ONNX, tokenizer -> ONNX.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  SCENE_COLOURS,
  SCENE_DAMAGES,
  SCENE_OBJECTS,
  randomSceneSpec,
  renderScene,
} from '../../tools/scenes/scene-renderer';
import { OPENAI_CLIP_IMAGE_CONFIG, preprocessInto } from '../../src/scoring/preprocess/clip-preprocess';
import { ClipTokenizer } from '../../src/scoring/tokenizer/clip-tokenizer';
import { EVAL_PROMPTS, SERVICE_PROMPTS, captionCorpus, fullCaptions, partialCaptions } from './captions';
import { formatMerges, learnMerges } from './learn-merges';

const FIXTURE = join(__dirname, '..', 'fixture');

interface Manifest {
  embeddingSize: number;
  contextLength: number;
  logitScale: number;
  tokenizer: { mergesFile: string; mergeCount: number };
  inputs: { text: string; image: string };
  outputs: { text: string; image: string };
  files: Record<'text' | 'vision' | 'merges', { path: string; sha256: string; bytes: number }>;
  training: { zeroShotAccuracy: Record<'object' | 'colour' | 'damage', number> };
}

const manifest = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as Manifest;

describe('fixture captions and merges', () => {
  it('masks of every caption are true of the scene it was generated for', () => {
    for (const [oi, o] of SCENE_OBJECTS.entries()) {
      for (const [ci, c] of SCENE_COLOURS.entries()) {
        for (const [di, d] of SCENE_DAMAGES.entries()) {
          for (const cap of [...fullCaptions(o, c, d), ...partialCaptions(o, c, d)]) {
            expect((cap.objects >> oi) & (cap.colours >> ci) & (cap.damages >> di) & 1).toBe(1);
          }
        }
      }
    }
  });

  it('learn-merges reproduces the committed merges.txt', () => {
    const corpus = captionCorpus();
    const text = formatMerges(
      learnMerges(corpus),
      `fixture (byte-level BPE learned by models/train/learn-merges.ts from ${corpus.length} captions)`,
    );
    expect(text).toBe(readFileSync(join(FIXTURE, 'merges.txt'), 'utf8'));
  });

  it('service and eval prompts are one token per word', () => {
    const tokenizer = ClipTokenizer.fromMergesFile(join(FIXTURE, 'merges.txt'));
    for (const prompt of [...SERVICE_PROMPTS, ...Object.values(EVAL_PROMPTS).flat()]) {
      const words = prompt.split(/\s+|(?=-)|(?<=-)/).length;
      expect(tokenizer.bpeTokens(prompt)).toHaveLength(words);
    }
  });
});

describe('fixture model', () => {
  jest.setTimeout(60_000);

  it('manifest matches the files', () => {
    for (const entry of Object.values(manifest.files)) {
      const data = readFileSync(join(FIXTURE, entry.path));
      expect(data.length).toBe(entry.bytes);
      expect(createHash('sha256').update(data).digest('hex')).toBe(entry.sha256);
    }
    const tokenizer = ClipTokenizer.fromMergesFile(join(FIXTURE, manifest.tokenizer.mergesFile), {
      mergeCount: manifest.tokenizer.mergeCount,
    });
    expect(tokenizer.vocabSize).toBe(512 + manifest.tokenizer.mergeCount + 2);
    for (const acc of Object.values(manifest.training.zeroShotAccuracy)) expect(acc).toBeGreaterThanOrEqual(0.95);
  });

  it('classifies freshly rendered scenes zero-shot through onnxruntime', async () => {
    const text = await ort.InferenceSession.create(join(FIXTURE, manifest.files.text.path), { intraOpNumThreads: 1 });
    const vision = await ort.InferenceSession.create(join(FIXTURE, manifest.files.vision.path), {
      intraOpNumThreads: 1,
    });
    const tokenizer = ClipTokenizer.fromMergesFile(join(FIXTURE, manifest.files.merges.path));
    const dim = manifest.embeddingSize;
    const norm = (data: Float32Array, rows: number): Float32Array[] =>
      Array.from({ length: rows }, (_, r) => {
        const v = data.slice(r * dim, (r + 1) * dim);
        const n = Math.hypot(...v);
        return v.map((x) => x / n);
      });
    const prompts = {} as Record<'object' | 'colour' | 'damage', Float32Array[]>;
    for (const attr of ['object', 'colour', 'damage'] as const) {
      const list = [...EVAL_PROMPTS[attr]];
      const out = await text.run({
        [manifest.inputs.text]: new ort.Tensor('int64', tokenizer.tokenizeBatch(list), [
          list.length,
          manifest.contextLength,
        ]),
      });
      const t = out[manifest.outputs.text];
      expect(t.dims).toEqual([list.length, dim]);
      prompts[attr] = norm(t.data as Float32Array, list.length);
    }
    // one scene per object, colours and damages cycling; seeds far from every training range
    const specs = SCENE_OBJECTS.map((object, i) =>
      randomSceneSpec(9_000_000 + i, { object, colour: SCENE_COLOURS[i % 7], damage: SCENE_DAMAGES[(i * 3) % 7] }),
    );
    const size = OPENAI_CLIP_IMAGE_CONFIG.imageSize;
    const pixels = new Float32Array(specs.length * 3 * size * size);
    for (const [i, spec] of specs.entries()) {
      await preprocessInto(await renderScene(spec), OPENAI_CLIP_IMAGE_CONFIG, pixels, i * 3 * size * size);
    }
    const out = await vision.run({
      [manifest.inputs.image]: new ort.Tensor('float32', pixels, [specs.length, 3, size, size]),
    });
    expect(out[manifest.outputs.image].dims).toEqual([specs.length, dim]);
    const images = norm(out[manifest.outputs.image].data as Float32Array, specs.length);
    const argmax = (img: Float32Array, list: Float32Array[]): number => {
      const scores = list.map((p) => p.reduce((s, x, k) => s + x * img[k], 0));
      return scores.indexOf(Math.max(...scores));
    };
    let correct = 0;
    for (const [i, spec] of specs.entries()) {
      if (SCENE_OBJECTS[argmax(images[i], prompts.object)] === spec.object) correct++;
      if (SCENE_COLOURS[argmax(images[i], prompts.colour)] === spec.colour) correct++;
      if (SCENE_DAMAGES[argmax(images[i], prompts.damage)] === spec.damage) correct++;
    }
    // 27 decisions at ~98-99% each: allow one miss
    expect(correct).toBeGreaterThanOrEqual(26);
    await text.release();
    await vision.release();
  });
});
