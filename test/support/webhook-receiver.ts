import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook } from './webhook-verifier';

export interface ReceivedDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
  /** null when the signature verified with one of the receiver's secrets; the failure otherwise. */
  readonly verificationError: string | null;
}

/**
 * A webhook receiver on 127.0.0.1, as an intake system would write one: it verifies every delivery's
 * signature with the independent verifier (test/support/webhook-verifier.ts) and de-duplicates by
 * `webhook-id` (a redelivered or retried event is acknowledged but processed once).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  /** event id → the payload processed once. */
  readonly processed = new Map<string, unknown>();
  duplicates = 0;
  secrets: string[] = [];
  now: () => Date = () => new Date();
  private server: http.Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        );
        let verificationError: string | null = 'no secret';
        for (const secret of this.secrets) {
          try {
            verifyStandardWebhook(secret, headers, body, { now: this.now() });
            verificationError = null;
            break;
          } catch (error) {
            verificationError = (error as Error).message;
          }
        }
        this.received.push({ headers, body, verificationError });
        if (verificationError) {
          response.writeHead(400).end('bad signature');
          return;
        }
        const id = headers['webhook-id'];
        if (this.processed.has(id)) this.duplicates += 1;
        else this.processed.set(id, JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  ofType(type: string): Array<{ type: string; timestamp: string; data: Record<string, unknown> }> {
    return [...this.processed.values()].filter((payload) => (payload as { type: string }).type === type) as Array<{
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    }>;
  }
}
