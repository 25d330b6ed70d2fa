import { NotFoundException } from '@nestjs/common';
import { ApiClientsService } from '../../src/auth/api-clients.service';
import { ManualClock } from '../../src/common/clock';
import { TEST_CONTEXT } from '../support/auth-helpers';
import { useServiceSpec } from '../support/service-spec';

/**
 * ApiClientsService against real PostgreSQL, called directly: a key authenticates as its client until
 * it expires or is revoked, and a second key rotates without downtime.
 */
describe('ApiClientsService (real PostgreSQL)', () => {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  let clients: ApiClientsService;
  const spec = useServiceSpec({ label: 'svc_api_clients', manualClock: clock }, (testApp) => {
    clients = testApp.app.get(ApiClientsService);
  });

  it('a new client’s key authenticates as that client; a wrong or malformed key does not', async () => {
    const created = await clients.create(TEST_CONTEXT, { name: '  claims portal ', team: 'north' });
    expect(await clients.authenticate(created.apiKey)).toEqual({
      kind: 'api_client',
      id: created.id,
      name: 'claims portal',
      team: 'north',
    });
    const last = created.apiKey.slice(-1);
    const tampered = created.apiKey.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    expect(await clients.authenticate(tampered)).toBeUndefined();
    expect(await clients.authenticate('not a key')).toBeUndefined();
  });

  it('rotates: a second key works beside the first, revoking the first leaves the second', async () => {
    const created = await clients.create(TEST_CONTEXT, { name: 'rotating', team: 'north' });
    const second = await clients.addKey(TEST_CONTEXT, created.id);
    expect((await clients.authenticate(created.apiKey))?.id).toBe(created.id);
    expect((await clients.authenticate(second.apiKey))?.id).toBe(created.id);
    await clients.revokeKey(TEST_CONTEXT, created.id, created.keyId);
    expect(await clients.authenticate(created.apiKey)).toBeUndefined();
    expect((await clients.authenticate(second.apiKey))?.id).toBe(created.id);
  });

  it('an expiring key stops working at its expiry on the clock', async () => {
    const created = await clients.create(TEST_CONTEXT, { name: 'expiring', team: 'north' });
    const expiring = await clients.addKey(TEST_CONTEXT, created.id, {
      expiresAt: new Date(clock.nowMs() + 60_000),
    });
    expect(await clients.authenticate(expiring.apiKey)).toBeDefined();
    clock.advance(60_000);
    expect(await clients.authenticate(expiring.apiKey)).toBeUndefined();
    expect(await clients.authenticate(created.apiKey)).toBeDefined();
  });

  it('revoking the client stops all its keys and refuses new ones', async () => {
    const created = await clients.create(TEST_CONTEXT, { name: 'revoked', team: 'north' });
    const second = await clients.addKey(TEST_CONTEXT, created.id);
    await clients.revoke(TEST_CONTEXT, created.id);
    expect(await clients.authenticate(created.apiKey)).toBeUndefined();
    expect(await clients.authenticate(second.apiKey)).toBeUndefined();
    await expect(clients.addKey(TEST_CONTEXT, created.id)).rejects.toThrow(NotFoundException);
    expect(await spec.auditActions(created.id)).toEqual([
      'api_client.created',
      'api_key.created',
      'api_client.revoked',
    ]);
  });
});
