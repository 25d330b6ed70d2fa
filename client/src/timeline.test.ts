import { describe, expect, it } from 'vitest';
import { actorText, describeEvent, fieldName } from './timeline';

const base = { actorType: 'user', actorId: '3f2b1c4d-0000-4000-8000-000000000000', details: {} };

describe('claim timeline in plain words', () => {
  it('names the actor by name, else by kind', () => {
    expect(actorText({ ...base, action: 'x.y', actorName: 'Ada Officer' })).toBe('Ada Officer');
    expect(actorText({ ...base, action: 'x.y', actorType: 'job', actorId: 'job:retention' })).toBe('The system');
    expect(actorText({ ...base, action: 'x.y' })).toBe('User 3f2b1c4d');
  });

  it('says what a status change changed, before → after', () => {
    const entry = describeEvent({
      ...base,
      action: 'claim.status_changed',
      actorType: 'job',
      details: { from: 'scoring', to: 'needs_review', claimId: 'c1' },
    });
    expect(entry.sentence).toBe("The claim's status changed.");
    expect(entry.changes).toEqual([{ field: 'Status', before: 'scoring', after: 'needs review' }]);
    expect(entry.facts).toEqual([]);
  });

  it('describes a decision with its outcome and reason, and an override as outcome before → after', () => {
    const decided = describeEvent({
      ...base,
      action: 'review.decision_made',
      actorName: 'Bo Adjuster',
      details: { outcome: 'deny', reasonCode: 'peril_contradicted', noteLength: 42, decisionId: 'd1' },
    });
    expect(decided.sentence).toBe('Bo Adjuster decided: deny (peril contradicted).');
    expect(decided.facts).toEqual([{ name: 'Note length', value: '42' }]);
    const overridden = describeEvent({
      ...base,
      action: 'review.decision_overridden',
      actorName: 'Cy Supervisor',
      details: { fromOutcome: 'deny', toOutcome: 'approve', taskId: 't1' },
    });
    expect(overridden.changes).toEqual([{ field: 'Outcome', before: 'deny', after: 'approve' }]);
  });

  it('compares a previous version with the new one (retention policy change)', () => {
    const entry = describeEvent({
      ...base,
      action: 'retention.policy_changed',
      actorName: 'Ada Officer',
      details: { periodDays: 400, action: 'delete', before: { policyId: 'p1', periodDays: 30, action: 'delete' } },
    });
    expect(entry.changes).toEqual([{ field: 'Period days', before: '30', after: '400' }]);
    expect(entry.sentence).toBe('Ada Officer changed a retention policy.');
  });

  it('keeps the justification of a photo view and never shows raw JSON', () => {
    const entry = describeEvent({
      ...base,
      action: 'photo.viewed',
      actorName: 'Ada Officer',
      justification: 'Quality audit QA-17',
      details: { claimId: 'c1', variant: 'preview' },
    });
    expect(entry.sentence).toBe('Ada Officer viewed a photo.');
    expect(entry.facts).toEqual([
      { name: 'Variant', value: 'preview' },
      { name: 'Justification', value: 'Quality audit QA-17' },
    ]);
    expect([...entry.facts.map((fact) => fact.value), entry.sentence].some((value) => value.includes('{'))).toBe(false);
  });

  it('turns camelCase keys into words', () => {
    expect(fieldName('slaDueAt')).toBe('Sla due at');
  });
});
