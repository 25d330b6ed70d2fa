import { randomSceneSpec, renderScene } from '../../../tools/scenes/scene-renderer';
import { testModelFolder } from '../test-model';
import { ClipModel } from './clip-model';

/**
 * The accelerator path, checked wherever the tests run: on a host without the accelerator (this CI
 * machine: no CUDA binaries, no Vulkan driver) the session must fall back to CPU and say why; on a
 * host with one, it must give the CPU's embeddings within float tolerance.
 */
describe.each([['webgpu'], ['cuda']])('execution provider list %s,cpu', (accelerator) => {
  let cpu: ClipModel;
  let preferred: ClipModel;
  let photos: Buffer[];

  beforeAll(async () => {
    photos = await Promise.all([21, 22].map((seed) => renderScene(randomSceneSpec(seed))));
    cpu = await ClipModel.load(testModelFolder(), { executionProviders: ['cpu'], intraOpThreads: 1 });
    preferred = await ClipModel.load(testModelFolder(), {
      executionProviders: [accelerator, 'cpu'],
      intraOpThreads: 1,
    });
  });

  afterAll(async () => {
    await Promise.all([cpu?.release(), preferred?.release()]);
  });

  it(`runs on ${accelerator} where the host has it, else on cpu with the reason ${accelerator} was skipped`, () => {
    expect([accelerator, 'cpu']).toContain(preferred.provider);
    if (preferred.provider === 'cpu') {
      expect(preferred.skippedProviders).toEqual([{ provider: accelerator, reason: expect.stringMatching(/\S/) }]);
    } else {
      expect(preferred.skippedProviders).toEqual([]);
    }
  });

  it('gives the same image and text embeddings as the CPU session (within 1e-3)', async () => {
    const [a, b] = [await cpu.embedImages(photos), await preferred.embedImages(photos)];
    const [ta, tb] = [
      await cpu.embedTexts(['a photo of a red car with hail damage']),
      await preferred.embedTexts(['a photo of a red car with hail damage']),
    ];
    for (const [x, y] of [...a.map((embedding, index) => [embedding, b[index]]), [ta[0], tb[0]]]) {
      let max = 0;
      for (let index = 0; index < x.length; index += 1) max = Math.max(max, Math.abs(x[index] - y[index]));
      expect(max).toBeLessThanOrEqual(1e-3);
    }
  });
});
