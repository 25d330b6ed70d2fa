import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { systemResolver, type HostResolver, type ResolvedAddress } from './webhook-target';

/** How an attempt ended when no 2xx came back: the delivery log's `errorClass`. */
export type DeliveryErrorClass =
  | 'address_refused'
  | 'invalid_url'
  | 'unresolvable'
  | 'connect_timeout'
  | 'connection_refused'
  | 'connection_error'
  | 'tls_error'
  | 'response_timeout'
  | 'redirect'
  | 'http_status';

export class DeliveryFailed extends Error {
  constructor(
    readonly errorClass: DeliveryErrorClass,
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

export interface DeliveryResponse {
  readonly statusCode: number;
  /** The first characters of the answer's body, at most EXCERPT_CHARS; the rest is never read. */
  readonly excerpt: string;
}

export const EXCERPT_CHARS = 256;
const READ_LIMIT = 4096;

export interface PostOptions {
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
}

/**
 * Sends one signed delivery. The connection goes to `target`, the address resolveTarget checked: the
 * custom `lookup` hands the socket that address instead of resolving the name again, so DNS cannot
 * change the destination between the check and the connection; TLS still verifies the certificate
 * for the URL's host name (SNI and Host header unchanged). Redirects are not followed (a 3xx is a
 * failed attempt); only a short excerpt of the answer is read.
 *
 * `resolver` is the seam tests replace (a fake DNS); `post` is the only place a packet leaves.
 */
@Injectable()
export class WebhookTransport {
  resolver: HostResolver = systemResolver;

  post(
    url: URL,
    target: ResolvedAddress,
    headers: Record<string, string>,
    body: string,
    options: PostOptions,
  ): Promise<DeliveryResponse> {
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all)
        (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      else callback(null, target.address, target.family);
    };
    const isHttps = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    return new Promise<DeliveryResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: DeliveryFailed | null, response?: DeliveryResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(responseTimer);
        if (error) reject(error);
        else resolve(response!);
      };
      const request = (isHttps ? https : http).request({
        protocol: url.protocol,
        hostname,
        port: url.port || (isHttps ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: false,
        lookup: pinned,
        ...(isHttps ? { servername: /^[\d.]+$|:/.test(hostname) ? undefined : hostname } : {}),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'claims-evidence-webhooks/1',
        },
      });
      let responseTimer: NodeJS.Timeout | undefined;
      const connectTimer = setTimeout(() => {
        finish(new DeliveryFailed('connect_timeout', `no connection within ${options.connectTimeoutMs} ms`));
        request.destroy();
      }, options.connectTimeoutMs);
      const connected = () => {
        clearTimeout(connectTimer);
        responseTimer = setTimeout(() => {
          finish(new DeliveryFailed('response_timeout', `no answer within ${options.responseTimeoutMs} ms`));
          request.destroy();
        }, options.responseTimeoutMs);
      };
      request.on('socket', (socket) => socket.once(isHttps ? 'secureConnect' : 'connect', connected));
      request.on('error', (error: NodeJS.ErrnoException) => finish(classify(error)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
          const statusCode = response.statusCode ?? 0;
          response.destroy();
          if (statusCode >= 300 && statusCode < 400)
            finish(new DeliveryFailed('redirect', `answered ${statusCode}; redirects are not followed`, statusCode));
          else finish(null, { statusCode, excerpt });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= READ_LIMIT) done();
        });
        response.on('end', done);
        response.on('error', () => done());
      });
      request.end(body);
    });
  }
}

function classify(error: NodeJS.ErrnoException): DeliveryFailed {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return new DeliveryFailed('connection_refused', 'the connection was refused');
  if (code === 'ETIMEDOUT') return new DeliveryFailed('connect_timeout', 'the connection timed out');
  if (/CERT|SSL|TLS|SELF_SIGNED|ERR_TLS/.test(code) || /certificate|SSL|TLS/i.test(error.message))
    return new DeliveryFailed('tls_error', `TLS failed: ${code || error.message}`);
  return new DeliveryFailed('connection_error', `the connection failed: ${code || error.message}`);
}
