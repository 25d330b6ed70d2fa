import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ImageEmbedder } from './image-embedder';
import type { ClipModel } from './model/clip-model';
import { ModelRegistry } from './model-registry.service';
import { scoreLabels, type LabelScore } from './scoring-math';
import { ScoringMetrics } from './scoring-metrics';
import { TextEmbeddingService } from './text-embedding.service';

export interface LabelPrompts {
  label: string;
  /** One or more phrasings; their normalised embeddings are averaged (a prompt ensemble). */
  prompts: string[];
}

export interface PhotoScores {
  modelName: string;
  modelHash: string;
  provider: string;
  embedding: Float32Array;
  scores: LabelScore[];
}

/**
 * What the rest of the service calls: embed photos (micro-batched across every concurrent caller
 * of this process) and score them against prompt ensembles with the model's logit scale.
 */
@Injectable()
export class ScoringService {
  private embedder: { model: ClipModel; embedder: ImageEmbedder } | undefined;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly texts: TextEmbeddingService,
    private readonly metrics: ScoringMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  model(): Promise<ClipModel> {
    return this.registry.get();
  }

  /** The normalised embedding of one encoded photo; concurrent calls share inference batches. */
  async embedPhoto(image: Buffer): Promise<Float32Array> {
    const model = await this.registry.get();
    if (this.embedder?.model !== model) {
      this.embedder = {
        model,
        embedder: new ImageEmbedder(model, {
          batchSize: this.config.clip.batchSize,
          batchWaitMs: this.config.clip.batchWaitMs,
          onBatch: (size, ms) => {
            this.metrics.batchSize.observe(size);
            this.metrics.batchDuration.observe(ms / 1000);
          },
        }),
      };
    }
    return this.embedder.embedder.embed(image);
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    return this.texts.embed(await this.registry.get(), texts);
  }

  async labelEmbeddings(labels: LabelPrompts[]): Promise<Array<{ label: string; embedding: Float32Array }>> {
    return this.texts.embedEnsembles(await this.registry.get(), labels);
  }

  /** Cosine and softmax probability of each label for a photo. */
  async scorePhoto(image: Buffer, labels: LabelPrompts[]): Promise<PhotoScores> {
    const model = await this.registry.get();
    const [embedding, labelEmbeddings] = await Promise.all([
      this.embedPhoto(image),
      this.texts.embedEnsembles(model, labels),
    ]);
    return {
      modelName: model.manifest.name,
      modelHash: model.hash,
      provider: model.provider,
      embedding,
      scores: scoreLabels(embedding, labelEmbeddings, model.manifest.logitScale),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedder?.embedder.close();
  }
}
