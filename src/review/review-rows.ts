import type { ReviewReason, ReviewTaskStatus, TaskFollowUp } from './review-task.entity';
import { TaskView } from './review.views';
export { TaskView };

export interface TaskRowRaw {
  id: string;
  claim_id: string;
  reason: ReviewReason;
  priority: number;
  sla_due_at: Date;
  team: string;
  assignee_id: string | null;
  assignee_name: string | null;
  status: ReviewTaskStatus;
  escalated_at: Date | null;
  follow_up: TaskFollowUp | null;
  reopened_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  external_reference: string;
  claimed_peril: string;
  amount: string;
  currency: string;
  claim_status: string;
  submitted_at: Date | null;
  claim_created_at: Date;
  line_of_business: string;
  policy_number: string;
  flags: string[] | null;
}

/** The SELECT behind every task view; callers add `WHERE` on alias `t` (task), `c` (claim). */
export const TASK_COLUMNS = `SELECT t.id, t.claim_id, t.reason, t.priority, t.sla_due_at, t.team, t.assignee_id, u.display_name AS assignee_name,
  t.status, t.escalated_at, t.follow_up, t.reopened_at, t.created_at, t.updated_at, t.version,
  c.external_reference, c.claimed_peril, c.amount::text AS amount, c.currency, c.status AS claim_status, c.submitted_at, c.created_at AS claim_created_at,
  p.line_of_business, p.number AS policy_number,
  ARRAY(SELECT DISTINCT ch.kind FROM checks ch WHERE ch.claim_id = t.claim_id AND (ch.flagged OR ch.uncertain)
    AND ch.scoring_run_id = (SELECT r.id FROM scoring_runs r WHERE r.claim_id = t.claim_id ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
    ORDER BY ch.kind) AS flags
  FROM review_tasks t
  JOIN claims c ON c.id = t.claim_id
  JOIN policies p ON p.id = c.policy_id
  LEFT JOIN users u ON u.id = t.assignee_id`;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toTaskView(row: TaskRowRaw, now: Date): TaskView {
  const since = new Date(row.submitted_at ?? row.claim_created_at).getTime();
  const slaDueAt = new Date(row.sla_due_at);
  return {
    id: row.id,
    claimId: row.claim_id,
    externalReference: row.external_reference,
    claimedPeril: row.claimed_peril,
    lineOfBusiness: row.line_of_business,
    amount: row.amount,
    currency: row.currency,
    claimStatus: row.claim_status,
    ageHours: Math.max(0, Math.floor((now.getTime() - since) / 3_600_000)),
    reason: row.reason,
    priority: row.priority,
    slaDueAt: slaDueAt.toISOString(),
    // Nobody can act on a task that waits for the claimant: its SLA runs again when it comes back.
    slaBreached: row.status !== 'decided' && row.status !== 'awaiting_info' && now.getTime() > slaDueAt.getTime(),
    status: row.status,
    team: row.team,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    escalatedAt: iso(row.escalated_at),
    followUp: row.follow_up,
    reopenedAt: iso(row.reopened_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    version: row.version,
    policyNumber: row.policy_number,
    flags: row.flags ?? [],
  };
}

/** Rows of a `query()` result: node-postgres answers UPDATE/DELETE through TypeORM as `[rows, count]`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}
