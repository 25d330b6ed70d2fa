/**
 * The production bicubic resizer: Pillow's resampler (see ./pil-resample.ts, the readable reference)
 * run as WebAssembly SIMD kernels (./wasm/pil-resample.wat). Same plan, same coefficients, same
 * integer arithmetic, so the bytes are identical; a unit test compares the two on many shapes.
 *
 * Why: on a 1024x768 photo the JavaScript passes take ~10 ms of CPU, which competes with inference
 * for the same cores; the kernels do the same work in a fraction of that (docs/benchmarks.md).
 *
 * The module is instantiated once per process (per thread) and reused: every call lays its buffers
 * out in the module's memory, which grows to fit the largest image seen so far. An image too large
 * for that to be reasonable gets a throwaway instance instead, so one huge photo does not pin
 * hundreds of megabytes for the life of the worker.
 */
import { planBicubicWindow, resizeBicubicWindow, type AxisCoefficients, type WindowResizer } from './pil-resample';
import { PIL_RESAMPLE_WASM_BASE64 } from './wasm/pil-resample-wasm.generated';

/** The few WebAssembly JS API members used here (this project compiles without the DOM type library). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
const WebAssemblyApi = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => WasmModule;
      Instance: new (module: WasmModule) => { exports: unknown };
    };
  }
).WebAssembly;

interface Kernels {
  readonly memory: WasmMemory;
  horizontal(
    src: number,
    stride: number,
    rows: number,
    outWidth: number,
    channels: number,
    first: number,
    pairs: number,
    weights: number,
    kpairs: number,
    mask: number,
    out: number,
  ): void;
  vertical(
    src: number,
    stride: number,
    rowBytes: number,
    outRows: number,
    rowOffset: number,
    count: number,
    weights: number,
    ksize: number,
    out: number,
  ): void;
}

/** Memory the shared instance may keep; larger jobs get a throwaway instance. */
const SHARED_MEMORY_LIMIT = 64 * 1024 * 1024;
const PAGE = 65536;
/** Kernels read and write up to 8 bytes past a buffer's last pixel; regions keep this much slack. */
const SLACK = 16;

let compiled: WasmModule | null | undefined;
let shared: Kernels | undefined;

function compile(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssemblyApi.Module(Buffer.from(PIL_RESAMPLE_WASM_BASE64, 'base64'));
    } catch {
      compiled = null; // a runtime without WebAssembly SIMD: the JavaScript resizer does the work
    }
  }
  return compiled;
}

function instantiate(module: WasmModule): Kernels {
  return new WebAssemblyApi.Instance(module).exports as unknown as Kernels;
}

/** Which implementation `resizeBicubicWindowFast` uses on this runtime (for the worker's start-up log). */
export function resamplerBackend(): 'wasm-simd' | 'javascript' {
  return compile() ? 'wasm-simd' : 'javascript';
}

/** A bump allocator over the kernels' memory: 16-byte aligned regions, each followed by SLACK bytes. */
class Layout {
  private end = 0;
  alloc(bytes: number): number {
    const at = this.end;
    this.end = align16(at + bytes + SLACK);
    return at;
  }
  get size(): number {
    return this.end;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

/**
 * Same contract and result as `resizeBicubicWindow` (./pil-resample.ts): Pillow's BICUBIC resize to
 * newWidth x newHeight, only `window` of it returned, interleaved with `channels` bytes per pixel.
 */
export const resizeBicubicWindowFast: WindowResizer = (src, width, height, channels, newWidth, newHeight, window) => {
  const plan = planBicubicWindow(width, height, newWidth, newHeight, window);
  const { horizontal, vertical, rowStart, rowEnd } = plan;
  const rowBytes = window.width * channels;
  const module = compile();
  // What the kernels do not cover is cheap or rare: same-size copies, >4 channels, rows under 16 bytes.
  const covered =
    module &&
    (horizontal || vertical) &&
    channels >= 1 &&
    channels <= 4 &&
    window.height > 0 &&
    (!vertical || rowBytes >= 16);
  if (!covered || src.length !== width * height * channels) {
    return resizeBicubicWindow(src, width, height, channels, newWidth, newHeight, window);
  }

  // Only the source rows the window reads are copied in.
  const srcStride = width * channels;
  const layout = new Layout();
  const srcAt = layout.alloc((rowEnd - rowStart) * srcStride);
  const hAt = horizontal ? horizontalRegions(layout, horizontal) : null;
  const midRows = rowEnd - rowStart;
  const midAt = horizontal && vertical ? layout.alloc(midRows * rowBytes) : -1;
  const vAt = vertical ? verticalRegions(layout, vertical) : null;
  const outAt = layout.alloc(window.height * rowBytes);

  const kernels = kernelsFor(module, layout.size);
  const bytes = new Uint8Array(kernels.memory.buffer);
  const ints = new Int32Array(kernels.memory.buffer);
  bytes.set(src.subarray(rowStart * srcStride, rowEnd * srcStride), srcAt);

  if (horizontal && hAt) {
    writeHorizontalCoefficients(bytes, ints, hAt, horizontal, channels);
    // Without a vertical pass the rows computed are exactly the window's, straight into the output.
    kernels.horizontal(
      srcAt,
      srcStride,
      midRows,
      window.width,
      channels,
      hAt.first,
      hAt.pairs,
      hAt.weights,
      hAt.kpairs,
      hAt.mask,
      vertical ? midAt : outAt,
    );
  }
  if (vertical && vAt) {
    // Rows are read from the horizontal pass's output, or straight from the source (then from the window's first column).
    const [base, stride] = horizontal ? [midAt, rowBytes] : [srcAt + window.x * channels, srcStride];
    writeVerticalCoefficients(ints, vAt, vertical, rowStart, stride);
    kernels.vertical(
      base,
      stride,
      rowBytes,
      window.height,
      vAt.rowOffset,
      vAt.count,
      vAt.weights,
      vertical.ksize,
      outAt,
    );
  }
  return bytes.slice(outAt, outAt + window.height * rowBytes);
};

function kernelsFor(module: WasmModule, needed: number): Kernels {
  if (needed > SHARED_MEMORY_LIMIT) {
    const throwaway = instantiate(module);
    growTo(throwaway.memory, needed);
    return throwaway;
  }
  shared ??= instantiate(module);
  growTo(shared.memory, needed);
  return shared;
}

function growTo(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

interface HorizontalRegions {
  first: number;
  pairs: number;
  weights: number;
  kpairs: number;
  mask: number;
}

function horizontalRegions(layout: Layout, coeffs: AxisCoefficients): HorizontalRegions {
  const n = coeffs.first.length;
  const kpairs = Math.ceil(coeffs.ksize / 2);
  return {
    first: layout.alloc(4 * n),
    pairs: layout.alloc(4 * n),
    weights: layout.alloc(8 * n * kpairs),
    kpairs,
    mask: layout.alloc(16),
  };
}

/**
 * Taps go in pairs (an odd last tap is paired with weight 0), each weight split into int16 halves
 * w = (hi << 11) + lo, lo in [0, 2048): see the kernel's comment for why that is exact.
 */
function writeHorizontalCoefficients(
  bytes: Uint8Array,
  ints: Int32Array,
  at: HorizontalRegions,
  coeffs: AxisCoefficients,
  channels: number,
): void {
  const { first, count, weights, ksize } = coeffs;
  for (let x = 0; x < first.length; x++) {
    ints[(at.first >> 2) + x] = first[x] * channels;
    const taps = count[x];
    const pairs = (taps + 1) >> 1;
    ints[(at.pairs >> 2) + x] = pairs;
    let slot = (at.weights >> 2) + x * at.kpairs * 2;
    for (let m = 0; m < pairs; m++) {
      const w0 = weights[x * ksize + 2 * m];
      const w1 = 2 * m + 1 < taps ? weights[x * ksize + 2 * m + 1] : 0;
      ints[slot] = ((w0 >> 11) & 0xffff) | ((w1 >> 11) << 16);
      ints[slot + 1] = (w0 & 2047) | ((w1 & 2047) << 16);
      slot += 2;
    }
  }
  // Swizzle mask: int16 lane 2c <- byte c of the first pixel, lane 2c + 1 <- byte c of the second; 0x80 reads as 0.
  for (let c = 0; c < 4; c++) {
    const lane = at.mask + 4 * c;
    bytes[lane] = c < channels ? c : 0x80;
    bytes[lane + 1] = 0x80;
    bytes[lane + 2] = c < channels ? channels + c : 0x80;
    bytes[lane + 3] = 0x80;
  }
}

interface VerticalRegions {
  rowOffset: number;
  count: number;
  weights: number;
}

function verticalRegions(layout: Layout, coeffs: AxisCoefficients): VerticalRegions {
  const n = coeffs.first.length;
  return { rowOffset: layout.alloc(4 * n), count: layout.alloc(4 * n), weights: layout.alloc(4 * n * coeffs.ksize) };
}

function writeVerticalCoefficients(
  ints: Int32Array,
  at: VerticalRegions,
  coeffs: AxisCoefficients,
  firstRow: number,
  stride: number,
): void {
  const { first, count, weights } = coeffs;
  for (let y = 0; y < first.length; y++) ints[(at.rowOffset >> 2) + y] = (first[y] - firstRow) * stride;
  ints.set(count, at.count >> 2);
  ints.set(weights, at.weights >> 2);
}
