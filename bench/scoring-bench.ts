/**
 * CLIP scoring throughput: images/s and ms per batch for batch sizes 1, 8 and 32,
 *   (a) inference only (preprocessed tensors straight into the vision session), and
 *   (b) the whole path: sealed blob in the file blob store -> unwrap data key -> AES-256-GCM decrypt ->
 *       decode + bit-exact preprocess -> micro-batched inference -> normalised embedding stored
 *       (in PostgreSQL when DATABASE_URL is set; otherwise storing is skipped, and the output says so),
 * for every model folder given, plus int8-vs-fp32 cosine agreement and throughput ratios in one run.
 *
 *   npm run bench:scoring                                    # fixture, fixture-int8, vit-b32-random(-int8) where present
 *   npm run bench:scoring -- --models vit-b32-random,vit-b32-random-int8 --batches 1,8,32 --images 128 --rounds 3
 *
 *   npm run bench:scoring -- --models vit-b32-random,vit-b32-random-int8 --torch   # plus PyTorch CPU on the same architecture
 *
 * Env: CLIP_EXECUTION_PROVIDERS (cpu), CLIP_INTRA_OP_THREADS (0 = onnxruntime decides), CLIP_INTRA_OP_SPINNING (true),
 * CLIP_BATCH_WAIT_MS (10, the whole path's micro-batcher wait, as in the service). Prints numbers, asserts nothing.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execSync } from 'node:child_process';
import { Pool } from 'pg';
import sharp from 'sharp';
import { loadConfig } from '../src/config/app-config';
import { EnvelopeCrypto } from '../src/crypto/envelope-crypto';
import { KeyRing } from '../src/crypto/key-ring';
import { FsBlobStore } from '../src/evidence/blob-store-fs';
import { photoBlobKey } from '../src/evidence/blob-store';
import { randomSceneSpec, renderScene } from '../tools/scenes/scene-renderer';
import { ImageEmbedder } from '../src/scoring/image-embedder';
import { ClipModel, cosine } from '../src/scoring/model/clip-model';
import { preprocessInto } from '../src/scoring/preprocess/clip-preprocess';

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

interface Row {
  model: string;
  mode: 'inference' | 'whole path';
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
}

async function photos(count: number): Promise<Buffer[]> {
  // Claim-photo sized JPEGs (1024x768) of the synthetic scenes: decode and resize cost like real uploads.
  return Promise.all(
    Array.from({ length: count }, async (_, index) =>
      sharp(await renderScene(randomSceneSpec(1000 + index), 'png'))
        .resize(1024, 768, { fit: 'fill' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  );
}

/** The row with the median throughput (the upper median for an even count). */
function median(rows: Row[]): Row {
  return [...rows].sort((a, b) => a.imagesPerSecond - b.imagesPerSecond)[Math.floor(rows.length / 2)];
}

async function inferenceOnly(model: ClipModel, images: Buffer[], batch: number, total: number): Promise<Row> {
  const size = model.manifest.image.size;
  const per = 3 * size * size;
  const pixels = new Float32Array(batch * per);
  for (let index = 0; index < batch; index += 1)
    await preprocessInto(images[index % images.length], model.imageConfig, pixels, index * per);
  await model.embedPixelBatch(pixels, batch); // warm-up
  const runs = Math.max(2, Math.ceil(total / batch));
  const started = performance.now();
  for (let run = 0; run < runs; run += 1) await model.embedPixelBatch(pixels, batch);
  const ms = performance.now() - started;
  return {
    model: model.manifest.name,
    mode: 'inference',
    batch,
    imagesPerSecond: (runs * batch * 1000) / ms,
    msPerBatch: ms / runs,
  };
}

interface SealedPhoto {
  claimId: string;
  photoId: string;
  key: string;
  wrappedDataKey: Buffer;
  keyVersion: number;
}

async function wholePath(
  model: ClipModel,
  sealed: SealedPhoto[],
  store: FsBlobStore,
  crypto: EnvelopeCrypto,
  db: Pool | undefined,
  batch: number,
  total: number,
  batchWaitMs: number,
): Promise<Row> {
  const embedder = new ImageEmbedder(model, { batchSize: batch, batchWaitMs });
  let batches = 0;
  /** The whole path for one photo: unwrap its key, decrypt, embed (with `scorer`), store the embedding. */
  const one = async (scorer: ImageEmbedder, photo: SealedPhoto) => {
    const dataKey = await crypto.unwrapDataKey(photo.wrappedDataKey, photo.keyVersion, photo.photoId);
    const image = crypto.decrypt(dataKey, await store.get(photo.key), {
      claimId: photo.claimId,
      photoId: photo.photoId,
      variant: 'original',
    });
    const embedding = await scorer.embed(image);
    if (db)
      await db.query('INSERT INTO bench_photo_embeddings (photo_id, model_hash, embedding) VALUES ($1, $2, $3)', [
        randomUUID(),
        model.hash,
        Array.from(embedding),
      ]);
  };
  await Promise.all(sealed.slice(0, batch).map((photo) => one(embedder, photo))); // warm-up
  const count = Math.max(batch * 2, Math.ceil(total / batch) * batch);
  const counting = new ImageEmbedder(model, { batchSize: batch, batchWaitMs, onBatch: () => (batches += 1) });
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, index) => one(counting, sealed[index % sealed.length])));
  const ms = performance.now() - started;
  await embedder.close();
  await counting.close();
  return {
    model: model.manifest.name,
    mode: 'whole path',
    batch,
    imagesPerSecond: (count * 1000) / ms,
    msPerBatch: ms / Math.max(batches, 1),
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const batchSizes = (arg('batches') ?? '1,8,32').split(',').map(Number);
  const total = Number(arg('images') ?? 128);
  const rounds = Number(arg('rounds') ?? 3);
  const requested = arg('models')?.split(',') ?? ['fixture', 'fixture-int8', 'vit-b32-random', 'vit-b32-random-int8'];
  const folders = requested
    .map((name) => (path.isAbsolute(name) ? name : path.join(config.clip.modelsDir, name)))
    .filter((folder) => fs.existsSync(path.join(folder, 'manifest.json')));
  const missing = requested.filter((name) => !folders.some((folder) => path.basename(folder) === path.basename(name)));
  if (missing.length > 0)
    console.log(
      `skipped (no folder): ${missing.join(', ')} — make them with models/tools/make_vit_b32_random.py and models/tools/quantize_int8.py`,
    );
  if (folders.length === 0) throw new Error('no model folder to benchmark');

  // Photo evidence exactly as stored: sealed with the service's envelope encryption in the file blob store.
  const crypto = new EnvelopeCrypto(
    new KeyRing({
      crypto: { masterKeys: `1:${randomBytes(32).toString('base64')}`, masterKeysFile: '', intakeKeyFile: '' },
    }),
  );
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoring-bench-'));
  const store = new FsBlobStore(blobDir);
  const images = await photos(16);
  const sealed: SealedPhoto[] = [];
  for (const image of images) {
    const claimId = randomUUID();
    const photoId = randomUUID();
    const { dataKey, wrappedDataKey, keyVersion } = await crypto.newDataKey();
    const key = photoBlobKey(claimId, photoId, 'original');
    await store.put(key, crypto.encrypt(dataKey, image, { claimId, photoId, variant: 'original' }));
    sealed.push({ claimId, photoId, key, wrappedDataKey, keyVersion });
  }

  let db: Pool | undefined;
  if (process.env.DATABASE_URL) {
    db = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    await db.query(
      'CREATE TABLE IF NOT EXISTS bench_photo_embeddings (photo_id uuid PRIMARY KEY, model_hash text NOT NULL, embedding real[] NOT NULL)',
    );
    await db.query('TRUNCATE bench_photo_embeddings');
  }

  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  console.log(
    `scoring bench ${new Date().toISOString()} | ${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'} | node ${process.version} | commit ${commit}`,
  );
  console.log(
    `providers ${config.clip.executionProviders.join(',')} | intra-op threads ${config.clip.intraOpThreads || 'auto'}, spinning ${config.clip.intraOpSpinning ? 'on' : 'off'} | ${total} images per measurement, median of ${rounds} alternating rounds | whole path batch wait ${config.clip.batchWaitMs} ms (CLIP_BATCH_WAIT_MS) | photos 1024x768 JPEG`,
  );
  console.log(
    db
      ? 'whole path stores each embedding in PostgreSQL (DATABASE_URL, table bench_photo_embeddings, dropped after)'
      : 'whole path: DATABASE_URL unset, storing the embedding is SKIPPED (decrypt -> preprocess -> infer only)',
  );

  const rows: Row[] = [];
  const embeddings = new Map<string, Float32Array[]>();
  for (const folder of folders) {
    const model = await ClipModel.load(folder, {
      executionProviders: config.clip.executionProviders,
      intraOpThreads: config.clip.intraOpThreads,
      intraOpSpinning: config.clip.intraOpSpinning,
    });
    console.log(
      `\n${model.manifest.name}: provider ${model.provider}, vision ${(fs.statSync(path.join(folder, model.manifest.files.vision.path)).size / 1e6).toFixed(1)} MB`,
    );
    embeddings.set(model.manifest.name, await model.embedImages(images.slice(0, 8)));
    for (const batch of batchSizes) {
      // Alternate the two measurements, `rounds` times each, and keep each one's median: load that
      // drifts during the run (this is a shared 2-core machine) then hits both sides alike.
      const inference: Row[] = [];
      const whole: Row[] = [];
      for (let round = 0; round < rounds; round += 1) {
        inference.push(await inferenceOnly(model, images, batch, total));
        whole.push(await wholePath(model, sealed, store, crypto, db, batch, total, config.clip.batchWaitMs));
      }
      for (const row of [median(inference), median(whole)]) {
        rows.push(row);
        const spread = (row.mode === 'inference' ? inference : whole)
          .map((r) => r.imagesPerSecond.toFixed(1))
          .join(' / ');
        console.log(
          `  ${row.mode.padEnd(10)} batch ${String(batch).padStart(2)}: ${row.imagesPerSecond.toFixed(1).padStart(7)} images/s ${row.msPerBatch.toFixed(1).padStart(8)} ms/batch  (rounds: ${spread})`,
        );
      }
    }
    await model.release();
  }

  console.log(
    '\n| model | batch | inference images/s | inference ms/batch | whole path images/s | whole path ms/batch | path / inference |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const name of new Set(rows.map((row) => row.model))) {
    for (const batch of batchSizes) {
      const inference = rows.find((row) => row.model === name && row.batch === batch && row.mode === 'inference')!;
      const whole = rows.find((row) => row.model === name && row.batch === batch && row.mode === 'whole path')!;
      console.log(
        `| ${name} | ${batch} | ${inference.imagesPerSecond.toFixed(1)} | ${inference.msPerBatch.toFixed(1)} | ${whole.imagesPerSecond.toFixed(1)} | ${whole.msPerBatch.toFixed(1)} | ${(whole.imagesPerSecond / inference.imagesPerSecond).toFixed(2)} |`,
      );
    }
  }
  const pairs = [...embeddings.keys()].filter((name) => embeddings.has(`${name}-int8`));
  if (pairs.length > 0) {
    console.log(
      '\n| model | int8 vs fp32 cosine (min / mean, 8 photos) | batch | int8 / fp32 inference | int8 / fp32 whole path |',
    );
    console.log('|---|---|---:|---:|---:|');
    for (const name of pairs) {
      const agreement = embeddings
        .get(name)!
        .map((embedding, index) => cosine(embedding, embeddings.get(`${name}-int8`)![index]));
      const summary = `${Math.min(...agreement).toFixed(5)} / ${(agreement.reduce((a, b) => a + b, 0) / agreement.length).toFixed(5)}`;
      for (const batch of batchSizes) {
        const pick = (model: string, mode: Row['mode']) =>
          rows.find((row) => row.model === model && row.batch === batch && row.mode === mode)!.imagesPerSecond;
        console.log(
          `| ${name} | ${summary} | ${batch} | ${(pick(`${name}-int8`, 'inference') / pick(name, 'inference')).toFixed(2)}x | ${(pick(`${name}-int8`, 'whole path') / pick(name, 'whole path')).toFixed(2)}x |`,
        );
      }
    }
  }
  if (process.argv.includes('--torch')) compareWithTorch(rows, batchSizes, total);
  await db?.query('DROP TABLE IF EXISTS bench_photo_embeddings');
  await db?.end();
  fs.rmSync(blobDir, { recursive: true, force: true });
}

/**
 * `--torch`: the same ViT-B/32 vision tower in PyTorch on CPU (models/tools/bench_torch_vision.py), timed
 * right after onnxruntime in the same run, so the ratio compares like with like on this host's load.
 */
function compareWithTorch(rows: Row[], batchSizes: number[], total: number): void {
  const output = execSync(
    `/usr/bin/python3 models/tools/bench_torch_vision.py --batches ${batchSizes.join(',')} --images ${total}`,
    { encoding: 'utf8' },
  );
  const torch = JSON.parse(output.trim().split('\n').pop()!) as {
    torch: string;
    blas: string;
    threads: number;
    rows: Array<{ batch: number; imagesPerSecond: number; msPerBatch: number }>;
  };
  console.log(
    `\nPyTorch ${torch.torch} CPU (${torch.blas}, ${torch.threads} threads), same ViT-B/32 vision tower, inference only:`,
  );
  console.log('| batch | PyTorch images/s | onnxruntime fp32 images/s | ratio | onnxruntime int8 images/s | ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const batch of batchSizes) {
    const baseline = torch.rows.find((row) => row.batch === batch)!.imagesPerSecond;
    const pick = (model: string) =>
      rows.find((row) => row.model === model && row.batch === batch && row.mode === 'inference')?.imagesPerSecond;
    const [fp32, int8] = [pick('vit-b32-random'), pick('vit-b32-random-int8')];
    const cell = (value: number | undefined) =>
      value === undefined ? '–' : `${value.toFixed(1)} | ${(value / baseline).toFixed(2)}x`;
    console.log(`| ${batch} | ${baseline.toFixed(1)} | ${cell(fp32)} | ${cell(int8)} |`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
