/**
 * The events of one claim in the Merkle log (read-only, through the audit_log view): the claim's own events
 * (resource claim/<id>) and those that name it in their details (`claimId`), in log order.
 */
import type { Tx } from '../database/transaction-runner';
import { toEventRecord, type AuditEventRecord } from './audit.repository';

const COLUMNS = `seq, log_index, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id, source_ip, justification, details, prev_hash, hash, leaf_hash`;

export async function claimEventsInTree(tx: Tx, claimId: string, treeSize: number): Promise<AuditEventRecord[]> {
  const rows = (await tx.query(
    `SELECT ${COLUMNS} FROM audit_log
      WHERE log_index IS NOT NULL AND log_index < $2
        AND ((resource_type = 'claim' AND resource_id = $1) OR details->>'claimId' = $1)
      ORDER BY log_index`,
    [claimId, treeSize],
  )) as Array<Parameters<typeof toEventRecord>[0]>;
  return rows.map(toEventRecord);
}
