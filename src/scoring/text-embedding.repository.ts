import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { TextEmbedding } from './scoring-run.entity';

/** The text_embeddings table: prompt embeddings keyed by model hash + sha256 of the exact text. */
@Injectable()
export class TextEmbeddingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(modelHash: string, textSha256s: string[]): Promise<Map<string, Float32Array>> {
    if (textSha256s.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(TextEmbedding)
      .find({ where: { modelHash, textSha256: In(textSha256s) } });
    return new Map(rows.map((row) => [row.textSha256, Float32Array.from(row.embedding.map(Number))]));
  }

  /** Concurrent workers may embed the same prompt: the first row wins, the rest are identical anyway. */
  async save(
    modelHash: string,
    rows: Array<{ textSha256: string; text: string; embedding: Float32Array }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TextEmbedding)
      .values(
        rows.map((row) => ({
          modelHash,
          textSha256: row.textSha256,
          text: row.text,
          embedding: Array.from(row.embedding),
        })),
      )
      .orIgnore()
      .execute();
  }
}
