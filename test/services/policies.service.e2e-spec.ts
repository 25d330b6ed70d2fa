import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { PoliciesService } from '../../src/policies/policies.service';
import type { CreatePolicyDto } from '../../src/policies/policies.dto';
import { Policy } from '../../src/policies/policy.entity';
import { intakeActor, staffActor } from '../support/service-actors';
import { policyBody } from '../fixtures/intake-fixtures';
import { useServiceSpec } from '../support/service-spec';

/**
 * PoliciesService against real PostgreSQL, called directly: creation with its clauses (audited,
 * all-or-nothing) and who may read a policy (an intake system its own; staff one that a claim they may read
 * references — security finding 7).
 */
describe('PoliciesService (real PostgreSQL)', () => {
  let policies: PoliciesService;
  const spec = useServiceSpec({ label: 'svc_policies' }, (testApp) => {
    policies = testApp.app.get(PoliciesService);
  });

  /** The intake fixture's policy body, as a property policy with a hail cover and a wear exclusion. */
  function input(overrides: Partial<CreatePolicyDto> = {}): CreatePolicyDto {
    return policyBody({
      lineOfBusiness: 'property',
      insuredObject: 'two-storey brick house',
      clauses: [
        {
          code: 'C-HAIL',
          kind: 'coverage',
          text: 'Hail damage.',
          perilKey: 'hail',
          prompts: ['a roof with hail damage'],
        },
        { code: 'X-WEAR', kind: 'exclusion', text: 'Wear and tear.', perilKey: 'wear' },
      ],
      ...overrides,
    }) as unknown as CreatePolicyDto;
  }

  async function intake() {
    return spec.caller(intakeActor(await spec.make.newApiClient()));
  }

  it('creates a policy with its clauses, owned by the intake client, in the default jurisdiction, audited', async () => {
    const { actor, context } = await intake();
    const view = await policies.create(context, actor, input());
    expect(view).toMatchObject({ lineOfBusiness: 'property', jurisdiction: 'default' });
    expect(view.clauses.map((clause) => [clause.code, clause.kind, clause.prompts]).sort()).toEqual([
      ['C-HAIL', 'coverage', ['a roof with hail damage']],
      ['X-WEAR', 'exclusion', []],
    ]);
    const row = await spec.dataSource.getRepository(Policy).findOneByOrFail({ id: view.id });
    expect(row.createdByClientId).toBe(actor.id);
    const [event] = (await spec.dataSource.query(`SELECT action, actor_id FROM audit_events WHERE resource_id = $1`, [
      view.id,
    ])) as Array<{ action: string; actor_id: string }>;
    expect(event).toEqual({ action: 'policy.created', actor_id: actor.id });
  });

  it('refuses a duplicate number (409), a repeated clause code and reversed dates (400), storing nothing', async () => {
    const { actor, context } = await intake();
    const first = input();
    await policies.create(context, actor, first);
    await expect(policies.create(context, actor, input({ number: first.number }))).rejects.toThrow(ConflictException);
    const twice = input();
    twice.clauses = [twice.clauses[0], { ...twice.clauses[0] }];
    await expect(policies.create(context, actor, twice)).rejects.toThrow(BadRequestException);
    const reversed = input({ effectiveFrom: '2026-01-01', effectiveTo: '2025-01-01' });
    await expect(policies.create(context, actor, reversed)).rejects.toThrow(BadRequestException);
    const stored = await spec.dataSource
      .getRepository(Policy)
      .findBy([{ number: twice.number }, { number: reversed.number }]);
    expect(stored).toEqual([]);
    expect(await spec.dataSource.getRepository(Policy).countBy({ number: first.number })).toBe(1);
  });

  it('lets an intake client read its own policies only; staff only those a claim they may read references', async () => {
    const owner = await intake();
    const other = await intake();
    const mine = await policies.create(owner.context, owner.actor, input());
    const seeded = await spec.make.newPolicy({ createdByClientId: null });
    await spec.make.newClaim({ policyId: mine.id, team: 'team-a' });

    expect((await policies.getFor(owner.ability, mine.id)).id).toBe(mine.id);
    await expect(policies.getFor(other.ability, mine.id)).rejects.toThrow(NotFoundException);
    await expect(policies.getFor(owner.ability, seeded.id)).rejects.toThrow(NotFoundException);
    await expect(policies.getFor(owner.ability, 'not-a-uuid')).rejects.toThrow(NotFoundException);

    const staff = async (role: 'adjuster' | 'supervisor' | 'compliance', team: string) =>
      spec.caller(staffActor(await spec.make.newUser({ role, team }))).ability;
    for (const role of ['adjuster', 'supervisor', 'compliance'] as const) {
      const ability = await staff(role, 'team-a');
      expect((await policies.getFor(ability, mine.id)).id).toBe(mine.id);
      // No claim references the seeded policy: not readable by any staff role (404, not 403).
      await expect(policies.getFor(ability, seeded.id)).rejects.toThrow(NotFoundException);
    }
    // Another team's adjuster and supervisor cannot see the claim, so not its policy either; compliance reads all claims.
    await expect(policies.getFor(await staff('adjuster', 'team-b'), mine.id)).rejects.toThrow(NotFoundException);
    await expect(policies.getFor(await staff('supervisor', 'team-b'), mine.id)).rejects.toThrow(NotFoundException);
    expect((await policies.getFor(await staff('compliance', 'team-b'), mine.id)).id).toBe(mine.id);
  });
});
