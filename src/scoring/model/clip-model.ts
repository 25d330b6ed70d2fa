import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { preprocessInto, type ClipImageConfig } from '../preprocess/clip-preprocess';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { loadVerifiedManifest, modelHash, type ModelManifest } from './model-manifest';
import { openSession, type SessionOptions } from './onnx-session';

/** Scales a vector to unit length in place; CLIP compares embeddings by cosine. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (let index = 0; index < vector.length; index += 1) vector[index] /= norm;
  return vector;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index += 1) dot += a[index] * b[index];
  return dot;
}

/** Softmax over logit-scaled cosines, as CLIP's zero-shot classification does. */
export function zeroShotProbabilities(cosines: number[], logitScale: number): number[] {
  const logits = cosines.map((value) => value * logitScale);
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/**
 * A loaded CLIP model: verified files, tokenizer, preprocessing and the two ONNX encoders.
 * Embeddings come back L2-normalised.
 */
export class ClipModel {
  private constructor(
    readonly folder: string,
    readonly manifest: ModelManifest,
    readonly hash: string,
    readonly tokenizer: ClipTokenizer,
    private readonly textSession: ort.InferenceSession,
    private readonly visionSession: ort.InferenceSession,
    readonly provider: string,
    readonly skippedProviders: Array<{ provider: string; reason: string }>,
  ) {}

  static async load(folder: string, options: SessionOptions): Promise<ClipModel> {
    const manifest = await loadVerifiedManifest(folder);
    const tokenizer = ClipTokenizer.fromMergesFile(path.join(folder, manifest.files.merges.path), {
      mergeCount: manifest.tokenizer.mergeCount,
      contextLength: manifest.contextLength,
    });
    const text = await openSession(path.join(folder, manifest.files.text.path), options);
    const vision = await openSession(path.join(folder, manifest.files.vision.path), options);
    return new ClipModel(folder, manifest, modelHash(manifest), tokenizer, text.session, vision.session, vision.provider, vision.skipped);
  }

  get imageConfig(): ClipImageConfig {
    return { imageSize: this.manifest.image.size, mean: this.manifest.image.mean, std: this.manifest.image.std };
  }

  get embeddingSize(): number {
    return this.manifest.embeddingSize;
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const ids = this.tokenizer.tokenizeBatch(texts);
    const input = new ort.Tensor('int64', ids, [texts.length, this.manifest.contextLength]);
    const output = await this.textSession.run({ [this.manifest.inputs.text]: input });
    return this.splitRows(output[this.manifest.outputs.text], texts.length);
  }

  /** Embeds an already preprocessed batch `[count, 3, size, size]`. */
  async embedPixelBatch(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    if (count === 0) return [];
    const size = this.manifest.image.size;
    const input = new ort.Tensor('float32', pixels, [count, 3, size, size]);
    const output = await this.visionSession.run({ [this.manifest.inputs.image]: input });
    return this.splitRows(output[this.manifest.outputs.image], count);
  }

  /** Decodes, preprocesses and embeds encoded images (JPEG, PNG, WebP, ...). */
  async embedImages(images: Buffer[], options: { autoOrient?: boolean } = {}): Promise<Float32Array[]> {
    const size = this.manifest.image.size;
    const pixels = new Float32Array(images.length * 3 * size * size);
    await Promise.all(images.map((image, index) => preprocessInto(image, this.imageConfig, pixels, index * 3 * size * size, options)));
    return this.embedPixelBatch(pixels, images.length);
  }

  async release(): Promise<void> {
    await Promise.all([this.textSession.release(), this.visionSession.release()]);
  }

  private splitRows(tensor: ort.Tensor | undefined, count: number): Float32Array[] {
    if (!tensor) throw new Error(`model ${this.manifest.name} returned no output`);
    const data = tensor.data as Float32Array;
    const width = data.length / count;
    if (width !== this.manifest.embeddingSize) throw new Error(`model ${this.manifest.name} returned embeddings of ${width}, the manifest says ${this.manifest.embeddingSize}`);
    return Array.from({ length: count }, (_, row) => l2Normalise(data.slice(row * width, (row + 1) * width)));
  }
}
