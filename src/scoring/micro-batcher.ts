/**
 * Collects work items from concurrent callers into batches and routes each result back to its caller.
 *
 * Each submitted item is first *prepared* (for images: decoded and preprocessed into its own pixel
 * buffer) as soon as it arrives, with at most `maxPreparing` preparations at once; prepared items wait
 * in a queue. A batch runs when `batchSize` items are prepared, or `batchWaitMs` after the oldest
 * prepared item arrived, whichever comes first. One batch runs at a time (the session already uses
 * every intra-op thread), while preparation of the next items continues beside it: that is how decoding
 * and preprocessing overlap inference.
 *
 * Errors go to the caller they belong to: a preparation error rejects only its own item; when a whole
 * batch fails (a bad input, GPU out of memory), its items are retried one by one so that only the ones
 * that fail alone are rejected, and the others still get their results.
 */
export interface MicroBatcherOptions<Input, Prepared, Output> {
  batchSize: number;
  batchWaitMs: number;
  /** Most preparations in flight at once (bounds the memory held by decoded images). */
  maxPreparing?: number;
  prepare(input: Input): Promise<Prepared>;
  run(batch: Prepared[]): Promise<Output[]>;
  /** Called after each batch, for metrics. */
  onBatch?(size: number, milliseconds: number): void;
}

interface Pending<Input, Prepared, Output> {
  input: Input;
  prepared?: Prepared;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export class BatcherClosedError extends Error {
  constructor() {
    super('the micro-batcher is closed');
  }
}

export class MicroBatcher<Input, Prepared, Output> {
  private readonly waiting: Array<Pending<Input, Prepared, Output>> = [];
  private readonly ready: Array<Pending<Input, Prepared, Output>> = [];
  private preparing = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The wait timer fired while a batch ran: run the next partial batch as soon as it ends. */
  private due = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: MicroBatcherOptions<Input, Prepared, Output>) {
    if (!(options.batchSize >= 1)) throw new Error('batchSize must be at least 1');
  }

  submit(input: Input): Promise<Output> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    return new Promise<Output>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.pump();
    });
  }

  /** Items accepted and not yet answered. */
  get pending(): number {
    return this.waiting.length + this.preparing + this.ready.length + (this.running ? 1 : 0);
  }

  /** Stops accepting items; resolves when every accepted item has been answered. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private get maxPreparing(): number {
    return this.options.maxPreparing ?? Math.max(2, this.options.batchSize * 2);
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.preparing < this.maxPreparing) {
      const item = this.waiting.shift()!;
      this.preparing += 1;
      this.options
        .prepare(item.input)
        .then(
          (prepared) => {
            item.prepared = prepared;
            this.ready.push(item);
          },
          (error: unknown) => item.reject(error),
        )
        .finally(() => {
          this.preparing -= 1;
          this.pump();
        });
    }
    this.maybeRun();
    this.notifyIdle();
  }

  private maybeRun(): void {
    if (this.running || this.ready.length === 0) return;
    // Nothing else can join this batch: do not wait for the timer.
    const nothingMoreComing = this.waiting.length === 0 && this.preparing === 0;
    if (
      this.ready.length >= this.options.batchSize ||
      this.due ||
      (nothingMoreComing && this.options.batchWaitMs <= 0)
    ) {
      this.runBatch();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.running) this.due = true;
        else if (this.ready.length > 0) this.runBatch();
      }, this.options.batchWaitMs);
    }
  }

  private runBatch(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.ready.splice(0, this.options.batchSize);
    this.due = false;
    this.running = true;
    const started = performance.now();
    void this.execute(batch)
      .then(() => this.options.onBatch?.(batch.length, performance.now() - started))
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }

  private async execute(batch: Array<Pending<Input, Prepared, Output>>): Promise<void> {
    try {
      const outputs = await this.options.run(batch.map((item) => item.prepared as Prepared));
      if (outputs.length !== batch.length)
        throw new Error(`batch of ${batch.length} returned ${outputs.length} results`);
      batch.forEach((item, index) => item.resolve(outputs[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // Isolate the failure: rerun one by one so each caller gets its own answer.
      for (const item of batch) {
        try {
          const [output] = await this.options.run([item.prepared as Prepared]);
          item.resolve(output);
        } catch (single) {
          item.reject(single);
        }
      }
    }
  }

  private notifyIdle(): void {
    if (this.pending > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
