import { useState } from 'react';
import { client, unwrap } from '../../api';
import { DataTable } from '../../components/DataTable';
import { Alert, ErrorState, Loaded, Loading } from '../../components/States';
import { dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import type { RetentionChange, RetentionChangeDetail } from '../../api/types';
import { ClaimHistoryLink, shortId } from './RetentionNav';

/** Why a change needs a second officer, in words. */
const REASONS: Record<string, string> = {
  period_below_notice: 'deletes sooner than the notice period',
  period_shortened: 'shortens the period',
  action_more_destructive: 'makes the action more destructive',
  trigger_earlier: 'counts from the claim’s creation instead of its closing',
  scope_widened: 'reaches more claims',
  duty_retired: 'retires a retention duty',
  duty_scope_narrowed: 'narrows a retention duty',
  deletes_within_notice: 'would purge current data within the notice period',
};

export function reasonsText(reasons: readonly string[]): string {
  return reasons.map((reason) => REASONS[reason] ?? label(reason)).join('; ');
}

function what(change: RetentionChange): string {
  if (change.kind === 'retire') return `retire policy ${shortId(change.policyKey)}`;
  const rule = `${label(change.action ?? '')} ${label(change.dataClass ?? '').toLowerCase()} ${change.periodDays} days after ${label(change.trigger ?? '').toLowerCase()}`;
  return change.kind === 'create' ? `new policy: ${rule}` : `policy ${shortId(change.policyKey)} becomes: ${rule}`;
}

/** The message after proposing a change: applied at once, or awaiting a second officer. */
export function changeMessage(change: RetentionChange): string {
  if (change.status === 'applied') {
    const verb = change.kind === 'create' ? 'created' : change.kind === 'edit' ? 'changed' : 'retired';
    return `Policy ${shortId(change.policyKey)} ${verb}, in force from ${dateTime(change.effectiveFrom)}.`;
  }
  return `Proposal ${shortId(change.id)} (${what(change)}) awaits approval by a second compliance officer: it ${reasonsText(change.shortening)}.`;
}

/** Pending retention changes; a second officer reviews the dry run and approves or rejects. */
export function ChangesPanel({ version, onDecided }: { version: number; onDecided(): void }) {
  const changes = useApi(
    (signal) => client.GET('/v1/retention/changes', { params: { query: { status: 'pending' } }, signal }),
    [version],
  );
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <section aria-labelledby="changes-title" className="card">
      <h2 id="changes-title">Changes awaiting approval</h2>
      <Loaded state={changes} loading="Loading proposed changes" empty="No changes await approval.">
        {(data) => (
          <DataTable
            caption="Changes awaiting approval"
            columns={['Change', 'Why approval', 'Proposed', 'Review']}
            testId="change-table"
          >
            {data.map((change) => (
              <tr key={change.id} data-testid="change-row">
                <th scope="row">{what(change)}</th>
                <td>{reasonsText(change.shortening)}</td>
                <td>
                  {dateTime(change.proposedAt)} <span className="muted">by {shortId(change.proposedBy)}</span>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => setOpen(open === change.id ? null : change.id)}
                    aria-expanded={open === change.id}
                  >
                    {open === change.id ? 'Close' : `Review ${shortId(change.id)}`}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      {open && (
        <ChangeReview
          key={open}
          id={open}
          onDecided={(text) => {
            setMessage(text);
            setOpen(null);
            changes.reload();
            onDecided();
          }}
        />
      )}
      {message && (
        <Alert ok testId="change-message">
          {message}
        </Alert>
      )}
    </section>
  );
}

/** A change's dry run: what it would purge of current data and when, if approved now; approve or reject. */
function ChangeReview({ id, onDecided }: { id: string; onDecided(message: string): void }) {
  const detail = useApi(
    (signal) => client.GET('/v1/retention/changes/{id}', { params: { path: { id } }, signal }),
    [id],
  );
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (detail.error) return <ErrorState error={detail.error} retry={detail.reload} />;
  if (!detail.data) return <Loading what="Running the dry run" />;
  const change: RetentionChangeDetail = detail.data;

  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && note.trim().length < 3) {
      setError('Say why the change is rejected (at least 3 characters).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result =
        decision === 'approve'
          ? await unwrap(
              client.POST('/v1/retention/changes/{id}/approve', {
                params: { path: { id } },
                body: { note: note.trim() || undefined },
              }),
            )
          : await unwrap(
              client.POST('/v1/retention/changes/{id}/reject', {
                params: { path: { id } },
                body: { note: note.trim() },
              }),
            );
      onDecided(
        decision === 'approve'
          ? `Change ${shortId(id)} approved: in force from ${dateTime(result.effectiveFrom)}.`
          : `Change ${shortId(id)} rejected.`,
      );
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="change-review" aria-label={`Review of change ${shortId(id)}`} role="region">
      <h3>Dry run of change {shortId(id)}</h3>
      <p>
        If approved now it takes effect <strong>{dateTime(change.effectiveIfApprovedNow)}</strong> (notice:{' '}
        {change.noticeDays} days).{' '}
        {change.base &&
          `Replaces version ${change.base.version} (${change.base.periodDays} days, ${label(change.base.action)}).`}
      </p>
      <p data-testid="impact-summary">
        {change.impact.total === 0
          ? 'It would purge nothing of the current data sooner than the rules in force.'
          : `It would purge ${change.impact.total} class${change.impact.total === 1 ? '' : 'es'} of data of ${change.impact.claims} claim${change.impact.claims === 1 ? '' : 's'} sooner than the rules in force:`}
      </p>
      {change.impact.items.length > 0 && (
        <DataTable
          caption="What the change would purge"
          columns={['Claim', 'Data class', 'Action', 'When', 'Under the rules in force']}
          testId="impact-table"
        >
          {change.impact.items.map((item) => (
            <tr key={`${item.claimId}/${item.dataClass}`} data-testid="impact-row" data-claim-id={item.claimId}>
              <th scope="row">
                {item.claimNumber ?? ''} <ClaimHistoryLink claimId={item.claimId} />
              </th>
              <td>{label(item.dataClass)}</td>
              <td>{label(item.action)}</td>
              <td>{dateTime(item.purgeAt)}</td>
              <td>
                {item.before ? `${label(String(item.before.action))} ${dateTime(String(item.before.dueAt))}` : 'kept'}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <label className="stack">
        Note (optional to approve, required to reject)
        <input name="decisionNote" value={note} maxLength={1000} onChange={(event) => setNote(event.target.value)} />
      </label>
      <div className="filters__buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => void decide('approve')}>
          Approve change
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('reject')}>
          Reject change
        </button>
      </div>
      {error && <Alert testId="change-error">{error}</Alert>}
    </div>
  );
}
