import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { randomSceneSpec, renderScene } from '../tools/scenes/scene-renderer';
import { ModelRegistry } from '../src/scoring/model-registry.service';
import { ScoringService } from '../src/scoring/scoring.service';
import { TextEmbeddingService, textSha256 } from '../src/scoring/text-embedding.service';
import { testModelFolder } from '../src/scoring/test-model';
import { tokenFor } from './support/auth-helpers';
import { startProcess, waitFor } from './support/processes';
import { createTestDatabase } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';

/** A copy of the test model with one byte of the vision encoder flipped (the manifest unchanged). */
function corruptModelCopy(): { modelsDir: string; name: string } {
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corrupt-models-'));
  const target = path.join(modelsDir, 'broken');
  fs.cpSync(testModelFolder(), target, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(target, 'manifest.json'), 'utf8')) as {
    files: { vision: { path: string } };
  };
  const vision = path.join(target, manifest.files.vision.path);
  const bytes = fs.readFileSync(vision);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  fs.writeFileSync(vision, bytes);
  return { modelsDir, name: 'broken' };
}

function modelEnv(): Record<string, string> {
  const folder = testModelFolder();
  return {
    MODELS_DIR: path.dirname(folder),
    CLIP_MODEL: path.basename(folder),
    CLIP_BATCH_SIZE: '4',
    CLIP_BATCH_WAIT_MS: '5',
  };
}

describe('scoring engine in the real app (real PostgreSQL, Redis, onnxruntime)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ processJobs: true, label: 'scoring', env: modelEnv() });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('preloads the model at start and /health/ready reports it with its provider', async () => {
    const body = await waitFor(
      async () => {
        const response = await request(testApp.app.getHttpServer()).get('/health/ready');
        const checks = response.body as { checks: Record<string, { ok: boolean; detail?: string }> };
        // `verified` (files hash-checked, e.g. for the calibration's model hash) is ok too; wait for the preload.
        return checks.checks?.model?.ok && / on \w+$/.test(checks.checks.model.detail ?? '') ? checks : undefined;
      },
      30_000,
      'the model to load',
    );
    expect(body.checks.model.detail).toMatch(/ on cpu$/);
  });

  it('routes concurrent photos to their callers; the same photo gets the same embedding in any batch', async () => {
    const scoring = testApp.app.get(ScoringService);
    const photos = await Promise.all([21, 22, 23].map((seed) => renderScene(randomSceneSpec(seed))));
    const first = await Promise.all([0, 1, 2, 0, 1, 2, 2].map((index) => scoring.embedPhoto(photos[index])));
    const alone = await scoring.embedPhoto(photos[2]);
    for (const [position, index] of [0, 1, 2, 0, 1, 2, 2].entries()) {
      const reference = first[[0, 1, 2].indexOf(index)];
      first[position].forEach((value, i) => expect(Math.abs(value - reference[i])).toBeLessThanOrEqual(1e-5));
    }
    alone.forEach((value, i) => expect(Math.abs(value - first[2][i])).toBeLessThanOrEqual(1e-5));
    // Different photos, different embeddings: the results were not mixed up.
    expect(Math.abs(first[0][0] - first[1][0]) + Math.abs(first[0][1] - first[1][1])).toBeGreaterThan(0);
  });

  it('caches prompt embeddings in memory and in text_embeddings keyed by model hash + sha256(text)', async () => {
    const texts = testApp.app.get(TextEmbeddingService);
    const registry = testApp.app.get(ModelRegistry);
    const model = await registry.get();
    const prompt = 'a photo of a red sedan with hail damage';
    const before = { ...texts.stats };
    const [computed] = await texts.embed(model, [prompt]);
    const [fromMemory] = await texts.embed(model, [prompt]);
    expect(texts.stats.computed - before.computed).toBe(1);
    expect(texts.stats.memoryHits - before.memoryHits).toBe(1);
    expect(Array.from(fromMemory)).toEqual(Array.from(computed));
    const rows = (await testApp.database.dataSource.query(
      'SELECT model_hash, text FROM text_embeddings WHERE text_sha256 = $1',
      [textSha256(prompt)],
    )) as Array<{ model_hash: string; text: string }>;
    expect(rows).toEqual([{ model_hash: model.hash, text: prompt }]);
    texts.clearMemory();
    const [fromDatabase] = await texts.embed(model, [prompt]);
    expect(texts.stats.databaseHits - before.databaseHits).toBe(1);
    fromDatabase.forEach((value, i) => expect(value).toBeCloseTo(computed[i], 6));
  });

  it('scores a photo against prompt ensembles: probabilities sum to 1 with the manifest logit scale', async () => {
    const scoring = testApp.app.get(ScoringService);
    const photo = await renderScene(randomSceneSpec(31));
    const result = await scoring.scorePhoto(photo, [
      { label: 'fire', prompts: ['a photo of a vehicle on fire', 'a burning building'] },
      { label: 'flood', prompts: ['a photo of a flooded street'] },
      { label: 'none', prompts: ['a photo of an undamaged car'] },
    ]);
    expect(result.scores.map((s) => s.label)).toEqual(['fire', 'flood', 'none']);
    expect(result.scores.reduce((sum, s) => sum + s.probability, 0)).toBeCloseTo(1, 9);
    expect(result.provider).toBe('cpu');
  });

  it('GET /v1/scoring/backfill shows the model and the backfill state to admins', async () => {
    const admin = await tokenFor(testApp, 'admin');
    const response = await request(testApp.app.getHttpServer())
      .get('/v1/scoring/backfill')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const model = await testApp.app.get(ModelRegistry).get();
    expect(response.body).toMatchObject({
      model: { state: 'loaded', hash: model.hash, provider: 'cpu' },
      stalePhotos: 0,
      jobs: [],
    });
    const adjuster = await tokenFor(testApp, 'adjuster');
    await request(testApp.app.getHttpServer())
      .get('/v1/scoring/backfill')
      .set('Authorization', `Bearer ${adjuster}`)
      .expect(403);
  });
});

describe('a corrupt or wrongly hashed model', () => {
  it('keeps the API (with its in-process worker) up and /health/ready reports the model not ready, naming the file', async () => {
    const { modelsDir, name } = corruptModelCopy();
    const testApp = await startTestApp({
      processJobs: true,
      label: 'scoring-corrupt',
      env: { MODELS_DIR: modelsDir, CLIP_MODEL: name },
    });
    try {
      const body = await waitFor(
        async () => {
          const response = await request(testApp.app.getHttpServer()).get('/health/ready');
          const parsed = response.body as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
          return response.status === 503 && parsed.checks.model?.detail?.includes('sha256') ? parsed : undefined;
        },
        30_000,
        'readiness to report the corrupt model',
      );
      expect(body.status).toBe('not_ready');
      expect(body.checks.model.detail).toMatch(
        /vision file vision\.onnx has sha256 .* the file is corrupt or was replaced/,
      );
      await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await testApp.close();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });

  it('stops a worker process at start with one clear line (needs `npm run build`)', async () => {
    const { modelsDir, name } = corruptModelCopy();
    const database = await createTestDatabase('scoring-worker');
    try {
      const worker = startProcess('dist/src/worker.js', [], {
        DATABASE_URL: database.url,
        REDIS_URL: process.env.REDIS_URL,
        QUEUE_PREFIX: `worker-corrupt-${process.pid}`,
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'worker-corrupt-')),
        MODELS_DIR: modelsDir,
        CLIP_MODEL: name,
        LOG_LEVEL: 'silent',
      });
      const exit = await worker.exited;
      expect(exit.code).toBe(1);
      const lines = worker.output().trim().split('\n');
      expect(lines[lines.length - 1]).toMatch(
        /^error: CLIP model broken cannot be loaded: model at .*broken: vision file vision\.onnx has sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…: the file is corrupt or was replaced$/,
      );
    } finally {
      await database.drop();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
