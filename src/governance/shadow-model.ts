import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ClipModel } from '../scoring/model/clip-model';
import { loadVerifiedManifest, modelHash } from '../scoring/model/model-manifest';
import { PromptEmbeddings } from './model-evaluation';

/**
 * The challenger model (SHADOW_MODEL), loaded in the worker on its first shadow job; its own ClipModel and
 * inference thread, so it never shares a batch or a cache entry with the champion.
 */
@Injectable()
export class ShadowModel implements OnApplicationShutdown {
  private readonly logger = new Logger('ShadowModel');
  private loading: Promise<{ model: ClipModel; prompts: PromptEmbeddings }> | undefined;
  private identifying: Promise<{ name: string; hash: string }> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.governance.shadowModel !== null;
  }

  get folder(): string | null {
    const name = this.config.governance.shadowModel;
    if (name === null) return null;
    return path.isAbsolute(name) ? name : path.join(this.config.clip.modelsDir, name);
  }

  /** Name and hash from the manifest (files hash-checked once), without loading the sessions. */
  async identity(): Promise<{ name: string; hash: string } | null> {
    const folder = this.folder;
    if (!folder) return null;
    this.identifying ??= loadVerifiedManifest(folder).then((manifest) => ({
      name: manifest.name,
      hash: modelHash(manifest),
    }));
    this.identifying.catch(() => (this.identifying = undefined));
    return this.identifying;
  }

  async get(): Promise<{ model: ClipModel; prompts: PromptEmbeddings }> {
    const folder = this.folder;
    if (!folder) throw new Error('no shadow model configured (SHADOW_MODEL)');
    if (this.loading) {
      const loaded = await this.loading.catch(() => undefined);
      if (loaded?.model.alive) return loaded;
    }
    this.loading = ClipModel.load(folder, {
      executionProviders: this.config.clip.executionProviders,
      intraOpThreads: this.config.clip.intraOpThreads,
      intraOpSpinning: this.config.clip.intraOpSpinning,
    }).then((model) => {
      this.logger.log(`shadow model ${model.manifest.name} (${model.hash.slice(0, 12)}) loaded on ${model.provider}`);
      return { model, prompts: new PromptEmbeddings(model) };
    });
    return this.loading;
  }

  async onApplicationShutdown(): Promise<void> {
    const loaded = await this.loading?.catch(() => undefined);
    await loaded?.model.release().catch(() => undefined);
  }
}
