import { LruCache } from './lru-cache';
import { ensembleEmbedding, l2Normalise, scoreLabels } from './scoring-math';

describe('scoring math', () => {
  it('averages a prompt ensemble over normalised embeddings, so raw norms do not weigh', () => {
    const a = l2Normalise(Float32Array.from([1, 0]));
    const b = l2Normalise(Float32Array.from([0, 1]));
    const mean = ensembleEmbedding([a, b]);
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mean[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(ensembleEmbedding([a])).toEqual(a);
    expect(() => ensembleEmbedding([])).toThrow(/at least one prompt/);
  });

  it('scores labels by cosine and softmax of logitScale x cosine', () => {
    const image = l2Normalise(Float32Array.from([1, 1]));
    const scores = scoreLabels(
      image,
      [
        { label: 'a', embedding: Float32Array.from([1, 0]) },
        { label: 'b', embedding: Float32Array.from([0, 1]) },
        { label: 'c', embedding: Float32Array.from([-1, 0]) },
      ],
      100,
    );
    expect(scores.map((s) => s.label)).toEqual(['a', 'b', 'c']);
    expect(scores[0].cosine).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scores[0].probability).toBeCloseTo(0.5, 6);
    expect(scores[2].probability).toBeCloseTo(Math.exp(-100 * Math.SQRT2) / 2, 12);
    expect(scores.reduce((sum, s) => sum + s.probability, 0)).toBeCloseTo(1, 12);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});
