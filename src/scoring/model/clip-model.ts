import * as path from 'node:path';
import { preprocessInto, type ClipImageConfig } from '../preprocess/clip-preprocess';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { loadVerifiedManifest, modelHash, type ModelManifest } from './model-manifest';
import type { SessionOptions } from './onnx-session';
import { SessionThread } from './session-thread';

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
 * A loaded CLIP model: verified files, tokenizer, preprocessing and the two ONNX encoders, which run
 * in the model's own inference thread (./session-thread.ts) so that the caller's event loop stays free.
 * Embeddings come back L2-normalised.
 */
export class ClipModel {
  private constructor(
    readonly folder: string,
    readonly manifest: ModelManifest,
    readonly hash: string,
    readonly tokenizer: ClipTokenizer,
    private readonly thread: SessionThread,
    readonly provider: string,
    readonly skippedProviders: Array<{ provider: string; reason: string }>,
  ) {}

  static async load(folder: string, options: SessionOptions): Promise<ClipModel> {
    const manifest = await loadVerifiedManifest(folder);
    const tokenizer = ClipTokenizer.fromMergesFile(path.join(folder, manifest.files.merges.path), {
      mergeCount: manifest.tokenizer.mergeCount,
      contextLength: manifest.contextLength,
    });
    const thread = new SessionThread();
    try {
      await thread.open('text', path.join(folder, manifest.files.text.path), options);
      const vision = await thread.open('vision', path.join(folder, manifest.files.vision.path), options);
      return new ClipModel(folder, manifest, modelHash(manifest), tokenizer, thread, vision.provider, vision.skipped);
    } catch (error) {
      await thread.close().catch(() => undefined);
      throw error;
    }
  }

  /** False once the inference thread has died (or the model was released): load the model again. */
  get alive(): boolean {
    return this.thread.alive;
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
    const output = await this.thread.run(
      'text',
      { name: this.manifest.inputs.text, type: 'int64', data: ids, dims: [texts.length, this.manifest.contextLength] },
      this.manifest.outputs.text,
    );
    return this.splitRows(output.data, texts.length);
  }

  /**
   * Embeds an already preprocessed batch `[count, 3, size, size]`. With `transfer`, `pixels` is handed
   * to the inference thread rather than copied, and is detached (unusable) afterwards.
   */
  async embedPixelBatch(
    pixels: Float32Array,
    count: number,
    options: { transfer?: boolean } = {},
  ): Promise<Float32Array[]> {
    if (count === 0) return [];
    const size = this.manifest.image.size;
    const output = await this.thread.run(
      'vision',
      { name: this.manifest.inputs.image, type: 'float32', data: pixels, dims: [count, 3, size, size] },
      this.manifest.outputs.image,
      options,
    );
    return this.splitRows(output.data, count);
  }

  /** Decodes, preprocesses and embeds encoded images (JPEG, PNG, WebP, ...). */
  async embedImages(images: Buffer[], options: { autoOrient?: boolean } = {}): Promise<Float32Array[]> {
    const size = this.manifest.image.size;
    const pixels = new Float32Array(images.length * 3 * size * size);
    await Promise.all(
      images.map((image, index) => preprocessInto(image, this.imageConfig, pixels, index * 3 * size * size, options)),
    );
    return this.embedPixelBatch(pixels, images.length, { transfer: true });
  }

  async release(): Promise<void> {
    await this.thread.close();
  }

  private splitRows(data: Float32Array, count: number): Float32Array[] {
    const width = data.length / count;
    if (width !== this.manifest.embeddingSize)
      throw new Error(
        `model ${this.manifest.name} returned embeddings of ${width}, the manifest says ${this.manifest.embeddingSize}`,
      );
    return Array.from({ length: count }, (_, row) => l2Normalise(data.slice(row * width, (row + 1) * width)));
  }
}
