/**
 * The witness's own small HTTP face: GET /checkpoint (its latest cosigned checkpoint, a signed note
 * with the log's signature and this witness's cosignature), GET /history (the (size, root) pairs it
 * cosigned), GET /evidence (heads it refused), GET /key (its C2SP cosignature verifier key).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WitnessState } from './witness-state';

export function startWitnessServer(
  state: () => WitnessState,
  verifierKey: string,
  port: number,
  host: string,
): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://witness');
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    const current = state();
    switch (url.pathname) {
      case '/checkpoint':
        return current.latest
          ? send(200, 'text/plain; charset=utf-8', current.latest.note)
          : send(404, 'text/plain; charset=utf-8', 'nothing cosigned yet\n');
      case '/history':
        return send(
          200,
          'application/json',
          JSON.stringify({ origin: current.origin, witness: verifierKey, entries: current.history }),
        );
      case '/evidence':
        return send(200, 'application/json', JSON.stringify({ origin: current.origin, evidence: current.evidence }));
      case '/key':
        return send(200, 'text/plain; charset=utf-8', `${verifierKey}\n`);
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function serverPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
