import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadVerifiedManifest, modelHash, ModelIntegrityError } from './model-manifest';

function entry(folder: string, name: string, content: string) {
  fs.writeFileSync(path.join(folder, name), content);
  return { path: name, sha256: createHash('sha256').update(content).digest('hex'), bytes: Buffer.byteLength(content) };
}

function makeModelFolder() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
  const manifest = {
    name: 'tiny',
    provenance: 'test',
    licence: 'test',
    embeddingSize: 8,
    contextLength: 77,
    logitScale: 100,
    image: { size: 224, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'shortest-side-bicubic-center-crop' },
    tokenizer: { mergesFile: 'merges.txt' },
    inputs: { text: 'input_ids', image: 'pixel_values' },
    outputs: { text: 'text_embeds', image: 'image_embeds' },
    files: {
      text: entry(folder, 'text.onnx', 'text-graph'),
      vision: entry(folder, 'vision.onnx', 'vision-graph'),
      merges: entry(folder, 'merges.txt', '#version\na b\n'),
    },
  };
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
  return { folder, manifest };
}

describe('model manifest verification', () => {
  it('accepts a folder whose files match the manifest and derives a stable model hash', async () => {
    const { folder } = makeModelFolder();
    const manifest = await loadVerifiedManifest(folder);
    expect(manifest.name).toBe('tiny');
    expect(modelHash(manifest)).toMatch(/^[0-9a-f]{64}$/);
    expect(modelHash(manifest)).toBe(modelHash(await loadVerifiedManifest(folder)));
  });

  it('refuses a file whose bytes changed, naming the file', async () => {
    const { folder } = makeModelFolder();
    fs.writeFileSync(path.join(folder, 'vision.onnx'), 'vision-grapH');
    await expect(loadVerifiedManifest(folder)).rejects.toThrow(ModelIntegrityError);
    await expect(loadVerifiedManifest(folder)).rejects.toThrow(
      /vision file vision\.onnx has sha256 .* the file is corrupt or was replaced/,
    );
  });

  it('refuses a truncated file', async () => {
    const { folder } = makeModelFolder();
    fs.writeFileSync(path.join(folder, 'text.onnx'), 'text');
    await expect(loadVerifiedManifest(folder)).rejects.toThrow(
      /text file text\.onnx has 4 bytes, the manifest says 10/,
    );
  });

  it('refuses a missing manifest or a path that leaves the folder', async () => {
    await expect(loadVerifiedManifest(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).rejects.toThrow(
      /manifest\.json is missing/,
    );
    const { folder, manifest } = makeModelFolder();
    fs.writeFileSync(
      path.join(folder, 'manifest.json'),
      JSON.stringify({ ...manifest, files: { ...manifest.files, text: { ...manifest.files.text, path: '../x' } } }),
    );
    await expect(loadVerifiedManifest(folder)).rejects.toThrow(/must stay inside the model folder/);
  });
});
