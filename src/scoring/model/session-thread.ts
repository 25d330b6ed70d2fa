/**
 * ONNX sessions hosted in a dedicated worker thread ("inference thread").
 *
 * onnxruntime-node runs inference synchronously on the thread that calls `run` (its promise only
 * defers the start), so on the main thread a 1.5 s batch would stall the event loop for 1.5 s: no HTTP
 * answers in a combined process, no queue lock renewals, and no preprocessing of the next photos,
 * which is what the micro-batcher overlaps with inference. Here the main thread only posts tensors
 * and receives embeddings; ORT's own intra-op threads work as before.
 *
 * One thread per loaded model, one request at a time, in order. If the thread dies, every pending and
 * later call fails with an error that says so (`alive` turns false) and the owner loads a new model.
 */
import * as path from 'node:path';
import './ort-env';
import { Worker } from 'node:worker_threads';
import type { SessionOptions } from './onnx-session';

export type TensorInput =
  | { name: string; type: 'float32'; data: Float32Array; dims: number[] }
  | { name: string; type: 'int64'; data: BigInt64Array; dims: number[] };

export type ThreadRequest =
  | { id: number; op: 'open'; session: string; path: string; options: SessionOptions }
  | { id: number; op: 'run'; session: string; input: TensorInput; outputName: string }
  | { id: number; op: 'release' };

export type ThreadReply =
  | { id: number; ok: true; provider: string; skipped: Array<{ provider: string; reason: string }> }
  | { id: number; ok: true; data: Float32Array; dims: number[] }
  | { id: number; ok: true }
  | { id: number; ok: false; error: string };

interface Pending {
  resolve(reply: ThreadReply): void;
  reject(error: Error): void;
}

/** Names a module that lets a thread started from the TypeScript sources require .ts files. */
export const TS_WORKER_REGISTER_ENV = 'TS_WORKER_REGISTER';

/**
 * Compiled builds start the compiled worker file. Started from TypeScript sources (under Jest, whose
 * set-up names its transpile-only loader in TS_WORKER_REGISTER) the thread registers that loader first.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const extension = path.extname(__filename);
  const file = path.join(__dirname, `session-thread.worker${extension}`);
  if (extension !== '.ts') return { file, execArgv: [] };
  const register = process.env[TS_WORKER_REGISTER_ENV];
  if (!register)
    throw new Error(
      `the inference thread runs from TypeScript sources: set ${TS_WORKER_REGISTER_ENV} to a module that registers a .ts loader, or run the compiled build`,
    );
  return { file, execArgv: ['--require', register] };
}

export class SessionThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor() {
    const { file, execArgv } = workerEntry();
    this.worker = new Worker(file, { execArgv });
    this.worker.unref(); // referenced only while a call is pending (see call)
    this.worker.on('message', (reply: ThreadReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(new Error(`the inference thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`the inference thread exited (code ${code})`)));
  }

  /** False once the thread has died or been closed. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  async open(
    session: string,
    modelPath: string,
    options: SessionOptions,
  ): Promise<{ provider: string; skipped: Array<{ provider: string; reason: string }> }> {
    const reply = await this.call({ op: 'open', session, path: modelPath, options });
    if (!('provider' in reply)) throw new Error('the inference thread answered open without a provider');
    return { provider: reply.provider, skipped: reply.skipped };
  }

  /**
   * Runs one session on one input. With `transfer`, the input's buffer moves to the thread instead of
   * being copied (the caller's array is then detached and must not be used again).
   */
  async run(
    session: string,
    input: TensorInput,
    outputName: string,
    options: { transfer?: boolean } = {},
  ): Promise<{ data: Float32Array; dims: number[] }> {
    const reply = await this.call(
      { op: 'run', session, input, outputName },
      options.transfer ? [input.data.buffer as ArrayBuffer] : [],
    );
    if (!('data' in reply)) throw new Error('the inference thread answered run without data');
    return { data: reply.data, dims: reply.dims };
  }

  /** Releases the sessions and ends the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    try {
      await this.call({ op: 'release' });
    } finally {
      this.failure = new Error('the inference thread is closed');
      await this.worker.terminate();
    }
  }

  private call(request: DistributiveOmit<ThreadRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref(); // keep the process alive until the answer comes
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  private settle(reply: ThreadReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new Error(reply.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
