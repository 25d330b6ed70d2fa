import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One file of a model folder, pinned by size and SHA-256. */
export interface ModelFileEntry {
  path: string;
  sha256: string;
  bytes: number;
}

/** `models/<name>/manifest.json`: everything needed to run a CLIP model exactly as it was trained. */
export interface ModelManifest {
  name: string;
  description?: string;
  provenance: string;
  licence: string;
  embeddingSize: number;
  contextLength: number;
  logitScale: number;
  image: { size: number; mean: [number, number, number]; std: [number, number, number]; resize: string };
  tokenizer: { mergesFile: string; mergeCount?: number };
  inputs: { text: string; image: string };
  outputs: { text: string; image: string };
  files: { text: ModelFileEntry; vision: ModelFileEntry; merges: ModelFileEntry } & Record<string, ModelFileEntry>;
}

export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

function fail(folder: string, problem: string): never {
  throw new ModelIntegrityError(`model at ${folder}: ${problem}`);
}

/** Checks the manifest's shape; a model that would be run wrongly must not load at all. */
export function parseManifest(folder: string, raw: unknown): ModelManifest {
  const manifest = raw as Partial<ModelManifest>;
  if (!manifest || typeof manifest !== 'object') fail(folder, 'manifest.json is not a JSON object');
  for (const field of ['name', 'provenance', 'licence'] as const) {
    if (typeof manifest[field] !== 'string' || manifest[field] === '')
      fail(folder, `manifest field "${field}" must be a non-empty string`);
  }
  for (const field of ['embeddingSize', 'contextLength', 'logitScale'] as const) {
    if (typeof manifest[field] !== 'number' || !(manifest[field] > 0))
      fail(folder, `manifest field "${field}" must be a positive number`);
  }
  const image = manifest.image;
  if (!image || !Number.isInteger(image.size) || image.mean?.length !== 3 || image.std?.length !== 3) {
    fail(folder, 'manifest field "image" needs size, mean[3] and std[3]');
  }
  if (!manifest.inputs?.text || !manifest.inputs?.image || !manifest.outputs?.text || !manifest.outputs?.image) {
    fail(folder, 'manifest needs inputs.text, inputs.image, outputs.text and outputs.image');
  }
  if (!manifest.tokenizer?.mergesFile) fail(folder, 'manifest needs tokenizer.mergesFile');
  const files = manifest.files;
  for (const role of ['text', 'vision', 'merges'] as const) {
    const entry = files?.[role];
    if (
      !entry ||
      typeof entry.path !== 'string' ||
      !SHA256.test(entry.sha256 ?? '') ||
      !Number.isInteger(entry.bytes)
    ) {
      fail(folder, `manifest files.${role} needs path, sha256 (64 hex) and bytes`);
    }
    if (path.isAbsolute(entry.path) || entry.path.split(/[\\/]/).includes('..'))
      fail(folder, `files.${role}.path must stay inside the model folder`);
  }
  return manifest as ModelManifest;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads and verifies a model folder: every file present, of the pinned size and hash. */
export async function loadVerifiedManifest(folder: string): Promise<ModelManifest> {
  const manifestPath = path.join(folder, 'manifest.json');
  if (!fs.existsSync(manifestPath))
    fail(folder, 'manifest.json is missing (is CLIP_MODEL the name of a folder under models/?)');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    fail(folder, `manifest.json is not valid JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(folder, raw);
  for (const [role, entry] of Object.entries(manifest.files)) {
    const file = path.join(folder, entry.path);
    if (!fs.existsSync(file)) fail(folder, `${role} file ${entry.path} is missing`);
    const size = fs.statSync(file).size;
    if (size !== entry.bytes)
      fail(
        folder,
        `${role} file ${entry.path} has ${size} bytes, the manifest says ${entry.bytes}: the file is truncated or was replaced`,
      );
    const actual = await sha256File(file);
    if (actual !== entry.sha256) {
      fail(
        folder,
        `${role} file ${entry.path} has sha256 ${actual.slice(0, 12)}…, the manifest says ${entry.sha256.slice(0, 12)}…: the file is corrupt or was replaced`,
      );
    }
  }
  return manifest;
}

/** The model's identity for results and caches: a hash over the hashes of its files. */
export function modelHash(manifest: ModelManifest): string {
  const files = Object.keys(manifest.files)
    .sort()
    .map((role) => `${role}:${manifest.files[role].sha256}`)
    .join('\n');
  return createHash('sha256').update(files).digest('hex');
}
