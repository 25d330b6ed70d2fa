import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * The simulator's webhook receiver (`npm run simulate -- --webhooks`): it listens on a local port, the
 * simulator registers it as its intake system's endpoint, and it learns each claim's status from the
 * signed events instead of polling. Every delivery is verified (the `standardwebhooks` receiver library,
 * as an intake system would use it) and de-duplicated by `webhook-id`. It measures, per event type, the
 * time from the change (the payload's `timestamp`: scoring result, request, decision) to its arrival.
 */
export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: { claimId: string; status?: string; message?: string; dueAt?: string; outcome?: string };
}

export interface WebhookSummary {
  url: string;
  received: number;
  verified: number;
  failedVerification: number;
  duplicates: number;
  byType: Record<string, number>;
  /** Change → delivery, in milliseconds, per event type and over all (p50, p99, max, count). */
  latencyMs: Record<string, { p50: number; p99: number; max: number; count: number }>;
  informationRequestsAnswered: number;
  informationRequestErrors: string[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export class WebhookListener {
  /** Each claim's scoring outcome, from its latest `claim.scored` event. */
  readonly status = new Map<string, string>();
  private readonly seen = new Set<string>();
  private readonly latencies = new Map<string, number[]>();
  private readonly byType: Record<string, number> = {};
  private server: http.Server | undefined;
  private verifier: Webhook | undefined;
  private received = 0;
  private verified = 0;
  private failedVerification = 0;
  private duplicates = 0;
  private answered = 0;
  private readonly answerErrors: string[] = [];
  private readonly pending: Array<Promise<void>> = [];
  /** Set by the simulator: answers an information request (another photo, then resubmit). */
  onInformationRequested: ((event: WebhookEvent) => Promise<void>) | undefined;
  url = '';

  async start(host: string, port: number): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.receive(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/webhooks`;
    return this.url;
  }

  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  private receive(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const arrived = Date.now();
    this.received += 1;
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    let event: WebhookEvent;
    try {
      if (!this.verifier) throw new Error('no secret yet');
      event = this.verifier.verify(body, headers) as WebhookEvent;
    } catch {
      this.failedVerification += 1;
      response.writeHead(400).end();
      return;
    }
    this.verified += 1;
    response.writeHead(204).end();
    const id = headers['webhook-id'];
    if (this.seen.has(id)) {
      this.duplicates += 1;
      return;
    }
    this.seen.add(id);
    this.byType[event.type] = (this.byType[event.type] ?? 0) + 1;
    const latency = arrived - Date.parse(event.timestamp);
    for (const key of [event.type, 'all']) this.latencies.set(key, [...(this.latencies.get(key) ?? []), latency]);
    // The scoring outcome (the latest one after a resubmission): what the simulator compares with what it planted.
    if (event.type === 'claim.scored' && event.data.status) this.status.set(event.data.claimId, event.data.status);
    if (event.type === 'claim.information_requested' && this.onInformationRequested) {
      const answer = this.onInformationRequested(event).then(
        () => {
          this.answered += 1;
        },
        (error: unknown) => {
          this.answerErrors.push(`${event.data.claimId}: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      this.pending.push(answer);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.pending);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  summary(): WebhookSummary {
    const latencyMs: WebhookSummary['latencyMs'] = {};
    for (const [type, values] of this.latencies) {
      const sorted = [...values].sort((a, b) => a - b);
      latencyMs[type] = {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? 0,
        count: sorted.length,
      };
    }
    return {
      url: this.url,
      received: this.received,
      verified: this.verified,
      failedVerification: this.failedVerification,
      duplicates: this.duplicates,
      byType: { ...this.byType },
      latencyMs,
      informationRequestsAnswered: this.answered,
      informationRequestErrors: this.answerErrors.slice(0, 20),
    };
  }
}
