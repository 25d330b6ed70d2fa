import { createHash } from 'node:crypto';
import {
  CompactRange,
  EMPTY_ROOT,
  consistencyProof,
  coveringNodes,
  frontierNodes,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromNodes,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type NodeSource,
} from './rfc6962';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** MTH written straight from RFC 9162 §2.1.1, over the raw entries (no shared code but SHA-256). */
function bruteMth(entries: Buffer[]): Buffer {
  if (entries.length === 0) return sha();
  if (entries.length === 1) return sha(Buffer.from([0]), entries[0]);
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return sha(Buffer.from([1]), bruteMth(entries.slice(0, k)), bruteMth(entries.slice(k)));
}

const entry = (i: number) => Buffer.from(`entry ${i}`);
const entries = (n: number) => Array.from({ length: n }, (_, i) => entry(i));

/** A node store built by appending every leaf through a CompactRange (as the sequencer does). */
function storeOf(n: number): { node: NodeSource; range: CompactRange; count: () => number } {
  const nodes = new Map<string, Buffer>();
  const range = new CompactRange();
  for (const e of entries(n))
    for (const formed of range.append(leafHash(e))) nodes.set(`${formed.level}/${formed.index}`, formed.hash);
  return {
    range,
    count: () => nodes.size,
    node: (level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (!hash) throw new Error(`no node ${level}/${index}`);
      return hash;
    },
  };
}

describe('RFC 9162 Merkle tree', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes', () => {
    expect(leafHash(Buffer.from('abc'))).toEqual(sha(Buffer.from([0]), Buffer.from('abc')));
    const a = sha(Buffer.from('a'));
    const b = sha(Buffer.from('b'));
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the RFC 6962 test vectors (certificate-transparency-go, 8 leaves)', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const hashes = leaves.map((hex) => leafHash(Buffer.from(hex, 'hex')));
    for (let n = 1; n <= 8; n += 1) expect(rootOf(hashes.slice(0, n)).toString('hex')).toBe(roots[n - 1]);
  });

  it('computes MTH like the brute-force definition for every size 0..64, incrementally and from stored nodes', async () => {
    for (let n = 0; n <= 64; n += 1) {
      const expected = bruteMth(entries(n));
      expect(rootOf(entries(n).map(leafHash))).toEqual(expected);
      const store = storeOf(n);
      expect(store.range.root()).toEqual(expected);
      expect(await rootFromNodes(n, store.node)).toEqual(expected);
      // A store of complete subtrees holds 2n − popcount(n) nodes.
      expect(store.count()).toBe(2 * n - n.toString(2).replace(/0/g, '').length);
    }
  });

  it('rebuilds a compact range from its frontier nodes', async () => {
    for (let n = 0; n <= 40; n += 1) {
      const store = storeOf(n);
      const frontier = await Promise.all(frontierNodes(n).map(({ level, index }) => store.node(level, index)));
      const resumed = new CompactRange(n, frontier);
      for (let i = n; i < 45; i += 1) resumed.append(leafHash(entry(i)));
      expect(resumed.root()).toEqual(bruteMth(entries(45)));
    }
    expect(() => new CompactRange(3, [])).toThrow(RangeError);
  });

  it('proves and verifies inclusion of every leaf in every tree of size 1..64', async () => {
    const store = storeOf(64);
    for (let n = 1; n <= 64; n += 1) {
      const root = bruteMth(entries(n));
      for (let m = 0; m < n; m += 1) {
        const path = await inclusionProof(m, n, store.node);
        const leaf = leafHash(entry(m));
        expect(verifyInclusion(leaf, m, n, path, root)).toBe(true);
        // Wrong leaf, wrong index, wrong size, wrong root, truncated or extended path: all refused.
        expect(verifyInclusion(leafHash(Buffer.from('other')), m, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, path, root)).toBe(false);
        expect(verifyInclusion(leaf, m, n + 1, path, bruteMth(entries(n + 1)))).toBe(false);
        expect(verifyInclusion(leaf, m, n, path, sha(Buffer.from('x')))).toBe(false);
        if (path.length > 0) expect(verifyInclusion(leaf, m, n, path.slice(1), root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, [...path, root], root)).toBe(false);
      }
    }
  });

  it('proves and verifies consistency between every pair of sizes 1..64', async () => {
    const store = storeOf(64);
    const roots = Array.from({ length: 66 }, (_, n) => bruteMth(entries(n)));
    for (let second = 1; second <= 64; second += 1) {
      for (let first = 0; first <= second; first += 1) {
        const proof = await consistencyProof(first, second, store.node);
        expect(verifyConsistency(first, second, roots[first], roots[second], proof)).toBe(true);
        if (first > 0 && first < second) {
          expect(verifyConsistency(first, second, sha(Buffer.from('forged')), roots[second], proof)).toBe(false);
          expect(verifyConsistency(first, second, roots[first], sha(Buffer.from('forged')), proof)).toBe(false);
          expect(verifyConsistency(first, second, roots[first], roots[second], proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(first, second + 1, roots[first], roots[second + 1], proof)).toBe(false);
        }
      }
    }
  });

  it('refuses a consistency claim between diverging trees', async () => {
    const store = storeOf(20);
    const forked = entries(20);
    forked[5] = Buffer.from('rewritten');
    const proof = await consistencyProof(10, 20, store.node);
    expect(verifyConsistency(10, 20, bruteMth(forked.slice(0, 10)), bruteMth(entries(20)), proof)).toBe(false);
    expect(verifyConsistency(10, 20, bruteMth(entries(10)), bruteMth(forked), proof)).toBe(false);
  });

  it('rejects impossible arguments', async () => {
    const store = storeOf(8);
    await expect(inclusionProof(8, 8, store.node)).rejects.toThrow(RangeError);
    await expect(consistencyProof(5, 4, store.node)).rejects.toThrow(RangeError);
    expect(verifyInclusion(leafHash(entry(0)), 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(5, 4, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(false);
    expect(verifyConsistency(3, 3, bruteMth(entries(3)), bruteMth(entries(3)), [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(0, 3, EMPTY_ROOT, bruteMth(entries(3)), [])).toBe(true);
  });

  it('rebuilds any root from a left frontier, a stretch of leaves and the covering nodes on the right', async () => {
    const store = storeOf(40);
    for (let size = 1; size <= 40; size += 1) {
      for (let from = 0; from <= size; from += 3) {
        for (let to = from; to <= size; to += 2) {
          const left = await Promise.all(frontierNodes(from).map(({ level, index }) => store.node(level, index)));
          const range = new CompactRange(from, left);
          for (let i = from; i < to; i += 1) range.append(leafHash(entry(i)));
          for (const { level, index } of coveringNodes(to, size))
            range.appendSubtree(level, await store.node(level, index));
          expect(range.size).toBe(size);
          expect(range.root()).toEqual(bruteMth(entries(size)));
        }
      }
    }
    expect(() => new CompactRange().appendSubtree(0, EMPTY_ROOT)).not.toThrow();
    const odd = new CompactRange();
    odd.append(EMPTY_ROOT);
    expect(() => odd.appendSubtree(1, EMPTY_ROOT)).toThrow(RangeError);
  });

  it('accepts an async node source', async () => {
    const store = storeOf(13);
    const path = await inclusionProof(6, 13, async (level, index) => store.node(level, index));
    expect(verifyInclusion(leafHash(entry(6)), 6, 13, path, bruteMth(entries(13)))).toBe(true);
  });
});
