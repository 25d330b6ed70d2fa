import { preprocessToCrop, writeCropTensor, type ClipCrop, type ClipImageConfig } from './preprocess/clip-preprocess';
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
 * Embeds encoded photos through a MicroBatcher: each photo is decoded, resized and cropped as soon as
 * it is submitted, then written as floats into the batch tensor of whatever batch it joins. The same
 * photo always becomes the same tensor, so its embedding does not depend on which other photos share
 * its batch. Waiting photos are held as their uint8 crop (150 KB at 224 px, not a 600 KB float tensor):
 * fewer large allocations, less garbage collection on the thread that also prepares the next photos.
 */
export class ImageEmbedder {
  private readonly batcher: MicroBatcher<Buffer, ClipCrop, Float32Array>;
  private readonly pixelsPerImage: number;

  constructor(
    private readonly model: PixelEmbeddingModel,
    options: ImageEmbedderOptions,
  ) {
    const config: ClipImageConfig = model.imageConfig;
    this.pixelsPerImage = 3 * config.imageSize * config.imageSize;
    this.batcher = new MicroBatcher<Buffer, ClipCrop, Float32Array>({
      batchSize: options.batchSize,
      batchWaitMs: options.batchWaitMs,
      onBatch: options.onBatch,
      prepare: (image) => preprocessToCrop(image, config, { autoOrient: options.autoOrient ?? true }),
      run: async (batch) => {
        const tensor = new Float32Array(batch.length * this.pixelsPerImage);
        batch.forEach((crop, index) => writeCropTensor(crop, config, tensor, index * this.pixelsPerImage));
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
