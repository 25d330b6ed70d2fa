/**
 * Downloads a known ONNX export of OpenAI CLIP into models/<name>/ and writes its manifest.json.
 *
 *   npm run models:fetch -- <name> [--models-dir DIR] [--timeout-ms 15000]
 *   npm run models:fetch -- --list
 *
 * Sources are the ONNX exports published in the Hugging Face repositories named below (public,
 * well-known exports of OpenAI's weights, MIT licence); the URLs are `resolve/main` file paths of those
 * repositories. Downloads resume (HTTP Range) from `<file>.part`, every file's size is checked against
 * the catalogue (and the server's Content-Length), and the manifest pins each file by size and SHA-256,
 * which the service verifies at every load. Without network access it fails within the timeout with one
 * clear line. Sizes are those of the catalogue's pinned files; a catalogue size of 0 means "unknown:
 * accept the server's Content-Length" (used only by tests and custom catalogues).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CatalogueFile {
  url: string;
  /** Exact size when pinned; 0 = not pinned (the server's Content-Length is checked instead). */
  bytes: number;
  /** Approximate size, for the listing and the operator's disk planning. */
  approxMB?: number;
  /** Where it goes in the model folder. */
  path: string;
}

export interface CatalogueEntry {
  name: string;
  description: string;
  provenance: string;
  licence: string;
  embeddingSize: number;
  logitScale: number;
  imageSize: number;
  files: { text: CatalogueFile; vision: CatalogueFile; merges: CatalogueFile };
  inputs: { text: string; image: string };
  outputs: { text: string; image: string };
}

const OPENAI_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

const hf = (repo: string, file: string) => `https://huggingface.co/${repo}/resolve/main/${file}`;

/**
 * An entry for a Xenova CLIP repository: its two ONNX encoders (approximate sizes) and the tokenizer
 * merges, 224 px input, OpenAI's logit scale and the transformers.js input/output names.
 */
function xenovaClip(entry: {
  name: string;
  description: string;
  /** The weights, as OpenAI names the model ("ViT-B/32"). */
  weights: string;
  repo: string;
  embeddingSize: number;
  approxMB: { text: number; vision: number };
}): CatalogueEntry {
  const { repo, approxMB } = entry;
  return {
    name: entry.name,
    description: entry.description,
    provenance: `OpenAI CLIP ${entry.weights} weights, ONNX export from the Hugging Face repository ${repo} (onnx/)`,
    licence: 'MIT (OpenAI CLIP)',
    embeddingSize: entry.embeddingSize,
    logitScale: 100,
    imageSize: 224,
    files: {
      text: { url: hf(repo, 'onnx/text_model.onnx'), bytes: 0, approxMB: approxMB.text, path: 'text.onnx' },
      vision: { url: hf(repo, 'onnx/vision_model.onnx'), bytes: 0, approxMB: approxMB.vision, path: 'vision.onnx' },
      merges: { url: hf(repo, 'merges.txt'), bytes: 0, approxMB: 0.5, path: 'merges.txt' },
    },
    inputs: { text: 'input_ids', image: 'pixel_values' },
    outputs: { text: 'text_embeds', image: 'image_embeds' },
  };
}

/**
 * The known exports. Xenova's repositories hold the transformers.js ONNX exports of OpenAI's CLIP
 * (separate text and vision encoders with projection heads; inputs input_ids / pixel_values, outputs
 * text_embeds / image_embeds). The merges file is the repository's tokenizer merges (the same BPE as
 * OpenAI's bpe_simple_vocab_16e6). Exact sizes could not be checked where this catalogue was written
 * (no network), so they are not pinned (bytes: 0) and only approximate sizes are listed: every
 * download is checked against the server's Content-Length, and the manifest then pins what arrived.
 * Pin `bytes` (and compare the manifest's hashes) after a first fetch on a connected machine.
 */
export const CATALOGUE: Record<string, CatalogueEntry> = {
  'openai-clip-vit-b32': xenovaClip({
    name: 'openai-clip-vit-b32',
    description: 'OpenAI CLIP ViT-B/32 (fp32 ONNX export)',
    weights: 'ViT-B/32',
    repo: 'Xenova/clip-vit-base-patch32',
    embeddingSize: 512,
    approxMB: { text: 254, vision: 352 },
  }),
  'openai-clip-vit-l14': xenovaClip({
    name: 'openai-clip-vit-l14',
    description: 'OpenAI CLIP ViT-L/14 (fp32 ONNX export, 224 px)',
    weights: 'ViT-L/14',
    repo: 'Xenova/clip-vit-large-patch14',
    embeddingSize: 768,
    approxMB: { text: 495, vision: 1216 },
  }),
};

export class FetchError extends Error {
  override name = 'FetchError';
}

export interface FetchOptions {
  modelsDir: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
}

/** Downloads one file to `target`, resuming from `target.part`; checks the size; returns nothing on success. */
export async function downloadResumable(file: CatalogueFile, target: string, options: FetchOptions): Promise<void> {
  const fetchImpl = options.fetchImpl ?? fetch;
  if (fs.existsSync(target) && (file.bytes === 0 || fs.statSync(target).size === file.bytes)) return;
  const part = `${target}.part`;
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (file.bytes > 0 && have > file.bytes) fs.rmSync(part);
  const offset = fs.existsSync(part) ? have : 0;
  if (file.bytes > 0 && offset === file.bytes) {
    fs.renameSync(part, target);
    return;
  }
  let response: Response;
  try {
    response = await fetchImpl(file.url, {
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'follow',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new FetchError(
      `cannot download ${file.url}: ${reason} (no network access? copy the model folder from a connected machine, or use models/export/export_open_clip.py)`,
    );
  }
  if (response.status !== 200 && response.status !== 206)
    throw new FetchError(`cannot download ${file.url}: HTTP ${response.status}`);
  const resumed = response.status === 206;
  const expectedBody = Number(response.headers.get('content-length') ?? NaN);
  const start = resumed ? offset : 0;
  if (file.bytes > 0 && Number.isFinite(expectedBody) && start + expectedBody !== file.bytes) {
    throw new FetchError(
      `${file.url}: the server offers ${start + expectedBody} bytes, the catalogue pins ${file.bytes}: refusing a different file`,
    );
  }
  const out = fs.createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  let received = start;
  let lastLog = Date.now();
  try {
    if (!response.body) throw new FetchError(`${file.url}: empty response`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      received += chunk.length;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        options.log?.(
          `  ${path.basename(target)}: ${(received / 1e6).toFixed(1)} MB${file.bytes ? ` of ${(file.bytes / 1e6).toFixed(1)}` : ''}`,
        );
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  const size = fs.statSync(part).size;
  const expected = file.bytes || (Number.isFinite(expectedBody) ? start + expectedBody : size);
  if (size !== expected)
    throw new FetchError(`${file.url}: got ${size} bytes, expected ${expected}; run the command again to resume`);
  fs.renameSync(part, target);
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes manifest.json for a downloaded (or copied) folder: every file pinned by size and SHA-256. */
export async function writeManifest(entry: CatalogueEntry, folder: string): Promise<string> {
  const files: Record<string, { path: string; sha256: string; bytes: number }> = {};
  for (const [role, file] of Object.entries(entry.files)) {
    const full = path.join(folder, file.path);
    const bytes = fs.statSync(full).size;
    if (file.bytes > 0 && bytes !== file.bytes)
      throw new FetchError(`${role} file ${file.path} has ${bytes} bytes, the catalogue pins ${file.bytes}`);
    files[role] = { path: file.path, sha256: await sha256(full), bytes };
  }
  const manifest = {
    name: entry.name,
    description: entry.description,
    provenance: entry.provenance,
    licence: entry.licence,
    embeddingSize: entry.embeddingSize,
    contextLength: 77,
    logitScale: entry.logitScale,
    image: { size: entry.imageSize, mean: OPENAI_MEAN, std: OPENAI_STD, resize: 'shortest-side-bicubic-center-crop' },
    tokenizer: { mergesFile: entry.files.merges.path },
    inputs: entry.inputs,
    outputs: entry.outputs,
    files,
    fetchedFrom: Object.fromEntries(Object.entries(entry.files).map(([role, file]) => [role, file.url])),
  };
  const target = path.join(folder, 'manifest.json');
  fs.writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`);
  return target;
}

export async function fetchModel(
  name: string,
  options: FetchOptions,
  catalogue: Record<string, CatalogueEntry> = CATALOGUE,
): Promise<string> {
  const entry = catalogue[name];
  if (!entry) throw new FetchError(`unknown model "${name}"; known: ${Object.keys(catalogue).join(', ')}`);
  const folder = path.join(options.modelsDir, name);
  fs.mkdirSync(folder, { recursive: true });
  for (const [role, file] of Object.entries(entry.files)) {
    options.log?.(
      `${role}: ${file.url}${file.bytes ? ` (${(file.bytes / 1e6).toFixed(1)} MB)` : file.approxMB ? ` (~${file.approxMB} MB)` : ''}`,
    );
    await downloadResumable(file, path.join(folder, file.path), options);
  }
  return writeManifest(entry, folder);
}

function argValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--list') || args.length === 0) {
    for (const entry of Object.values(CATALOGUE)) {
      const total = Object.values(entry.files).reduce(
        (sum, file) => sum + (file.bytes ? file.bytes / 1e6 : (file.approxMB ?? 0)),
        0,
      );
      console.log(`${entry.name.padEnd(22)} ~${total.toFixed(0).padStart(5)} MB  ${entry.description}`);
    }
    if (args.length === 0)
      console.log('\nusage: npm run models:fetch -- <name> [--models-dir DIR] [--timeout-ms 15000]');
    return;
  }
  const name = args[0];
  const modelsDir = path.resolve(argValue(args, 'models-dir') ?? process.env.MODELS_DIR ?? 'models');
  const manifest = await fetchModel(name, {
    modelsDir,
    timeoutMs: Number(argValue(args, 'timeout-ms') ?? 15000),
    log: (line) => console.log(line),
  });
  console.log(`wrote ${manifest}; use it with CLIP_MODEL=${name}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
