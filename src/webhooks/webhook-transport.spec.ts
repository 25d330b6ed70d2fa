import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryFailed, EXCERPT_CHARS, WebhookTransport } from './webhook-transport';

/** The transport against servers on 127.0.0.1 only, reached under a name that resolves nowhere (the pinned lookup). */
describe('WebhookTransport', () => {
  const transport = new WebhookTransport();
  const options = { connectTimeoutMs: 2000, responseTimeoutMs: 300 };
  let server: http.Server;
  let port = 0;
  const seen: Array<{ host: string | undefined; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ host: request.headers.host, headers: request.headers, body });
        if (request.url === '/redirect') response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        else if (request.url === '/slow') setTimeout(() => response.writeHead(200).end(), 2000).unref();
        else if (request.url === '/big') response.writeHead(500).end('x'.repeat(100_000));
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path: string) =>
    transport.post(
      new URL(`http://hooks.invalid:${port}${path}`),
      { address: '127.0.0.1', family: 4 },
      { 'webhook-id': 'msg_1' },
      '{"a":1}',
      options,
    );

  it('connects to the checked address, not to what the name would resolve to, and sends the headers and body', async () => {
    await expect(post('/ok')).resolves.toEqual({ statusCode: 204, excerpt: '' });
    const last = seen.at(-1)!;
    expect(last.host).toBe(`hooks.invalid:${port}`);
    expect(last.headers['webhook-id']).toBe('msg_1');
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.body).toBe('{"a":1}');
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    await expect(post('/redirect')).rejects.toMatchObject({ errorClass: 'redirect', statusCode: 302 });
    expect(seen.length).toBe(before + 1);
  });

  it('keeps only a short excerpt of the answer', async () => {
    const answer = await post('/big');
    expect(answer.statusCode).toBe(500);
    expect(answer.excerpt).toHaveLength(EXCERPT_CHARS);
  });

  it('fails an answer slower than the response time-out', async () => {
    await expect(post('/slow')).rejects.toMatchObject({ errorClass: 'response_timeout' });
  });

  it('classifies a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = transport.post(
      new URL(`http://hooks.invalid:${deadPort}/`),
      { address: '127.0.0.1', family: 4 },
      {},
      '{}',
      options,
    );
    await expect(attempt).rejects.toBeInstanceOf(DeliveryFailed);
    await expect(attempt).rejects.toMatchObject({ errorClass: 'connection_refused' });
  });
});
