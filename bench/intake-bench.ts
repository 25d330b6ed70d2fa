import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { AUTO_POLICY } from '../src/demo/claim-scenarios';
import { renderScene } from '../tools/scenes/scene-renderer';
import {
  argument,
  createApiKey,
  formatLoad,
  load,
  machine,
  startNode,
  tempDataDir,
  tempDatabase,
  waitReady,
  type LoadResult,
} from './bench-support';
import { freePortNumber } from './free-port';

/**
 * `npm run bench:intake`: intake under load against an API it starts on loopback (no worker, so
 * scoring does not compete): POST /v1/claims, multipart photo uploads and JWE photo uploads.
 * Prints requests/s, p50/p90/p99 latency and errors; asserts nothing.
 *
 *   --claims N (default 400)  --concurrency C (default 16)
 *   --database embedded|postgres (default embedded; postgres uses BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres)
 */
async function main(): Promise<void> {
  const claims = Number(argument('claims', '400'));
  const concurrency = Number(argument('concurrency', '16'));
  const kind = argument('database', 'embedded');
  const database = await tempDatabase(
    kind === 'postgres'
      ? (process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres')
      : undefined,
    'intake',
  );
  const dataDir = tempDataDir('intake');
  const port = await freePortNumber();
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    PORT: String(port),
    QUEUE_PREFIX: `bench-intake-${port}`,
    HOST: '127.0.0.1',
  };
  const apiKey = await createApiKey(env);
  const server = startNode('dist/src/main.js', [], env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url);
    const headers = { 'X-API-Key': apiKey };
    const policy = (await (
      await fetch(`${url}/v1/policies`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ ...AUTO_POLICY, number: `BENCH-${randomBytes(4).toString('hex')}` }),
      })
    ).json()) as { id: string };
    const photo = await renderScene({ seed: 42, object: 'sedan', colour: 'blue', damage: 'hail' }, 'jpeg');
    const jwk = ((await (await fetch(`${url}/v1/keys/intake`, { headers })).json()) as { keys: JWK[] }).keys[0];
    const key = await importJWK(jwk, 'ECDH-ES+A256KW');
    const ids: string[] = [];
    const results: LoadResult[] = [];

    results.push(
      await load('POST /v1/claims', claims, concurrency, async (index) => {
        const response = await fetch(`${url}/v1/claims`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'Idempotency-Key': `bench-${index}` },
          body: JSON.stringify({
            policyId: policy.id,
            externalReference: `B-${index}`,
            claimedPeril: 'hail',
            description: 'Hail storm.',
            incidentDate: '2026-03-01',
            amount: '1200.00',
            currency: 'EUR',
            photoSource: 'camera',
          }),
        });
        const body = (await response.json()) as { id?: string };
        if (response.status === 201 && body.id) ids[index] = body.id;
        return response.status === 201;
      }),
    );
    const half = Math.floor(ids.length / 2);
    results.push(
      await load(
        `POST photos (multipart, ${Math.round(photo.length / 1024)} KiB JPEG)`,
        half,
        concurrency,
        async (index) => {
          const form = new FormData();
          form.append('photos', new Blob([photo], { type: 'image/jpeg' }), 'front.jpg');
          const response = await fetch(`${url}/v1/claims/${ids[index]}/photos`, {
            method: 'POST',
            headers,
            body: form,
          });
          await response.arrayBuffer();
          return response.status === 201;
        },
      ),
    );
    // Encrypting is the client's work: done before the clock starts, so the numbers are the server's.
    const sealed: string[] = [];
    for (let index = half; index < ids.length; index += 1)
      sealed.push(
        await new CompactEncrypt(photo)
          .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: jwk.kid, cty: 'image/jpeg' })
          .encrypt(key),
      );
    results.push(
      await load('POST photos (JWE, application/jose)', sealed.length, concurrency, async (index) => {
        const response = await fetch(`${url}/v1/claims/${ids[half + index]}/photos`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/jose' },
          body: sealed[index],
        });
        await response.arrayBuffer();
        return response.status === 201;
      }),
    );
    results.push(
      await load('GET /v1/claims/:id (intake view)', ids.length, concurrency, async (index) => {
        const response = await fetch(`${url}/v1/claims/${ids[index]}`, { headers });
        await response.arrayBuffer();
        return response.status === 200;
      }),
    );
    process.stdout.write(`intake bench — ${new Date().toISOString()} — ${machine()}\n`);
    process.stdout.write(
      `API only (no worker), ${database.description}, concurrency ${concurrency}, loopback\n\n${formatLoad(results)}\n`,
    );
  } finally {
    await server.stop();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
