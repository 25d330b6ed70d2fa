import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { IntakeDecryptError, IntakeKeys } from '../src/crypto/intake-keys.service';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp({ label: 'crypto-intake' });
});

afterAll(async () => {
  await testApp?.close();
});

it('GET /v1/keys/intake gives an intake system a JWKS it can encrypt photos to', async () => {
  const client = await createIntakeClient(testApp);
  const response = await request(testApp.app.getHttpServer())
    .get('/v1/keys/intake')
    .set('X-API-Key', client.apiKey)
    .expect(200);
  const jwks = response.body as { keys: JWK[] };
  expect(jwks.keys).toHaveLength(1);
  const [jwk] = jwks.keys;
  expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES+A256KW', use: 'enc', kid: expect.any(String) });
  expect(jwk).not.toHaveProperty('d');

  const photo = randomBytes(4096);
  const jwe = await new CompactEncrypt(photo)
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: jwk.kid, cty: 'image/jpeg' })
    .encrypt(await importJWK(jwk, 'ECDH-ES+A256KW'));
  const { plaintext } = await testApp.app.get(IntakeKeys).decrypt(jwe);
  expect(plaintext).toEqual(photo);
  const tampered = `${jwe.slice(0, -2)}${jwe.endsWith('A') ? 'B' : 'A'}A`;
  await expect(testApp.app.get(IntakeKeys).decrypt(tampered)).rejects.toThrow(IntakeDecryptError);
});

it('refuses people other than admins, and anonymous callers', async () => {
  const server = testApp.app.getHttpServer();
  await request(server).get('/v1/keys/intake').expect(401);
  await request(server)
    .get('/v1/keys/intake')
    .set('Authorization', `Bearer ${await tokenFor(testApp, 'adjuster')}`)
    .expect(403);
});
