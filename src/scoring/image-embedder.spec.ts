import * as fs from 'node:fs';
import { randomSceneSpec, renderScene } from '../../tools/scenes/scene-renderer';
import { ImageEmbedder } from './image-embedder';
import { ClipModel, cosine } from './model/clip-model';
import { testModelFolder } from './test-model';

const CPU = { executionProviders: ['cpu'], intraOpThreads: 1 };

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let index = 0; index < a.length; index += 1) max = Math.max(max, Math.abs(a[index] - b[index]));
  return max;
}

describe('ImageEmbedder on the real model (onnxruntime CPU)', () => {
  let model: ClipModel;
  let photos: Buffer[];

  beforeAll(async () => {
    model = await ClipModel.load(testModelFolder(), CPU);
    photos = await Promise.all([11, 12, 13, 14, 15].map((seed) => renderScene(randomSceneSpec(seed))));
  });

  afterAll(async () => {
    await model?.release();
  });

  it('gives the same embedding for a photo whatever batch, batch size and neighbours it runs with (within 1e-5)', async () => {
    const alone = new ImageEmbedder(model, { batchSize: 1, batchWaitMs: 0 });
    const reference: Float32Array[] = [];
    for (const photo of photos) reference.push(await alone.embed(photo));

    for (const batchSize of [2, 4, 8, 32]) {
      const embedder = new ImageEmbedder(model, { batchSize, batchWaitMs: 5 });
      // Every photo twice, in a shuffled order, so each lands in different batches with different neighbours.
      const order = [...photos.keys(), ...[...photos.keys()].reverse()];
      const results = await Promise.all(order.map((index) => embedder.embed(photos[index])));
      results.forEach((embedding, position) => {
        expect(embedding).toHaveLength(model.embeddingSize);
        expect(maxAbsDifference(embedding, reference[order[position]])).toBeLessThanOrEqual(1e-5);
      });
      await embedder.close();
    }
    // Normalised: cosine with itself is 1.
    expect(cosine(reference[0], reference[0])).toBeCloseTo(1, 5);
  });

  it('routes a decoding error to its own caller only', async () => {
    const embedder = new ImageEmbedder(model, { batchSize: 4, batchWaitMs: 5 });
    const results = await Promise.allSettled([
      embedder.embed(photos[0]),
      embedder.embed(Buffer.from('not an image')),
      embedder.embed(photos[1]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await embedder.close();
  });

  it('an int8 variant (models/<name>-int8, made by models/tools/quantize_int8.py) agrees with fp32 (cosine >= 0.99)', async () => {
    const int8Folder = `${testModelFolder()}-int8`;
    if (!fs.existsSync(`${int8Folder}/manifest.json`))
      throw new Error(`${int8Folder} is missing: npm run models:int8 -- ${testModelFolder()}`);
    const int8 = await ClipModel.load(int8Folder, CPU);
    try {
      const [fp32Images, int8Images] = [await model.embedImages(photos), await int8.embedImages(photos)];
      const texts = ['a photo of a red sedan with dents', 'a photo of a house on fire', 'a photo of a flooded garage'];
      const [fp32Texts, int8Texts] = [await model.embedTexts(texts), await int8.embedTexts(texts)];
      const agreements = [
        ...fp32Images.map((e, i) => cosine(e, int8Images[i])),
        ...fp32Texts.map((e, i) => cosine(e, int8Texts[i])),
      ];
      process.stdout.write(`int8 vs fp32 cosine: min ${Math.min(...agreements).toFixed(5)}\n`);
      for (const agreement of agreements) expect(agreement).toBeGreaterThanOrEqual(0.99);
    } finally {
      await int8.release();
    }
  });
});
