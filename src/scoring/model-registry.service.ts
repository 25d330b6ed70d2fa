import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ClipModel } from './model/clip-model';
import { loadVerifiedManifest, modelHash, type ModelManifest } from './model/model-manifest';
import { resamplerBackend } from './preprocess/pil-resample-wasm';

export type ModelState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'verified'; name: string; hash: string }
  | { state: 'loaded'; name: string; hash: string; provider: string }
  | { state: 'failed'; error: string };

export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

/** Where CLIP_MODEL points: a folder name under MODELS_DIR, or an absolute path. */
export function modelFolder(config: AppConfig['clip']): string {
  return path.isAbsolute(config.model) ? config.model : path.join(config.modelsDir, config.model);
}

/**
 * The process's one CLIP model: loaded once (every file's hash verified first), shared by every caller.
 * Workers preload it at start and stop when it is corrupt (see ScoringStartup); an API process
 * only verifies the files, so `/health/ready` can say whether the configured model is usable.
 */
@Injectable()
export class ModelRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelRegistry.name);
  private loading: Promise<ClipModel> | undefined;
  private verifying: Promise<ModelManifest> | undefined;
  private model: ClipModel | undefined;
  private status: ModelState = { state: 'idle' };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get folder(): string {
    return modelFolder(this.config.clip);
  }

  get state(): ModelState {
    return this.status;
  }

  /** The loaded model, loading it on first use (and again if its inference thread died); a failed load is remembered and rethrown. */
  async get(): Promise<ClipModel> {
    if (this.model && !this.model.alive) {
      // The inference thread died (a native crash, or it ran out of memory): load the model afresh.
      this.logger.error(
        `CLIP model ${this.model.manifest.name}: its inference thread stopped; loading the model again`,
      );
      this.model = undefined;
      this.loading = undefined;
    }
    if (this.model) return this.model;
    this.loading ??= this.load();
    return this.loading;
  }

  /** Hash-checks the files without opening sessions (API processes, health). */
  async verify(): Promise<ModelManifest> {
    this.verifying ??= loadVerifiedManifest(this.folder).then(
      (manifest) => {
        if (this.status.state === 'idle' || this.status.state === 'loading')
          this.status = { state: 'verified', name: manifest.name, hash: modelHash(manifest) };
        return manifest;
      },
      (error: unknown) => {
        this.status = { state: 'failed', error: oneLine(error) };
        throw error;
      },
    );
    return this.verifying;
  }

  private async load(): Promise<ClipModel> {
    this.status = { state: 'loading' };
    const started = performance.now();
    try {
      const model = await ClipModel.load(this.folder, {
        executionProviders: this.config.clip.executionProviders,
        intraOpThreads: this.config.clip.intraOpThreads,
        intraOpSpinning: this.config.clip.intraOpSpinning,
      });
      this.model = model;
      this.status = { state: 'loaded', name: model.manifest.name, hash: model.hash, provider: model.provider };
      this.logger.log(
        {
          model: model.manifest.name,
          modelHash: model.hash,
          provider: model.provider,
          requestedProviders: this.config.clip.executionProviders,
          skippedProviders: model.skippedProviders,
          loadMs: Math.round(performance.now() - started),
          resampler: resamplerBackend(),
        },
        `CLIP model ${model.manifest.name} loaded; running on ${model.provider}, preprocessing with ${resamplerBackend()}`,
      );
      for (const skipped of model.skippedProviders)
        this.logger.warn(`execution provider ${skipped.provider} unavailable: ${skipped.reason}`);
      return model;
    } catch (error) {
      this.status = { state: 'failed', error: oneLine(error) };
      throw new ModelUnavailableError(`CLIP model ${this.config.clip.model} cannot be loaded: ${oneLine(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.model?.release().catch(() => undefined);
  }
}

export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
