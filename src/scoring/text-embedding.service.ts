import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LruCache } from './lru-cache';
import type { ClipModel } from './model/clip-model';
import { ensembleEmbedding } from './scoring-math';
import { TextEmbeddingRepository } from './text-embedding.repository';

export const TEXT_CACHE_CAPACITY = 4096;

export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface TextEmbeddingStats {
  memoryHits: number;
  databaseHits: number;
  computed: number;
}

/**
 * Prompt embeddings, cached twice: an in-process LRU (keyed by model hash + sha256(text)) in front of
 * the text_embeddings table (shared by every worker), in front of the text encoder. A new model hash
 * never sees another model's embeddings.
 */
@Injectable()
export class TextEmbeddingService {
  private readonly memory = new LruCache<string, Float32Array>(TEXT_CACHE_CAPACITY);
  readonly stats: TextEmbeddingStats = { memoryHits: 0, databaseHits: 0, computed: 0 };

  constructor(private readonly repository: TextEmbeddingRepository) {}

  /** Normalised embeddings of `texts`, in order. */
  async embed(model: ClipModel, texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map(textSha256);
    const result = new Map<string, Float32Array>();
    for (const key of keys) {
      const hit = this.memory.get(`${model.hash}:${key}`);
      if (hit) {
        result.set(key, hit);
        this.stats.memoryHits += 1;
      }
    }
    const missing = [...new Set(keys.filter((key) => !result.has(key)))];
    if (missing.length > 0) {
      const stored = await this.repository.find(model.hash, missing);
      for (const [key, embedding] of stored) {
        if (embedding.length !== model.embeddingSize) continue;
        result.set(key, embedding);
        this.memory.set(`${model.hash}:${key}`, embedding);
        this.stats.databaseHits += 1;
      }
    }
    const toCompute: Array<{ key: string; text: string }> = [];
    texts.forEach((text, index) => {
      const key = keys[index];
      if (!result.has(key) && !toCompute.some((item) => item.key === key)) toCompute.push({ key, text });
    });
    if (toCompute.length > 0) {
      const embeddings = await model.embedTexts(toCompute.map((item) => item.text));
      this.stats.computed += toCompute.length;
      toCompute.forEach((item, index) => {
        result.set(item.key, embeddings[index]);
        this.memory.set(`${model.hash}:${item.key}`, embeddings[index]);
      });
      await this.repository.save(
        model.hash,
        toCompute.map((item, index) => ({ textSha256: item.key, text: item.text, embedding: embeddings[index] })),
      );
    }
    return keys.map((key) => result.get(key)!);
  }

  /** One embedding per label: the normalised mean of its prompts' normalised embeddings. */
  async embedEnsembles(
    model: ClipModel,
    labels: Array<{ label: string; prompts: string[] }>,
  ): Promise<Array<{ label: string; embedding: Float32Array }>> {
    const all = await this.embed(
      model,
      labels.flatMap((label) => label.prompts),
    );
    let offset = 0;
    return labels.map(({ label, prompts }) => {
      const embeddings = all.slice(offset, offset + prompts.length);
      offset += prompts.length;
      return { label, embedding: ensembleEmbedding(embeddings) };
    });
  }

  clearMemory(): void {
    this.memory.clear();
  }
}
