import { preprocessInto, type ClipImageConfig } from './preprocess/clip-preprocess';
import { MicroBatcher } from './micro-batcher';
import type { ClipModel } from './model/clip-model';

export interface ImageEmbedderOptions {
  batchSize: number;
  batchWaitMs: number;
  /** Apply EXIF orientation (production: yes; the PIL references: no). */
  autoOrient?: boolean;
  onBatch?(size: number, milliseconds: number): void;
}

/** The part of ClipModel the embedder needs (tests may pass a stand-in for routing checks). */
export type PixelEmbeddingModel = Pick<ClipModel, 'embedPixelBatch' | 'imageConfig'>;

/**
 * Embeds encoded photos through a MicroBatcher: each photo is decoded and preprocessed into its own
 * tensor as soon as it is submitted, then copied into the batch tensor of whatever batch it joins.
 * A photo's embedding therefore does not depend on which other photos share its batch.
 */
export class ImageEmbedder {
  private readonly batcher: MicroBatcher<Buffer, Float32Array, Float32Array>;
  private readonly pixelsPerImage: number;

  constructor(
    private readonly model: PixelEmbeddingModel,
    options: ImageEmbedderOptions,
  ) {
    const config: ClipImageConfig = model.imageConfig;
    this.pixelsPerImage = 3 * config.imageSize * config.imageSize;
    this.batcher = new MicroBatcher<Buffer, Float32Array, Float32Array>({
      batchSize: options.batchSize,
      batchWaitMs: options.batchWaitMs,
      onBatch: options.onBatch,
      prepare: async (image) => {
        const pixels = new Float32Array(this.pixelsPerImage);
        await preprocessInto(image, config, pixels, 0, { autoOrient: options.autoOrient ?? true });
        return pixels;
      },
      run: async (batch) => {
        const tensor = new Float32Array(batch.length * this.pixelsPerImage);
        batch.forEach((pixels, index) => tensor.set(pixels, index * this.pixelsPerImage));
        return this.model.embedPixelBatch(tensor, batch.length, { transfer: true });
      },
    });
  }

  /** The L2-normalised embedding of one encoded image (JPEG, PNG, WebP, ...). */
  embed(image: Buffer): Promise<Float32Array> {
    return this.batcher.submit(image);
  }

  get pending(): number {
    return this.batcher.pending;
  }

  close(): Promise<void> {
    return this.batcher.close();
  }
}
