/**
 * Occlusion sensitivity, the pure parts: which parts of the model's input to show or hide, what hidden
 * parts become, and how a heatmap is compared with a known region. The model call is in
 * occlusion-heatmap.ts.
 *
 * The input is the preprocessed tensor the model sees ([3, size, size], normalised), so a cell is a square
 * of the centre crop, not of the original photo.
 *
 * Method (measured against Zeiler & Fergus's "hide one cell, fill it with the mean grey" in
 * src/governance/README.md): hidden pixels are not painted grey but replaced by a heavily blurred copy of
 * the photo (Fong & Vedaldi 2017, "meaningful perturbations": the evidence is removed, no new grey square
 * is drawn), and each window is scored by **preservation**: the photo blurred everywhere except the
 * window, so a window is credited with the evidence it carries on its own. Deleting one window at a time
 * credits nothing when the evidence is repeated (hail pits, several rust patches): hiding one copy leaves
 * the others, and the model's score hardly moves. Windows are one cell large and slide by half a cell, so
 * the damage is not missed for straddling a cell border; a cell's value is the mean over its quarters of
 * the mean gain of the windows covering each quarter.
 */

export interface Heatmap {
  /** Cells per side (the grid is grid × grid over the model's centre crop). */
  grid: number;
  /**
   * Row-major, grid × grid: the cell's evidence for the target, how much the target's score rises over
   * the fully blurred photo when the cell's content is shown (higher = more; the client reads the
   * positive values).
   */
  drops: number[];
  /** The target's score on the whole, unblurred input. */
  baseline: number;
  /** The target's score on the fully blurred input (what every value is measured from). */
  reference: number;
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
 * A box blur of a [3, size, size] tensor repeated `passes` times (three passes approximate a Gaussian of
 * standard deviation ≈ radius), edges clamped. Returns a new tensor.
 */
export function blurTensor(pixels: Float32Array, size: number, radius: number, passes = 3): Float32Array {
  const plane = size * size;
  if (pixels.length !== 3 * plane) throw new RangeError(`expected ${3 * plane} values, got ${pixels.length}`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError('radius must be a non-negative integer');
  const out = Float32Array.from(pixels);
  const scratch = new Float32Array(pixels.length);
  const line = (src: Float32Array, dst: Float32Array, offset: number, step: number) => {
    let sum = 0;
    for (let d = -radius; d <= radius; d += 1) sum += src[offset + Math.min(size - 1, Math.max(0, d)) * step];
    for (let i = 0; i < size; i += 1) {
      dst[offset + i * step] = sum / (2 * radius + 1);
      sum += src[offset + Math.min(size - 1, i + radius + 1) * step] - src[offset + Math.max(0, i - radius) * step];
    }
  };
  for (let pass = 0; pass < passes; pass += 1)
    for (let channel = 0; channel < 3; channel += 1) {
      const base = channel * plane;
      for (let y = 0; y < size; y += 1) line(out, scratch, base + y * size, 1);
      for (let x = 0; x < size; x += 1) line(scratch, out, base + x, size);
    }
  return out;
}

/** The blur that hides a cell's content: about a quarter of a 7×7 cell (8 px of a 224 px input). */
export function hidingBlurRadius(size: number): number {
  return Math.max(1, Math.round(size / 28));
}

/**
 * The windows of a grid × grid heatmap: one cell large, sliding by half a cell, as rectangles of the
 * half-cell grid ((2·grid) × (2·grid)) [r0, r1) × [c0, c1); (2·grid − 1)² of them.
 */
export function slidingWindows(grid: number): Array<{ r0: number; c0: number; r1: number; c1: number }> {
  const fine = 2 * grid;
  const windows: Array<{ r0: number; c0: number; r1: number; c1: number }> = [];
  for (let r0 = 0; r0 + 2 <= fine; r0 += 1)
    for (let c0 = 0; c0 + 2 <= fine; c0 += 1) windows.push({ r0, c0, r1: r0 + 2, c1: c0 + 2 });
  return windows;
}

/**
 * One batch: the input, the blurred input, then per window the blurred input with that window's pixels
 * of the original. `pixels` and `blurred` are [3, size, size]; the result is [(windows + 2), 3, size, size].
 */
export function preservationBatch(
  pixels: Float32Array,
  blurred: Float32Array,
  size: number,
  grid: number,
): Float32Array {
  const plane = size * size;
  if (pixels.length !== 3 * plane || blurred.length !== 3 * plane)
    throw new RangeError(`expected ${3 * plane} values per image`);
  if (!Number.isInteger(grid) || grid < 1 || 2 * grid > size)
    throw new RangeError('grid must be between 1 and size / 2');
  const windows = slidingWindows(grid);
  const batch = new Float32Array((windows.length + 2) * 3 * plane);
  batch.set(pixels, 0);
  batch.set(blurred, 3 * plane);
  const fine = 2 * grid;
  windows.forEach(({ r0, c0, r1, c1 }, index) => {
    const base = (index + 2) * 3 * plane;
    batch.set(blurred, base);
    const x0 = Math.round((c0 * size) / fine);
    const x1 = Math.round((c1 * size) / fine);
    for (let channel = 0; channel < 3; channel += 1)
      for (let y = Math.round((r0 * size) / fine); y < Math.round((r1 * size) / fine); y += 1) {
        const row = channel * plane + y * size;
        batch.set(pixels.subarray(row + x0, row + x1), base + row + x0);
      }
  });
  return batch;
}

/**
 * The heatmap from the batch's scores (input, blurred input, then one per window as `slidingWindows`
 * orders them): a window's gain is its score minus the blurred input's; a half cell gets the mean gain of
 * the windows covering it, a cell the mean of its four half cells.
 */
export function heatmapFromWindowScores(scores: readonly number[], grid: number): Heatmap {
  const windows = slidingWindows(grid);
  if (scores.length !== windows.length + 2) throw new RangeError(`expected ${windows.length + 2} scores`);
  const [baseline, reference] = scores;
  const fine = 2 * grid;
  const sum = new Array<number>(fine * fine).fill(0);
  const count = new Array<number>(fine * fine).fill(0);
  windows.forEach(({ r0, c0, r1, c1 }, index) => {
    for (let r = r0; r < r1; r += 1)
      for (let c = c0; c < c1; c += 1) {
        sum[r * fine + c] += scores[index + 2] - reference;
        count[r * fine + c] += 1;
      }
  });
  const drops = new Array<number>(grid * grid).fill(0);
  for (let r = 0; r < fine; r += 1)
    for (let c = 0; c < fine; c += 1)
      drops[Math.floor(r / 2) * grid + Math.floor(c / 2)] += sum[r * fine + c] / count[r * fine + c] / 4;
  return { grid, drops, baseline, reference };
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
