/**
 * The Merkle tree of RFC 9162 §2.1 (the same as RFC 6962 §2.1): leaf = SHA-256(0x00 ‖ bytes),
 * interior node = SHA-256(0x01 ‖ left ‖ right), the tree over n leaves splits at the largest power
 * of two below n. Pure: no I/O, no clock. Proofs are generated from a store of *complete* subtree
 * hashes, addressed as (level, index): the node at level L, index i covers leaves
 * [i·2^L, (i+1)·2^L) (level 0 holds the leaf hashes). A complete subtree's hash never changes once
 * its last leaf is appended, so such a store is append-only.
 *
 * Sizes and indexes are JavaScript numbers (exact up to 2^53); no 32-bit bit operators are used.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

/** A complete subtree's hash: level L, index i covers leaves [i·2^L, (i+1)·2^L). */
export type NodeSource = (level: number, index: number) => Buffer | Promise<Buffer>;

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;
}

function assertSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** MTH(D[n]) over the given leaf hashes (RFC 9162 §2.1.1). */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  return rangeRoot(leafHashes, 0, leafHashes.length);
}

function rangeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return leaves[start];
  const k = splitPoint(n);
  return nodeHash(rangeRoot(leaves, start, start + k), rangeRoot(leaves, start + k, end));
}

/**
 * MTH(D[start:end]) from complete-subtree hashes, where `start` is a multiple of the largest power
 * of two ≤ end − start (true of every range the RFC's recursions visit). Reads O(log n) nodes.
 */
export async function subtreeRoot(start: number, end: number, node: NodeSource): Promise<Buffer> {
  const n = end - start;
  if (n <= 0) throw new RangeError('empty range');
  if (isPowerOfTwo(n) && start % n === 0) return node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(await subtreeRoot(start, start + k, node), await subtreeRoot(start + k, end, node));
}

/** The root of the tree of `size` leaves, from a node store holding that tree's complete subtrees. */
export async function rootFromNodes(size: number, node: NodeSource): Promise<Buffer> {
  assertSize('size', size);
  return size === 0 ? EMPTY_ROOT : subtreeRoot(0, size, node);
}

/**
 * The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1, PATH(m, D[n])),
 * nearest sibling first.
 */
export async function inclusionProof(index: number, size: number, node: NodeSource): Promise<Buffer[]> {
  assertSize('index', index);
  assertSize('size', size);
  if (index >= size) throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
  const path: Buffer[] = [];
  const walk = async (m: number, start: number, end: number): Promise<void> => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      await walk(m, start, start + k);
      path.push(await subtreeRoot(start + k, end, node));
    } else {
      await walk(m - k, start + k, end);
      path.push(await subtreeRoot(start, start + k, node));
    }
  };
  await walk(index, 0, size);
  return path;
}

/**
 * The consistency proof between the trees of `first` and `second` leaves (RFC 9162 §2.1.4.1,
 * PROOF(m, D[n])). Empty when first = second or first = 0 (every tree extends the empty one).
 */
export async function consistencyProof(first: number, second: number, node: NodeSource): Promise<Buffer[]> {
  assertSize('first', first);
  assertSize('second', second);
  if (first > second) throw new RangeError(`first tree size ${first} is beyond second tree size ${second}`);
  if (first === 0 || first === second) return [];
  const proof: Buffer[] = [];
  const sub = async (m: number, start: number, end: number, complete: boolean): Promise<void> => {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push(await subtreeRoot(start, end, node));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      await sub(m, start, start + k, complete);
      proof.push(await subtreeRoot(start + k, end, node));
    } else {
      await sub(m - k, start + k, end, false);
      proof.push(await subtreeRoot(start, start + k, node));
    }
  };
  await sub(first, 0, second, true);
  return proof;
}

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `path` prove leaf `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (path.some((p) => p.length !== HASH_SIZE) || leaf.length !== HASH_SIZE) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!(odd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `first` leaves with `firstRoot` is a
 * prefix of the tree of `second` leaves with `secondRoot`? For first = second the proof must be
 * empty and the roots equal; for first = 0 the proof must be empty (the empty tree is a prefix of
 * every tree).
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!(odd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/** A complete subtree formed by an append: the node a store keeps for later proofs. */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The right edge of a growing tree (a "compact range" from the left edge): the roots of the
 * complete subtrees that the binary decomposition of `size` gives, largest first. Appending a leaf
 * returns every complete subtree it completes (the leaf itself at level 0, then the parents that
 * became complete), which is exactly what a node store needs. Memory O(log n).
 */
export class CompactRange {
  private readonly hashes: Buffer[];
  private count: number;

  /**
   * @param size leaves already in the tree
   * @param frontier the complete-subtree roots of that tree, largest (leftmost) first — see
   *   `frontierNodes(size)` for which (level, index) they are.
   */
  constructor(size = 0, frontier: readonly Buffer[] = []) {
    assertSize('size', size);
    const expected = frontierNodes(size).length;
    if (frontier.length !== expected)
      throw new RangeError(`a tree of ${size} leaves has ${expected} frontier nodes, got ${frontier.length}`);
    this.count = size;
    this.hashes = [...frontier];
  }

  get size(): number {
    return this.count;
  }

  /** The current frontier, largest subtree first. */
  get frontier(): Buffer[] {
    return [...this.hashes];
  }

  append(leaf: Buffer): TreeNode[] {
    const formed: TreeNode[] = [{ level: 0, index: this.count, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.count;
    // Merge while the new subtree's sibling on the left is complete (the low bits of the old size).
    let size = this.count;
    while (odd(size)) {
      const left = this.hashes.pop() as Buffer;
      hash = nodeHash(left, hash);
      level += 1;
      index = half(index);
      formed.push({ level, index, hash });
      size = half(size);
    }
    this.hashes.push(hash);
    this.count += 1;
    return formed;
  }

  /**
   * Appends a whole complete subtree of 2^level leaves given by its root (the tree's size must be
   * a multiple of 2^level): how a verifier skips a stretch of leaves it holds only a node for.
   */
  appendSubtree(level: number, hash: Buffer): void {
    const width = 2 ** level;
    if (this.count % width !== 0)
      throw new RangeError(`a subtree of ${width} leaves cannot start at leaf ${this.count}`);
    let size = this.count / width;
    let merged = hash;
    while (odd(size)) {
      merged = nodeHash(this.hashes.pop() as Buffer, merged);
      size = half(size);
    }
    this.hashes.push(merged);
    this.count += width;
  }

  /** MTH of the tree so far: the frontier folded from the right. */
  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let hash = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i -= 1) hash = nodeHash(this.hashes[i], hash);
    return hash;
  }
}

/** The (level, index) of the complete subtrees whose roots form the frontier of a tree of `size`. */
export function frontierNodes(size: number): Array<{ level: number; index: number }> {
  assertSize('size', size);
  const nodes: Array<{ level: number; index: number }> = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level -= 1) {
    const width = 2 ** level;
    if (start + width <= size) {
      nodes.push({ level, index: start / width });
      start += width;
    }
  }
  return nodes;
}

/**
 * The aligned complete subtrees that cover leaves [from, to), left to right: with the frontier of
 * `from` (frontierNodes) and the leaves in between, they let a verifier rebuild the root of the
 * tree of `to`… or, after a stretch of known leaves, of any larger tree (a range proof).
 */
export function coveringNodes(from: number, to: number): Array<{ level: number; index: number }> {
  assertSize('from', from);
  assertSize('to', to);
  const nodes: Array<{ level: number; index: number }> = [];
  let position = from;
  while (position < to) {
    let level = 0;
    while (position % 2 ** (level + 1) === 0 && position + 2 ** (level + 1) <= to) level += 1;
    nodes.push({ level, index: position / 2 ** level });
    position += 2 ** level;
  }
  return nodes;
}
