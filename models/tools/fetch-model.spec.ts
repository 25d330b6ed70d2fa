import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadVerifiedManifest } from '../../src/scoring/model/model-manifest';
import { FetchError, fetchModel, type CatalogueEntry } from './fetch-model';

/** A local HTTP server with Range support standing in for the model hub (no network here). */
async function serve(
  files: Record<string, Buffer>,
): Promise<{ url: string; requests: Array<{ path: string; range?: string }>; close(): Promise<void> }> {
  const requests: Array<{ path: string; range?: string }> = [];
  const server = http.createServer((req, res) => {
    const body = files[req.url ?? ''];
    requests.push({ path: req.url ?? '', range: req.headers.range });
    if (!body) return void res.writeHead(404).end();
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match) {
      const start = Number(match[1]);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      return void res.end(body.subarray(start));
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function entry(base: string, sizes: { text: number; vision: number; merges: number }): CatalogueEntry {
  return {
    name: 'test-clip',
    description: 'test',
    provenance: 'test',
    licence: 'test',
    embeddingSize: 8,
    logitScale: 100,
    imageSize: 224,
    files: {
      text: { url: `${base}/text.onnx`, bytes: sizes.text, path: 'text.onnx' },
      vision: { url: `${base}/vision.onnx`, bytes: sizes.vision, path: 'vision.onnx' },
      merges: { url: `${base}/merges.txt`, bytes: sizes.merges, path: 'merges.txt' },
    },
    inputs: { text: 'input_ids', image: 'pixel_values' },
    outputs: { text: 'text_embeds', image: 'image_embeds' },
  };
}

describe('models:fetch', () => {
  const text = Buffer.from('text-graph-'.repeat(100));
  const vision = Buffer.from('vision-graph-'.repeat(300));
  const merges = Buffer.from('#version: 0.2\na b\n');

  it('downloads, resumes a partial file with Range, checks sizes and writes a manifest the loader verifies', async () => {
    const server = await serve({ '/text.onnx': text, '/vision.onnx': vision, '/merges.txt': merges });
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-'));
    try {
      fs.mkdirSync(path.join(modelsDir, 'test-clip'));
      fs.writeFileSync(path.join(modelsDir, 'test-clip', 'vision.onnx.part'), vision.subarray(0, 1000)); // an interrupted download
      const catalogue = { 'test-clip': entry(server.url, { text: text.length, vision: vision.length, merges: 0 }) };
      await fetchModel('test-clip', { modelsDir, timeoutMs: 5000 }, catalogue);
      expect(server.requests.find((r) => r.path === '/vision.onnx')?.range).toBe('bytes=1000-');
      expect(fs.readFileSync(path.join(modelsDir, 'test-clip', 'vision.onnx')).equals(vision)).toBe(true);
      const manifest = await loadVerifiedManifest(path.join(modelsDir, 'test-clip'));
      expect(manifest.files.vision).toEqual({
        path: 'vision.onnx',
        bytes: vision.length,
        sha256: createHash('sha256').update(vision).digest('hex'),
      });
      // A second run finds everything in place and downloads nothing.
      const before = server.requests.length;
      await fetchModel('test-clip', { modelsDir, timeoutMs: 5000 }, catalogue);
      expect(server.requests.length).toBe(before);
    } finally {
      await server.close();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });

  it('refuses a file whose size differs from the pinned size', async () => {
    const server = await serve({ '/text.onnx': text, '/vision.onnx': vision, '/merges.txt': merges });
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-'));
    try {
      const catalogue = { 'test-clip': entry(server.url, { text: text.length + 1, vision: vision.length, merges: 0 }) };
      await expect(fetchModel('test-clip', { modelsDir, timeoutMs: 5000 }, catalogue)).rejects.toThrow(
        /offers \d+ bytes, the catalogue pins \d+: refusing a different file/,
      );
    } finally {
      await server.close();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });

  it('fails fast and clearly when the host cannot be reached, and for unknown names', async () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-'));
    const closed = await serve({});
    await closed.close(); // a port nothing listens on
    const catalogue = { 'test-clip': entry(closed.url, { text: 0, vision: 0, merges: 0 }) };
    await expect(fetchModel('test-clip', { modelsDir, timeoutMs: 2000 }, catalogue)).rejects.toThrow(FetchError);
    await expect(fetchModel('test-clip', { modelsDir, timeoutMs: 2000 }, catalogue)).rejects.toThrow(
      /cannot download http:\/\/127\.0\.0\.1:\d+\/text\.onnx: ECONNREFUSED \(no network access\?/,
    );
    await expect(fetchModel('nope', { modelsDir, timeoutMs: 2000 })).rejects.toThrow(
      /unknown model "nope"; known: openai-clip-vit-b32, openai-clip-vit-l14/,
    );
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });
});
