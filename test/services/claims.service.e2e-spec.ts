import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ClaimsService } from '../../src/claims/claims.service';
import type { CreateClaimDto } from '../../src/claims/claims.dto';
import { Claim } from '../../src/claims/claim.entity';
import { ManualClock } from '../../src/common/clock';
import { intakeActor, staffActor } from '../support/service-actors';
import { claimBody } from '../fixtures/intake-fixtures';
import { useServiceSpec } from '../support/service-spec';

/**
 * ClaimsService against real PostgreSQL (and Redis for submit), called directly: creation and its
 * Idempotency-Key, reads scoped by the access rules, submission draft → queued.
 */
describe('ClaimsService (real PostgreSQL)', () => {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  let claims: ClaimsService;
  const spec = useServiceSpec({ label: 'svc_claims', manualClock: clock }, (testApp) => {
    claims = testApp.app.get(ClaimsService);
  });

  /** An intake client with a policy of its own. */
  async function intake(team = 'team-a') {
    const client = await spec.make.newApiClient({ team });
    const policy = await spec.make.newPolicy({ createdByClientId: client.id });
    return { client, policy, ...spec.caller(intakeActor(client)) };
  }

  /** The intake fixture's claim body, with the amount written without decimals. */
  function body(policyId: string, overrides: Partial<CreateClaimDto> = {}): CreateClaimDto {
    return claimBody(policyId, { amount: '1250', ...overrides }) as unknown as CreateClaimDto;
  }

  describe('create', () => {
    it('stores a draft in the client’s team, with the amount normalised, and audits it', async () => {
      const { policy, actor, ability, context, client } = await intake('north');
      const result = await claims.create(context, actor, ability, 'key-1', body(policy.id));
      expect(result.created).toBe(true);
      expect(result.claim).toMatchObject({ status: 'draft', policyId: policy.id, amount: '1250.00' });
      const row = await spec.dataSource.getRepository(Claim).findOneByOrFail({ id: result.claim.id });
      expect(row).toMatchObject({ team: 'north', submitterClientId: client.id, idempotencyKey: 'key-1' });
      expect(await spec.auditActions(result.claim.id)).toEqual(['claim.created']);
    });

    it('replays the same key and body as the same claim, created once', async () => {
      const { policy, actor, ability, context, client } = await intake();
      const input = body(policy.id);
      const first = await claims.create(context, actor, ability, 'replay-key', input);
      // "1250" and "1250.00" are the same amount: still the same request.
      const again = await claims.create(context, actor, ability, 'replay-key', { ...input, amount: '1250.00' });
      expect(again).toMatchObject({ created: false, claim: { id: first.claim.id } });
      expect(await spec.dataSource.getRepository(Claim).countBy({ submitterClientId: client.id })).toBe(1);
      expect(await spec.auditActions(first.claim.id)).toEqual(['claim.created']);
    });

    it('creates one claim for concurrent identical requests', async () => {
      const { policy, actor, ability, context, client } = await intake();
      const input = body(policy.id);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => claims.create(context, actor, ability, 'race-key', input)),
      );
      expect(new Set(results.map((result) => result.claim.id)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await spec.dataSource.getRepository(Claim).countBy({ submitterClientId: client.id })).toBe(1);
    });

    it('refuses a key reused with another body (409) and changes nothing', async () => {
      const { policy, actor, ability, context, client } = await intake();
      await claims.create(context, actor, ability, 'reused', body(policy.id, { externalReference: 'A' }));
      await expect(
        claims.create(context, actor, ability, 'reused', body(policy.id, { externalReference: 'B' })),
      ).rejects.toThrow(ConflictException);
      const rows = await spec.dataSource.getRepository(Claim).findBy({ submitterClientId: client.id });
      expect(rows.map((row) => row.externalReference)).toEqual(['A']);
    });

    it('the same key of two clients makes two claims', async () => {
      const a = await intake();
      const b = await intake();
      const first = await claims.create(a.context, a.actor, a.ability, 'shared', body(a.policy.id));
      const second = await claims.create(b.context, b.actor, b.ability, 'shared', body(b.policy.id));
      expect(first.created && second.created).toBe(true);
      expect(second.claim.id).not.toBe(first.claim.id);
    });

    it('answers 404 for another client’s policy, and stores nothing', async () => {
      const owner = await intake();
      const other = await intake();
      await expect(
        claims.create(other.context, other.actor, other.ability, 'foreign-policy', body(owner.policy.id)),
      ).rejects.toThrow(NotFoundException);
      expect(await spec.dataSource.getRepository(Claim).countBy({ submitterClientId: other.client.id })).toBe(0);
    });
  });

  describe('reads', () => {
    it('lists only what the caller may see: the intake its own claims, an adjuster its team’s', async () => {
      const a = await intake('team-list');
      const b = await intake('team-list');
      const mine = await spec.make.newClaim({
        submitterClientId: a.client.id,
        policyId: a.policy.id,
        team: 'team-list',
      });
      const theirs = await spec.make.newClaim({
        submitterClientId: b.client.id,
        policyId: b.policy.id,
        team: 'team-list',
      });
      await spec.make.newClaim({ team: 'team-elsewhere' });

      const intakePage = await claims.list(a.actor, a.ability, { pageSize: 100 });
      expect(intakePage.items.map((item) => item.id)).toEqual([mine.id]);
      expect(intakePage.total).toBe(1);

      const adjuster = staffActor(await spec.make.newUser({ role: 'adjuster', team: 'team-list' }));
      const staffPage = await claims.list(adjuster, spec.caller(adjuster).ability, { pageSize: 100 });
      expect(staffPage.items.map((item) => item.id).sort()).toEqual([mine.id, theirs.id].sort());

      await expect(claims.getFor(a.actor, a.ability, theirs.id)).rejects.toThrow(NotFoundException);
      await expect(claims.getFor(a.actor, a.ability, 'not-a-uuid')).rejects.toThrow(NotFoundException);
      expect(await claims.getFor(a.actor, a.ability, mine.id)).toMatchObject({ id: mine.id, status: 'draft' });
    });

    it('filters the list by status', async () => {
      const a = await intake();
      const draft = await spec.make.newClaim({ submitterClientId: a.client.id, policyId: a.policy.id });
      await spec.make.newClaim({ submitterClientId: a.client.id, policyId: a.policy.id, status: 'needs_review' });
      const page = await claims.list(a.actor, a.ability, { status: 'draft' });
      expect(page.items.map((item) => item.id)).toEqual([draft.id]);
    });
  });

  describe('submit', () => {
    it('refuses a claim without photos (422) and leaves it a draft', async () => {
      const a = await intake();
      const claim = await spec.make.newClaim({ submitterClientId: a.client.id, policyId: a.policy.id });
      await expect(claims.submit(a.context, a.ability, claim.id)).rejects.toThrow(UnprocessableEntityException);
      expect(await spec.dataSource.getRepository(Claim).findOneByOrFail({ id: claim.id })).toMatchObject({
        status: 'draft',
        submittedAt: null,
      });
    });

    it('moves a draft with photos to queued at the clock’s time, once', async () => {
      const a = await intake();
      const claim = await spec.make.newClaim({ submitterClientId: a.client.id, policyId: a.policy.id });
      await spec.make.newPhoto({ claimId: claim.id });
      await spec.make.newPhoto({ claimId: claim.id });
      const submitted = await claims.submit(a.context, a.ability, claim.id);
      expect(submitted).toEqual({ id: claim.id, status: 'queued', submittedAt: '2026-03-02T09:00:00.000Z' });
      const events = (await spec.dataSource.query(
        `SELECT action, details FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
        [claim.id],
      )) as Array<{ action: string; details: Record<string, unknown> }>;
      expect(events).toContainEqual({
        action: 'claim.submitted',
        details: { photoCount: 2, from: 'draft', to: 'queued' },
      });
      await expect(claims.submit(a.context, a.ability, claim.id)).rejects.toThrow(ConflictException);
    });

    it('does not let one intake client submit another’s claim', async () => {
      const owner = await intake();
      const other = await intake();
      const claim = await spec.make.newClaim({ submitterClientId: owner.client.id, policyId: owner.policy.id });
      await spec.make.newPhoto({ claimId: claim.id });
      await expect(claims.submit(other.context, other.ability, claim.id)).rejects.toThrow(NotFoundException);
      expect((await spec.dataSource.getRepository(Claim).findOneByOrFail({ id: claim.id })).status).toBe('draft');
    });
  });
});
