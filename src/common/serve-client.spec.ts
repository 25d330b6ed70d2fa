import express from 'express';
import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import request from 'supertest';
import { precompress } from '../../client/precompress';
import { serveClient } from './http-app';

/** A parser that keeps the body's bytes as they arrive (superagent decodes gzip/br before parsers run). */
const bytes: Parameters<request.Test['parse']>[0] = (response, done) => {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('serveClient: precompressed files chosen by Accept-Encoding', () => {
  let root: string;
  let server: express.Express;
  const script = `export const answer = ${JSON.stringify('claims '.repeat(2000))};\n`;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'client-dist-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><title>x</title>${'<p>app</p>'.repeat(100)}`);
    fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), script);
    fs.writeFileSync(path.join(root, 'assets', 'tiny-abc.css'), 'a{}');
    // The build step itself: the vite plugin writes .br and .gz beside each compressible file.
    const plugin = precompress();
    plugin.configResolved({ root, build: { outDir: '.' } });
    plugin.closeBundle();
    server = express();
    serveClient({ use: (handler: express.RequestHandler) => server.use(handler) } as unknown as INestApplication, root);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes brotli and gzip copies at build time, not for files too small to gain', () => {
    expect(fs.existsSync(path.join(root, 'assets', 'index-abc123.js.br'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'assets', 'index-abc123.js.gz'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'assets', 'tiny-abc.css.br'))).toBe(false);
  });

  it('Accept-Encoding br gets Content-Encoding br; the decoded bytes equal the file', async () => {
    const response = await request(server)
      .get('/assets/index-abc123.js')
      .set('Accept-Encoding', 'gzip, br')
      .buffer(true)
      .parse(bytes);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers.vary).toMatch(/Accept-Encoding/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const body = response.body as Buffer;
    const decoded = body.equals(Buffer.from(script)) ? body : brotliDecompressSync(body);
    expect(decoded.toString()).toBe(script);
    expect(Number(response.headers['content-length'])).toBeLessThan(script.length / 10);
  });

  it('gzip when the browser takes only gzip, the file itself when it takes neither', async () => {
    const gzip = await request(server)
      .get('/assets/index-abc123.js')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse(bytes);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect((gzip.body as Buffer).toString()).toBe(script);
    const plain = await request(server)
      .get('/assets/index-abc123.js')
      .set('Accept-Encoding', 'identity')
      .buffer(true)
      .parse(bytes);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    expect((plain.body as Buffer).toString()).toBe(script);
    const refused = await request(server)
      .get('/assets/index-abc123.js')
      .set('Accept-Encoding', 'br;q=0, gzip')
      .buffer(true)
      .parse(bytes);
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('the SPA index is compressed too but never cached; client routes fall back to it', async () => {
    const index = await request(server).get('/supervisor').set('Accept-Encoding', 'br').buffer(true).parse(bytes);
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-encoding']).toBe('br');
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const missing = await request(server).get('/assets/missing-123.js').set('Accept-Encoding', 'br');
    expect(missing.status).toBe(404);
  });
});
