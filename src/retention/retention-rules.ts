import { DATA_CLASSES, type DataClass, type RetentionAction, type RetentionTrigger } from './retention.entity';

/**
 * The precedence rules of retention, as pure functions (src/retention/README.md, "Precedence"):
 *
 * 1. A legal hold beats every deletion: a held claim is never purged (the planner marks it blocked).
 * 2. Per data class, every active policy whose scope matches the claim applies (a NULL line of business or
 *    jurisdiction matches any). The longest applicable retention wins: the class is due at the LATEST
 *    due date of all of them, `keep` policies included (a keep policy is a retention duty that only
 *    extends); a `claim_closed` period of a claim not yet closed has no end yet, so the class is not due.
 * 3. What happens when due: `delete` if any applicable policy deletes, else `redact`, else nothing
 *    (keep-only: retained until a policy says otherwise).
 * 4. `claim_records` + `delete` removes the claim row and with it everything of the claim, so it is due
 *    only when every other class of the claim is due too (the latest of all due dates).
 */

export interface PolicyRule {
  readonly id: string;
  readonly dataClass: DataClass;
  readonly lineOfBusiness: string | null;
  readonly jurisdiction: string | null;
  readonly periodDays: number;
  readonly trigger: RetentionTrigger;
  readonly action: RetentionAction;
}

export interface ClaimFacts {
  readonly claimId: string;
  readonly lineOfBusiness: string;
  readonly jurisdiction: string;
  readonly createdAt: Date;
  /** When the claim closed: `closed_at`, or `decided_at` for a claim decided in review (see README). */
  readonly closedAt: Date | null;
  readonly legalHold: boolean;
}

export interface ClassRule {
  readonly dataClass: DataClass;
  /** What the class gets when due; null: only keep policies apply (never purged by retention). */
  readonly action: 'delete' | 'redact' | null;
  /** When it is due; null: not determinable yet (an open claim under a claim_closed period). */
  readonly dueAt: Date | null;
  /** The policy that acts (delete/redact), or the keep policy when only keeps apply. */
  readonly policyId: string;
  /** Keep policies (retention duties) that apply, with when each duty ends (null: not yet known). */
  readonly duties: ReadonlyArray<{ policyId: string; until: Date | null }>;
}

/** One class of one claim a purge run deletes or redacts. */
export interface PurgeItem {
  readonly claimId: string;
  readonly dataClass: DataClass;
  readonly action: 'delete' | 'redact';
  readonly policyId: string | null;
  readonly dueAt: string;
}

const DAY_MS = 86_400_000;

export function appliesTo(policy: PolicyRule, claim: ClaimFacts): boolean {
  return (
    (policy.lineOfBusiness === null || policy.lineOfBusiness === claim.lineOfBusiness) &&
    (policy.jurisdiction === null || policy.jurisdiction === claim.jurisdiction)
  );
}

/** When a policy's period ends for a claim; null while its trigger has not happened. */
export function policyDueAt(policy: PolicyRule, claim: ClaimFacts): Date | null {
  const start = policy.trigger === 'claim_created' ? claim.createdAt : claim.closedAt;
  return start ? new Date(start.getTime() + policy.periodDays * DAY_MS) : null;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return null;
  return a.getTime() >= b.getTime() ? a : b;
}

/** The rule for one class of a claim (precedence 2 and 3), or null when no policy applies. */
export function resolveClass(
  policies: readonly PolicyRule[],
  claim: ClaimFacts,
  dataClass: DataClass,
): ClassRule | null {
  const applicable = policies.filter((policy) => policy.dataClass === dataClass && appliesTo(policy, claim));
  if (applicable.length === 0) return null;
  const dues = applicable.map((policy) => ({ policy, due: policyDueAt(policy, claim) }));
  const dueAt = dues.map((entry) => entry.due).reduce<Date | null>((acc, due) => later(acc, due), dues[0].due);
  const action = applicable.some((policy) => policy.action === 'delete')
    ? 'delete'
    : applicable.some((policy) => policy.action === 'redact')
      ? 'redact'
      : null;
  // The acting policy: the one of the winning action with the latest due date (ties: smallest id, stable).
  const acting = dues
    .filter((entry) => entry.policy.action === (action ?? 'keep'))
    .sort(
      (a, b) =>
        (a.due === null ? -1 : b.due === null ? 1 : b.due.getTime() - a.due.getTime()) ||
        a.policy.id.localeCompare(b.policy.id),
    )[0];
  const duties = dues
    .filter((entry) => entry.policy.action === 'keep')
    .map((entry) => ({ policyId: entry.policy.id, until: entry.due }));
  return { dataClass, action, dueAt, policyId: acting.policy.id, duties };
}

/** Every class's rule for a claim. */
export function resolveClaim(policies: readonly PolicyRule[], claim: ClaimFacts): Map<DataClass, ClassRule> {
  const rules = new Map<DataClass, ClassRule>();
  for (const dataClass of DATA_CLASSES) {
    const rule = resolveClass(policies, claim, dataClass);
    if (rule) rules.set(dataClass, rule);
  }
  return rules;
}

/**
 * What retention would do to a claim by `horizon` (now, for a run; now + N days, for the upcoming
 * list), leaving out classes already purged (they have a receipt). Legal holds are NOT applied here:
 * the caller drops (run) or marks (upcoming) held claims.
 */
export function planClaim(
  policies: readonly PolicyRule[],
  claim: ClaimFacts,
  purged: ReadonlySet<DataClass>,
  horizon: Date,
): PurgeItem[] {
  const rules = resolveClaim(policies, claim);
  const records = rules.get('claim_records');
  if (records?.action === 'delete') {
    // Precedence 4: the claim row goes last, when every class's retention has ended.
    const dueAt = [...rules.values()]
      .map((rule) => rule.dueAt)
      .reduce<Date | null>((acc, due) => later(acc, due), records.dueAt);
    if (dueAt !== null && dueAt.getTime() <= horizon.getTime()) {
      return DATA_CLASSES.filter((dataClass) => !purged.has(dataClass)).map((dataClass) => {
        const own = rules.get(dataClass);
        return {
          claimId: claim.claimId,
          dataClass,
          action: 'delete' as const,
          policyId: own?.action === 'delete' ? own.policyId : records.policyId,
          dueAt: dueAt.toISOString(),
        };
      });
    }
  }
  const items: PurgeItem[] = [];
  for (const dataClass of DATA_CLASSES) {
    const rule = rules.get(dataClass);
    if (!rule || purged.has(dataClass) || rule.action === null || rule.dueAt === null) continue;
    if (dataClass === 'claim_records' && rule.action === 'delete') continue; // not yet due as a whole (above)
    if (rule.dueAt.getTime() > horizon.getTime()) continue;
    items.push({
      claimId: claim.claimId,
      dataClass,
      action: rule.action,
      policyId: rule.policyId,
      dueAt: rule.dueAt.toISOString(),
    });
  }
  return items;
}

/** A retention duty that still binds a class now (for erasure requests): the keep policy and its end. */
export function bindingDuty(rule: ClassRule | undefined, now: Date): { policyId: string; until: Date | null } | null {
  if (!rule) return null;
  const binding = rule.duties.filter((duty) => duty.until === null || duty.until.getTime() > now.getTime());
  if (binding.length === 0) return null;
  return binding.sort((a, b) =>
    a.until === null ? -1 : b.until === null ? 1 : b.until.getTime() - a.until.getTime(),
  )[0];
}

/** Stable order of items: by claim, then by class in DATA_CLASSES order. */
export function sortItems<T extends PurgeItem>(items: T[]): T[] {
  return items.sort(
    (a, b) =>
      a.claimId.localeCompare(b.claimId) || DATA_CLASSES.indexOf(a.dataClass) - DATA_CLASSES.indexOf(b.dataClass),
  );
}

/*
 * Versioned policies and their changes (src/retention/README.md, "Policy lifecycle"). A version is in
 * force from `effectiveFrom` (inclusive) until `effectiveUntil` (exclusive; null: open-ended). A change
 * that shortens retention needs a second compliance officer and a notice period.
 */

export interface VersionWindow {
  readonly effectiveFrom: Date;
  readonly effectiveUntil: Date | null;
}

/** Whether a policy version is in force at `at`. */
export function inForce(version: VersionWindow, at: Date): boolean {
  return (
    version.effectiveFrom.getTime() <= at.getTime() &&
    (version.effectiveUntil === null || version.effectiveUntil.getTime() > at.getTime())
  );
}

/** Why a change shortens retention; empty when it only keeps or lengthens it. */
export type ShorteningReason =
  | 'period_below_notice'
  | 'period_shortened'
  | 'action_more_destructive'
  | 'trigger_earlier'
  | 'scope_widened'
  | 'duty_retired'
  | 'duty_scope_narrowed'
  | 'deletes_within_notice';

const DESTRUCTION: Record<RetentionAction, number> = { keep: 0, redact: 1, delete: 2 };

/** A NULL scope value matches every claim; a change of scope value reaches other claims than before. */
function scopeWidens(before: string | null, after: string | null): boolean {
  return before !== after && before !== null;
}

/**
 * The rule-level reasons a change (create: `before` null; retire: `after` null; edit: both) shortens
 * retention. Lengthening the period, counting from the claim's closing instead of its creation, a less
 * destructive action, a narrower delete scope, or retiring a delete/redact policy shorten nothing.
 * Creating a delete/redact policy with a period under the notice makes data deletable sooner than the
 * notice (the 0-day policy); `changeImpact` adds what the new rules would purge of current data.
 */
export function shorteningReasons(
  before: PolicyRule | null,
  after: PolicyRule | null,
  noticeDays: number,
): ShorteningReason[] {
  const reasons = new Set<ShorteningReason>();
  if (after && after.action !== 'keep' && after.periodDays < noticeDays) reasons.add('period_below_notice');
  if (before && !after && before.action === 'keep') reasons.add('duty_retired');
  if (before && after) {
    const destructive = after.action !== 'keep';
    if (destructive && after.periodDays < before.periodDays) reasons.add('period_shortened');
    if (DESTRUCTION[after.action] > DESTRUCTION[before.action]) reasons.add('action_more_destructive');
    if (destructive && before.trigger === 'claim_closed' && after.trigger === 'claim_created')
      reasons.add('trigger_earlier');
    if (
      destructive &&
      (scopeWidens(before.lineOfBusiness, after.lineOfBusiness) || scopeWidens(before.jurisdiction, after.jurisdiction))
    )
      reasons.add('scope_widened');
    if (before.action === 'keep') {
      if (after.action === 'keep' && after.periodDays < before.periodDays) reasons.add('period_shortened');
      if (
        (before.lineOfBusiness === null && after.lineOfBusiness !== null) ||
        (before.jurisdiction === null && after.jurisdiction !== null) ||
        (before.lineOfBusiness !== null && after.lineOfBusiness !== before.lineOfBusiness) ||
        (before.jurisdiction !== null && after.jurisdiction !== before.jurisdiction)
      )
        reasons.add('duty_scope_narrowed');
    }
  }
  return [...reasons];
}

/** One class of one claim a change would purge, or purge sooner or harder, than the rules in force. */
export interface ImpactItem {
  readonly claimId: string;
  readonly dataClass: DataClass;
  readonly action: 'delete' | 'redact';
  /** When it would be purged under the change: its due date, not before the change takes effect. */
  readonly purgeAt: string;
  /** What the rules in force do to it (null: nothing, ever). */
  readonly before: { action: 'delete' | 'redact'; dueAt: string } | null;
}

/**
 * What a change does to current data: items of `after` (planned with the changed rules, far horizon)
 * that `before` (the rules in force, same horizon) does not have, has later, or has as a redaction
 * where the change deletes. Each is purged at its due date, but never before `effectiveFrom`.
 */
export function changeImpact(
  before: readonly PurgeItem[],
  after: readonly PurgeItem[],
  effectiveFrom: Date,
): ImpactItem[] {
  const current = new Map(before.map((item) => [`${item.claimId}/${item.dataClass}`, item]));
  const impact: ImpactItem[] = [];
  for (const item of after) {
    const was = current.get(`${item.claimId}/${item.dataClass}`);
    const sooner = !was || new Date(item.dueAt).getTime() < new Date(was.dueAt).getTime();
    const harder = was !== undefined && was.action === 'redact' && item.action === 'delete';
    if (!sooner && !harder) continue;
    const due = new Date(item.dueAt);
    impact.push({
      claimId: item.claimId,
      dataClass: item.dataClass,
      action: item.action,
      purgeAt: new Date(Math.max(due.getTime(), effectiveFrom.getTime())).toISOString(),
      before: was ? { action: was.action, dueAt: was.dueAt } : null,
    });
  }
  return impact.sort((a, b) => a.purgeAt.localeCompare(b.purgeAt) || a.claimId.localeCompare(b.claimId));
}

/** Whether any impact item is purged before `now + noticeDays`. */
export function purgesWithinNotice(impact: readonly ImpactItem[], now: Date, noticeDays: number): boolean {
  const limit = now.getTime() + noticeDays * DAY_MS;
  return impact.some((item) => new Date(item.purgeAt).getTime() < limit);
}

/**
 * When an approved change takes effect: as requested, but a change that needed approval never before
 * `approvedAt + noticeDays`, and nothing before `approvedAt` (no retroactive rules).
 */
export function effectiveDate(
  requested: Date | null,
  approvedAt: Date,
  needsApproval: boolean,
  noticeDays: number,
): Date {
  const earliest = approvedAt.getTime() + (needsApproval ? noticeDays * DAY_MS : 0);
  return new Date(Math.max(requested ? requested.getTime() : 0, earliest));
}

/**
 * The upcoming purges across rule changes: `segments` are the plans of consecutive periods, in order, each
 * made with the versions in force from its start (`from`) and due by its end. A run purges what is due under
 * the versions in force at the time it runs, so an item purged in an earlier period is gone for the later
 * ones (first occurrence kept), and an item a later period's versions make due before that period starts
 * falls due when they take effect (dueAt moved to `from`). Sorted as sortItems.
 */
export function mergeSegmentPlans<T extends PurgeItem>(
  segments: ReadonlyArray<{ from: Date; items: readonly T[] }>,
): T[] {
  const seen = new Set<string>();
  const merged: T[] = [];
  for (const { from, items } of segments)
    for (const item of items) {
      const key = `${item.claimId}/${item.dataClass}`;
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(Date.parse(item.dueAt) < from.getTime() ? { ...item, dueAt: from.toISOString() } : item);
    }
  return sortItems(merged);
}
