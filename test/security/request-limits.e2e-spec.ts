import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Finding 5: a JSON body nested 2,000 levels deep answered 500 (a stack overflow in the transformer)
 * instead of 400, and slow-body connections stayed open for Node's 300 s default.
 */
describe('security finding 5: request limits', () => {
  let testApp: TestApp;
  let port: number;

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'sec_limits',
      env: { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '4000', JSON_MAX_DEPTH: '32' },
    });
    await testApp.app.listen(0, '127.0.0.1');
    port = ((testApp.app.getHttpServer() as Server).address() as AddressInfo).port;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  /** Sends the headers and part of the body, then nothing: what comes back, and when the socket closes. */
  function slowBody(): Promise<{ answer: string; closedAfterMs: number }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      const giveUp = setTimeout(() => {
        socket.destroy();
        resolve({ answer, closedAfterMs: Number.POSITIVE_INFINITY });
      }, 10_000);
      socket.on('connect', () => {
        socket.write(
          'POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
        );
      });
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => {
        clearTimeout(giveUp);
        resolve({ answer, closedAfterMs: performance.now() - started });
      });
    });
  }

  it('answers 400 to JSON nested deeper than JSON_MAX_DEPTH; a slow body gets 408 and its connection closed within HTTP_REQUEST_TIMEOUT_MS; header timeout set', async () => {
    const deep = '['.repeat(2000) + ']'.repeat(2000);
    const nested = await request(testApp.app.getHttpServer())
      .post('/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"email":"a@example.test","password":"x","extra":${deep}}`);
    expect({ status: nested.status, message: nested.body.message }).toEqual({
      status: 400,
      message: 'JSON body is nested deeper than 32 levels (JSON_MAX_DEPTH)',
    });
    // Brackets inside strings do not count; ordinary bodies pass.
    const fine = await request(testApp.app.getHttpServer())
      .post('/v1/auth/login')
      .send({ email: 'nobody@example.test', password: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' });
    expect(fine.status).toBe(401);

    const slow = await slowBody();
    expect(slow.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.answer).toMatch(/did not arrive within 1500 ms/);
    expect(slow.closedAfterMs).toBeLessThan(8000);

    const server = testApp.app.getHttpServer() as Server;
    expect(server.headersTimeout).toBe(4000);
    expect(server.requestTimeout).toBeLessThan(300_000);
  });
});
