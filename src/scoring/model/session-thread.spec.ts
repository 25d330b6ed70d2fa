import type { Worker } from 'node:worker_threads';
import { testModelFolder } from '../test-model';
import { ClipModel } from './clip-model';
import { SessionThread } from './session-thread';

const CPU = { executionProviders: ['cpu'], intraOpThreads: 1 };
// A 512-image batch on one thread takes a few seconds on an idle 2-core machine and more on a busy one: the
// default 5 s made the test fail on load, not on behaviour (it asserts the order of events, not a duration).
jest.setTimeout(60_000);

function workerOf(model: ClipModel): Worker {
  return (model as unknown as { thread: { worker: Worker } }).thread.worker;
}

describe('CLIP sessions in their own inference thread', () => {
  let model: ClipModel;

  beforeEach(async () => {
    model = await ClipModel.load(testModelFolder(), CPU);
  });

  afterEach(async () => {
    await model.release().catch(() => undefined);
  });

  it('keeps the event loop free while a batch runs (onnxruntime-node blocks its calling thread)', async () => {
    const size = model.imageConfig.imageSize;
    const count = 512; // long enough (tens of ms or more) for a timer to fall due during the run
    const events: string[] = [];
    const timer = setTimeout(() => events.push('timer'), 5);
    const run = model.embedPixelBatch(new Float32Array(count * 3 * size * size), count).then(() => events.push('run'));
    await run;
    clearTimeout(timer);
    expect(events).toEqual(['timer', 'run']);
  });

  it('copies the input by default and detaches it only when asked to transfer it', async () => {
    const size = model.imageConfig.imageSize;
    const pixels = new Float32Array(2 * 3 * size * size).fill(0.25);
    const [copied] = await model.embedPixelBatch(pixels, 2);
    expect(pixels.length).toBe(2 * 3 * size * size);
    const [transferred] = await model.embedPixelBatch(pixels, 2, { transfer: true });
    expect(pixels.length).toBe(0); // detached: the buffer now belongs to the thread
    expect(Array.from(transferred)).toEqual(Array.from(copied));
  });

  it('fails pending and later calls with a clear error when the thread dies, and says it is no longer alive', async () => {
    expect(model.alive).toBe(true);
    const size = model.imageConfig.imageSize;
    const pending = model.embedPixelBatch(new Float32Array(256 * 3 * size * size), 256);
    await workerOf(model).terminate();
    await expect(pending).rejects.toThrow(/inference thread exited/);
    expect(model.alive).toBe(false);
    await expect(model.embedTexts(['a red car'])).rejects.toThrow(/inference thread exited/);
  });

  it('opens sessions whose idle threads sleep (CLIP_INTRA_OP_SPINNING=false) with the same results', async () => {
    const sleeping = await ClipModel.load(testModelFolder(), { ...CPU, intraOpThreads: 2, intraOpSpinning: false });
    try {
      const [a] = await model.embedTexts(['a photo of a blue van with a broken window']);
      const [b] = await sleeping.embedTexts(['a photo of a blue van with a broken window']);
      expect(Math.max(...a.map((value, index) => Math.abs(value - b[index])))).toBeLessThanOrEqual(1e-6);
    } finally {
      await sleeping.release();
    }
  });

  it('reports a model file that onnxruntime cannot open, naming the file', async () => {
    const thread = new SessionThread();
    try {
      await expect(thread.open('vision', __filename, CPU)).rejects.toThrow(
        /cannot open .*session-thread\.spec\.ts on any execution provider/,
      );
      expect(thread.alive).toBe(true); // a failed open leaves the thread usable
    } finally {
      await thread.close();
    }
    expect(thread.alive).toBe(false);
  });
});
