import { MicroBatcher } from './micro-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function makeBatcher(options: {
  batchSize: number;
  batchWaitMs: number;
  failPrepare?: (n: number) => boolean;
  failRun?: (n: number) => boolean;
  prepareDelay?: (n: number) => number;
}) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, number, string>({
    batchSize: options.batchSize,
    batchWaitMs: options.batchWaitMs,
    prepare: async (n) => {
      await new Promise((resolve) => setTimeout(resolve, options.prepareDelay?.(n) ?? 0));
      if (options.failPrepare?.(n)) throw new Error(`cannot decode ${n}`);
      return n * 10;
    },
    run: async (batch) => {
      batches.push(batch);
      await tick();
      if (batch.some((value) => options.failRun?.(value / 10))) throw new Error(`batch with ${batch.join(',')} failed`);
      return batch.map((value) => `result-${value / 10}`);
    },
  });
  return { batcher, batches };
}

describe('MicroBatcher', () => {
  it('routes each result back to its own caller under concurrency, in batches of at most batchSize', async () => {
    const { batcher, batches } = makeBatcher({ batchSize: 4, batchWaitMs: 5, prepareDelay: (n) => (n * 7) % 5 });
    const inputs = Array.from({ length: 37 }, (_, index) => index);
    const results = await Promise.all(inputs.map((n) => batcher.submit(n)));
    expect(results).toEqual(inputs.map((n) => `result-${n}`));
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(inputs.map((n) => n * 10));
    expect(batches.length).toBeLessThan(inputs.length); // it did batch
  });

  it('runs a partial batch after batchWaitMs when no more items come', async () => {
    const { batcher, batches } = makeBatcher({ batchSize: 8, batchWaitMs: 20 });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)])).resolves.toEqual([
      'result-1',
      'result-2',
      'result-3',
    ]);
    expect(batches).toEqual([[10, 20, 30]]);
  });

  it('rejects only the caller whose item fails to prepare', async () => {
    const { batcher } = makeBatcher({ batchSize: 4, batchWaitMs: 5, failPrepare: (n) => n === 2 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('cannot decode 2'));
  });

  it('when a batch fails, retries its items one by one so only the failing caller gets the error', async () => {
    const { batcher, batches } = makeBatcher({ batchSize: 4, batchWaitMs: 50, failRun: (n) => n === 3 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'error'))).toEqual([
      'result-1',
      'result-2',
      'error',
      'result-4',
    ]);
    expect(batches[0]).toHaveLength(4);
    expect(batches.slice(1)).toEqual([[10], [20], [30], [40]]);
  });

  it('close() waits for accepted items and refuses new ones', async () => {
    const { batcher } = makeBatcher({ batchSize: 2, batchWaitMs: 5 });
    const accepted = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
    await batcher.close();
    await expect(Promise.all(accepted)).resolves.toEqual(['result-1', 'result-2', 'result-3']);
    await expect(batcher.submit(4)).rejects.toThrow(/closed/);
    expect(batcher.pending).toBe(0);
  });
});
