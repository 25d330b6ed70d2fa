import { subject } from '@casl/ability';
import { AbilityFactory } from './ability.factory';
import { accessibleWhere } from './accessible-where';
import type { Actor } from '../common/actor';

const factory = new AbilityFactory();
const intakeA: Actor = { kind: 'api_client', id: '00000000-0000-4000-8000-00000000000a', team: 'team-a', name: 'A' };
const intakeB: Actor = { kind: 'api_client', id: '00000000-0000-4000-8000-00000000000b', team: 'team-a', name: 'B' };
const user = (
  role: 'adjuster' | 'supervisor' | 'compliance' | 'admin' | 'investigator',
  team = 'team-a',
  id = `u-${role}`,
): Actor => ({
  kind: 'user',
  id,
  role,
  team,
  email: `${role}@x`,
});
const claimOfA = subject('Claim', { id: 'c1', submitterClientId: intakeA.id, team: 'team-a' });
const claimOfB = subject('Claim', { id: 'c2', submitterClientId: intakeB.id, team: 'team-a' });

describe('AbilityFactory', () => {
  it('intake client A may read, list, upload to and submit only its own claims', () => {
    const ability = factory.createForActor(intakeA);
    for (const action of ['read', 'list', 'update'] as const) {
      expect(ability.can(action, claimOfA)).toBe(true);
      expect(ability.can(action, claimOfB)).toBe(false);
    }
    expect(ability.can('create', subject('Photo', { claimId: 'c1', submitterClientId: intakeA.id }))).toBe(true);
    expect(ability.can('create', subject('Photo', { claimId: 'c2', submitterClientId: intakeB.id }))).toBe(false);
    expect(ability.can('create', 'Claim')).toBe(true);
  });

  it('intake never sees scores, flags, notes, decisions, review tasks or audit', () => {
    const ability = factory.createForActor(intakeA);
    for (const type of ['ScoringRun', 'Decision', 'ReviewTask', 'AuditEvent', 'User', 'ApiClient'] as const) {
      expect(ability.can('read', type)).toBe(false);
    }
    expect(ability.can('view_content', 'Photo')).toBe(false);
  });

  it('adjuster: its team queue; photos only of claims assigned to it', () => {
    const ability = factory.createForActor(user('adjuster', 'team-a', 'adj-1'));
    expect(ability.can('read', subject('Claim', { team: 'team-a' }))).toBe(true);
    expect(ability.can('read', subject('Claim', { team: 'team-b' }))).toBe(false);
    expect(ability.can('view_content', subject('Photo', { team: 'team-a', assigneeId: 'adj-1' }))).toBe(true);
    expect(ability.can('view_content', subject('Photo', { team: 'team-a', assigneeId: 'adj-2' }))).toBe(false);
    expect(ability.can('assign', subject('ReviewTask', { team: 'team-a', assigneeId: null, status: 'open' }))).toBe(
      true,
    );
    expect(
      ability.can('assign', subject('ReviewTask', { team: 'team-a', assigneeId: 'adj-2', status: 'assigned' })),
    ).toBe(false);
    expect(
      ability.can('assign', subject('ReviewTask', { team: 'team-a', assigneeId: null, status: 'escalated' })),
    ).toBe(false);
    expect(ability.can('assign', subject('ReviewTask', { team: 'team-b', assigneeId: null, status: 'open' }))).toBe(
      false,
    );
    expect(ability.can('decide', subject('ReviewTask', { team: 'team-a', assigneeId: 'adj-2' }))).toBe(false);
    expect(ability.can('decide', subject('ReviewTask', { team: 'team-a', assigneeId: 'adj-1' }))).toBe(true);
    expect(ability.can('override', 'Decision')).toBe(false);
    expect(ability.can('read', 'AuditEvent')).toBe(false);
  });

  it('supervisor: everything in its team, nothing outside', () => {
    const ability = factory.createForActor(user('supervisor'));
    expect(ability.can('view_content', subject('Photo', { team: 'team-a', assigneeId: 'someone' }))).toBe(true);
    expect(ability.can('view_content', subject('Photo', { team: 'team-b', assigneeId: null }))).toBe(false);
    expect(ability.can('assign', subject('ReviewTask', { team: 'team-a', assigneeId: 'x' }))).toBe(true);
    expect(ability.can('override', subject('Decision', { team: 'team-a' }))).toBe(true);
    expect(ability.can('update', subject('Decision', { team: 'team-a' }))).toBe(false);
  });

  it('review: only supervisors of the team override; compliance, admin and adjusters never', () => {
    expect(
      factory.createForActor(user('supervisor', 'team-a')).can('override', subject('Decision', { team: 'team-b' })),
    ).toBe(false);
    for (const role of ['adjuster', 'compliance', 'admin'] as const) {
      expect(factory.createForActor(user(role)).can('override', 'Decision')).toBe(false);
      expect(factory.createForActor(user(role)).can('override', subject('Decision', { team: 'team-a' }))).toBe(false);
    }
    for (const role of ['compliance', 'admin'] as const) {
      const ability = factory.createForActor(user(role));
      for (const action of ['list', 'assign', 'decide'] as const) expect(ability.can(action, 'ReviewTask')).toBe(false);
    }
  });

  it('compliance: reads audit and decisions, photos only with a justification, never changes a decision', () => {
    const without = factory.createForActor(user('compliance'));
    expect(without.can('read', 'AuditEvent')).toBe(true);
    expect(without.can('export', 'AuditEvent')).toBe(true);
    expect(without.can('read', 'Decision')).toBe(true);
    expect(without.can('view_content', 'Photo')).toBe(false);
    for (const action of ['create', 'update', 'override', 'delete'] as const)
      expect(without.can(action, 'Decision')).toBe(false);
    const withJustification = factory.createForActor(user('compliance'), { justification: 'complaint #12 review' });
    expect(withJustification.can('view_content', subject('Photo', { team: 'team-z' }))).toBe(true);
    expect(factory.createForActor(user('compliance'), { justification: '   ' }).can('view_content', 'Photo')).toBe(
      false,
    );
  });

  it('investigator: reads claims and photos (with GPS) of every team, never reviews or decides', () => {
    const investigator = factory.createForActor(user('investigator', 'special-investigations'));
    expect(investigator.can('read', subject('Claim', { team: 'team-z' }))).toBe(true);
    expect(investigator.can('view_content', subject('Photo', { team: 'team-z', assigneeId: null }))).toBe(true);
    expect(investigator.can('read_location', subject('Photo', { team: 'team-z' }))).toBe(true);
    expect(investigator.can('read', subject('DuplicateMatch', { team: 'team-z' }))).toBe(true);
    for (const action of ['assign', 'decide', 'list'] as const)
      expect(investigator.can(action, 'ReviewTask')).toBe(false);
    for (const action of ['create', 'override'] as const) expect(investigator.can(action, 'Decision')).toBe(false);
    expect(investigator.can('read', 'AuditEvent')).toBe(false);
  });

  it('GPS and duplicate-match identities: supervisors of the team and investigators, not adjusters or compliance', () => {
    const supervisor = factory.createForActor(user('supervisor'));
    expect(supervisor.can('read_location', subject('Photo', { team: 'team-a' }))).toBe(true);
    expect(supervisor.can('read_location', subject('Photo', { team: 'team-b' }))).toBe(false);
    expect(supervisor.can('read', subject('DuplicateMatch', { team: 'team-a' }))).toBe(true);
    const adjuster = factory.createForActor(user('adjuster'));
    expect(adjuster.can('read_location', subject('Photo', { team: 'team-a', assigneeId: 'u-adjuster' }))).toBe(false);
    expect(adjuster.can('read', subject('DuplicateMatch', { team: 'team-a' }))).toBe(false);
    const compliance = factory.createForActor(user('compliance'), { justification: 'complaint #12 review' });
    expect(compliance.can('read_location', 'Photo')).toBe(false);
  });

  it('admin manages users, clients, policies, thresholds, ops; never edits audit events or decisions', () => {
    const ability = factory.createForActor(user('admin'));
    for (const type of ['User', 'ApiClient', 'Policy', 'Threshold', 'Ops'] as const)
      expect(ability.can('manage', type)).toBe(true);
    expect(ability.can('read', 'AuditEvent')).toBe(true);
    expect(ability.can('update', 'AuditEvent')).toBe(false);
    expect(ability.can('delete', 'AuditEvent')).toBe(false);
    expect(ability.can('update', 'Decision')).toBe(false);
    expect(ability.can('read', 'Claim')).toBe(false);
  });

  it('webhook endpoints: an intake client its own only, admins any, staff none', () => {
    const ofA = subject('WebhookEndpoint', { clientId: intakeA.id });
    const ofB = subject('WebhookEndpoint', { clientId: intakeB.id });
    const intake = factory.createForActor(intakeA);
    for (const action of ['create', 'read', 'list', 'update', 'delete'] as const) {
      expect(intake.can(action, ofA)).toBe(true);
      expect(intake.can(action, ofB)).toBe(false);
    }
    expect(accessibleWhere(intake, 'WebhookEndpoint', { paramStyle: 'positional' })).toMatchObject({
      sql: '("client_id" = $1)',
      values: [intakeA.id],
    });
    const admin = factory.createForActor(user('admin'));
    expect(admin.can('update', ofB)).toBe(true);
    for (const role of ['adjuster', 'supervisor', 'compliance'] as const)
      expect(factory.createForActor(user(role)).can('read', 'WebhookEndpoint')).toBe(false);
  });

  it('anonymous may do nothing', () => {
    const ability = factory.createForActor(undefined);
    expect(ability.can('read', 'Claim')).toBe(false);
    expect(ability.can('create', 'Claim')).toBe(false);
  });
});

describe('accessibleWhere', () => {
  it('intake: only its own claims, as a parameterised condition', () => {
    const where = accessibleWhere(factory.createForActor(intakeA), 'Claim', { alias: 'c' });
    expect(where.sql).toBe('("c"."submitter_client_id" = :acc_0)');
    expect(where.params).toEqual({ acc_0: intakeA.id });
    const positional = accessibleWhere(factory.createForActor(intakeA), 'Claim', {
      paramStyle: 'positional',
      firstIndex: 3,
    });
    expect(positional.sql).toBe('("submitter_client_id" = $3)');
    expect(positional.values).toEqual([intakeA.id]);
  });

  it('no rule: FALSE; unconditional rule: TRUE', () => {
    expect(accessibleWhere(factory.createForActor(user('admin')), 'Claim')).toMatchObject({ sql: 'FALSE', none: true });
    expect(accessibleWhere(factory.createForActor(user('compliance')), 'Claim')).toMatchObject({
      sql: 'TRUE',
      none: false,
    });
    expect(accessibleWhere(factory.createForActor(undefined), 'Claim').none).toBe(true);
  });

  it('team-scoped roles filter by team; inverted rules exclude rows', () => {
    expect(
      accessibleWhere(factory.createForActor(user('supervisor', 'team-b')), 'ReviewTask', { alias: 't' }),
    ).toMatchObject({ sql: '("t"."team" = :acc_0)', params: { acc_0: 'team-b' } });
    expect(
      accessibleWhere(factory.createForActor(user('adjuster', 'team-a', 'adj-1')), 'ReviewTask', { action: 'assign' })
        .sql,
    ).toBe('("team" = :acc_0 AND "assignee_id" IS NULL AND "status" = :acc_1)');
    expect(accessibleWhere(factory.createForActor(user('compliance')), 'Decision', { action: 'update' }).none).toBe(
      true,
    );
    expect(accessibleWhere(factory.createForActor(user('supervisor')), 'Claim').sql).toBe('("team" = :acc_0)');
  });

  it('a retention change needs a second compliance officer: its proposer may not approve it', () => {
    const officer = factory.createForActor(user('compliance', 'team-a', 'officer-1'));
    expect(officer.can('approve', 'RetentionChange')).toBe(true);
    expect(officer.can('approve', subject('RetentionChange', { proposedBy: 'officer-2' }))).toBe(true);
    expect(officer.can('approve', subject('RetentionChange', { proposedBy: 'officer-1' }))).toBe(false);
    expect(factory.createForActor(user('admin')).can('approve', 'RetentionChange')).toBe(false);
  });

  it("saved audit searches are their owner's only", () => {
    const officer = factory.createForActor(user('compliance', 'team-a', 'officer-1'));
    expect(officer.can('delete', subject('AuditSavedSearch', { userId: 'officer-1' }))).toBe(true);
    expect(officer.can('delete', subject('AuditSavedSearch', { userId: 'officer-2' }))).toBe(false);
    expect(factory.createForActor(user('adjuster')).can('list', 'AuditSavedSearch')).toBe(false);
  });
});
