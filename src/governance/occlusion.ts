/**
 * Occlusion sensitivity (Zeiler & Fergus 2014), the pure parts: which cells of the model's input to mask,
 * how to mask them, and how a heatmap is compared with a known region. The model call is in
 * occlusion-heatmap.ts.
 *
 * The input is the preprocessed tensor the model sees ([3, size, size], normalised), so a cell is a square
 * of the centre crop, not of the original photo. A masked cell is set to 0 in every channel: the dataset
 * mean colour after normalisation, which carries no content.
 */

export interface Heatmap {
  /** Cells per side (the grid is grid × grid over the model's centre crop). */
  grid: number;
  /** Row-major, grid × grid: the target score without the cell's content subtracted from the full score. */
  drops: number[];
  /** The target's score on the whole, unmasked input. */
  baseline: number;
}

/** The pixel rectangle [x0, x1) × [y0, y1) of cell `index` (row-major) in a size × size input. */
export function cellRect(
  index: number,
  grid: number,
  size: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const row = Math.floor(index / grid);
  const column = index % grid;
  return {
    x0: Math.round((column * size) / grid),
    x1: Math.round(((column + 1) * size) / grid),
    y0: Math.round((row * size) / grid),
    y1: Math.round(((row + 1) * size) / grid),
  };
}

/**
 * One batch: the unmasked input first, then one copy per cell with that cell set to `fill`.
 * `pixels` is one [3, size, size] tensor; the result is [(grid² + 1), 3, size, size].
 */
export function occlusionBatch(pixels: Float32Array, size: number, grid: number, fill = 0): Float32Array {
  const plane = size * size;
  if (pixels.length !== 3 * plane) throw new RangeError(`expected ${3 * plane} values, got ${pixels.length}`);
  if (!Number.isInteger(grid) || grid < 1 || grid > size) throw new RangeError('grid must be between 1 and size');
  const cells = grid * grid;
  const batch = new Float32Array((cells + 1) * 3 * plane);
  for (let copy = 0; copy <= cells; copy += 1) batch.set(pixels, copy * 3 * plane);
  for (let cell = 0; cell < cells; cell += 1) {
    const { x0, x1, y0, y1 } = cellRect(cell, grid, size);
    const base = (cell + 1) * 3 * plane;
    for (let channel = 0; channel < 3; channel += 1)
      for (let y = y0; y < y1; y += 1)
        batch.fill(fill, base + channel * plane + y * size + x0, base + channel * plane + y * size + x1);
  }
  return batch;
}

/** Drops from the batch's scores (first = unmasked). */
export function heatmapFromScores(scores: readonly number[], grid: number): Heatmap {
  if (scores.length !== grid * grid + 1) throw new RangeError(`expected ${grid * grid + 1} scores`);
  const [baseline, ...masked] = scores;
  return { grid, baseline, drops: masked.map((score) => baseline - score) };
}

/** The k cells with the largest drops (ties: lower index first), as a set of indices. */
export function topCells(drops: readonly number[], k: number): Set<number> {
  const order = drops.map((drop, index) => ({ drop, index })).sort((a, b) => b.drop - a.drop || a.index - b.index);
  return new Set(order.slice(0, Math.max(0, k)).map((entry) => entry.index));
}

export function iou(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let intersection = 0;
  for (const value of a) if (b.has(value)) intersection += 1;
  return intersection / (a.size + b.size - intersection);
}

/**
 * Fraction of each cell covered by a region. `mask` is width × height (non-zero = in the region) of the
 * original picture; the model's centre crop is the largest centred square (shortest-side resize, centre
 * crop), which is cut into grid × grid cells.
 */
export function cellCoverage(mask: Uint8Array, width: number, height: number, grid: number): number[] {
  if (mask.length !== width * height) throw new RangeError('mask size does not match width × height');
  const side = Math.min(width, height);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const coverage: number[] = [];
  for (let cell = 0; cell < grid * grid; cell += 1) {
    const { x0, x1, y0, y1 } = cellRect(cell, grid, side);
    let inside = 0;
    for (let y = y0; y < y1; y += 1)
      for (let x = x0; x < x1; x += 1) if (mask[(top + y) * width + left + x]) inside += 1;
    coverage.push(inside / ((x1 - x0) * (y1 - y0)));
  }
  return coverage;
}

/**
 * How well a heatmap points at a known region, on the grid: the region's cells are those at least
 * `minCoverage` covered by it (at least the most covered cell, so a small region still has one); the top
 * cells are as many of the largest drops as the region has cells (top-k matching the region's area).
 * Returns their intersection over union.
 */
export function heatmapRegionIou(
  drops: readonly number[],
  coverage: readonly number[],
  minCoverage = 0.25,
): { iou: number; regionCells: number[]; topCells: number[] } {
  let region = new Set(coverage.flatMap((value, index) => (value >= minCoverage ? [index] : [])));
  if (region.size === 0) {
    const max = Math.max(...coverage);
    region = max > 0 ? new Set([coverage.indexOf(max)]) : new Set();
  }
  const top = topCells(drops, region.size);
  return {
    iou: iou(top, region),
    regionCells: [...region].sort((a, b) => a - b),
    topCells: [...top].sort((a, b) => a - b),
  };
}
