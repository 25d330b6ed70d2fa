/**
 * Jest set-up for every test file: Jest runs each test file in its own VM context, whose typed-array constructors differ
 * from Node's main context, while onnxruntime-node's native addon returns main-context Float32Arrays;
 * onnxruntime-common's `instanceof Float32Array` check then fails ("A float32 tensor's data must be
 * type of function Float32Array()"). Importing this module first makes the test context use the main
 * context's typed arrays. Production code never runs in a VM context and never imports it.
 */
import * as vm from 'node:vm';

const TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

for (const name of TYPED_ARRAYS) {
  (globalThis as Record<string, unknown>)[name] = vm.runInThisContext(name);
}
