import './ort-env';
import * as ort from 'onnxruntime-node';

export interface SessionOptions {
  /** In order of preference, e.g. ['cuda', 'cpu'] or ['webgpu', 'cpu']. */
  executionProviders: string[];
  intraOpThreads: number;
  /**
   * Whether idle intra-op threads spin between operators (default true, onnxruntime's own default) or
   * sleep. Sleeping leaves CPU to other work on the same cores but costs inference speed: int8 ViT-B/32
   * at batch 1 ran 25% slower, and the whole path was no faster (docs/benchmarks.md).
   */
  intraOpSpinning?: boolean;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs, after falling back past the ones this host lacks. */
  provider: string;
  /** Why preferred providers were skipped, for the log line. */
  skipped: Array<{ provider: string; reason: string }>;
}

/**
 * Opens an ONNX session on the first execution provider of the list that works on this host
 * (a CUDA build without a GPU, or WebGPU without a Vulkan driver, fails at creation), always ending
 * on CPU so a worker never refuses to start only because an accelerator is missing.
 */
export async function openSession(modelPath: string, options: SessionOptions): Promise<OpenedSession> {
  const candidates = [...new Set([...options.executionProviders, 'cpu'])];
  const skipped: OpenedSession['skipped'] = [];
  for (const provider of candidates) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(options.intraOpThreads > 0 ? { intraOpNumThreads: options.intraOpThreads } : {}),
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning === false ? '0' : '1' } } },
      });
      return { session, provider, skipped };
    } catch (error) {
      skipped.push({ provider, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      if (provider === 'cpu')
        throw new Error(
          `cannot open ${modelPath} on any execution provider: ${skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')}`,
        );
    }
  }
  throw new Error(`cannot open ${modelPath}: no execution provider`);
}
