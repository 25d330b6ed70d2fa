import { useState, type FormEvent } from 'react';
import { client, unwrap } from '../../api';
import { DataTable } from '../../components/DataTable';
import { ValueSelect } from '../../components/Fields';
import { Alert, Loaded } from '../../components/States';
import { dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import {
  DATA_CLASSES,
  LINES_OF_BUSINESS,
  RETENTION_ACTIONS,
  RETENTION_TRIGGERS,
  type NewRetentionPolicy,
  type RetentionChange,
  type RetentionPolicyView,
} from '../../api/types';
import { ChangesPanel, changeMessage } from './RetentionChanges';
import { RetentionNav, shortId } from './RetentionNav';

interface Draft {
  dataClass: NewRetentionPolicy['dataClass'];
  lineOfBusiness: NonNullable<NewRetentionPolicy['lineOfBusiness']> | '';
  jurisdiction: string;
  periodDays: string;
  trigger: NewRetentionPolicy['trigger'];
  action: NewRetentionPolicy['action'];
}

const EMPTY: Draft = {
  dataClass: 'original_photos',
  lineOfBusiness: '',
  jurisdiction: '',
  periodDays: '',
  trigger: 'claim_closed',
  action: 'delete',
};

const COLUMNS = ['Data class', 'Scope', 'Period', 'Counted from', 'Action', 'Version', 'In force', 'Change'];

/** When a version is in force, in words. */
export function inForceText(
  policy: Pick<RetentionPolicyView, 'effectiveFrom' | 'effectiveUntil' | 'endedReason'>,
): string {
  const now = Date.now();
  const from = Date.parse(policy.effectiveFrom);
  const until = policy.effectiveUntil ? Date.parse(policy.effectiveUntil) : null;
  const ended = policy.endedReason === 'retired' ? 'Retired' : 'Superseded';
  if (until !== null && until <= now) return `${ended} ${dateTime(policy.effectiveUntil)}`;
  const start = from > now ? `From ${dateTime(policy.effectiveFrom)}` : 'In force';
  return until === null ? start : `${start}; ${ended.toLowerCase()} from ${dateTime(policy.effectiveUntil)}`;
}

export function periodText(days: number): string {
  if (days > 0 && days % 365 === 0) return `${days / 365} year${days === 365 ? '' : 's'} (${days} days)`;
  return `${days} day${days === 1 ? '' : 's'}`;
}

export function RetentionPoliciesPage() {
  const policies = useApi((signal) => client.GET('/v1/retention/policies', { signal }), []);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ policy: RetentionPolicyView; mode: 'edit' | 'retire' } | null>(null);
  const [changesVersion, setChangesVersion] = useState(0);

  const onChanged = (change: RetentionChange) => {
    setSaved(changeMessage(change));
    setEditing(null);
    policies.reload();
    setChangesVersion((version) => version + 1);
  };

  const period = Number(draft.periodDays);
  const periodError =
    draft.periodDays === ''
      ? null
      : !Number.isInteger(period) || period < 0 || period > 36_500
        ? 'Enter whole days from 0 to 36500.'
        : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.periodDays === '' || periodError) {
      setError(periodError ?? 'Enter the retention period in days.');
      return;
    }
    setSaving(true);
    setError(null);
    setSaved(null);
    const body: NewRetentionPolicy = {
      dataClass: draft.dataClass,
      lineOfBusiness: draft.lineOfBusiness || null,
      jurisdiction: draft.jurisdiction.trim() || null,
      periodDays: period,
      trigger: draft.trigger,
      action: draft.action,
    };
    try {
      const created = await unwrap(client.POST('/v1/retention/policies', { body }));
      onChanged(created);
      setDraft(EMPTY);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSaving(false);
    }
  };

  const select = (key: keyof Draft, caption: string, values: readonly string[], any?: string) => (
    <ValueSelect
      name={key}
      caption={caption}
      value={draft[key]}
      values={values}
      any={any}
      onChange={(value) => setDraft({ ...draft, [key]: value })}
    />
  );

  return (
    <section aria-labelledby="retention-title">
      <h1 id="retention-title">Retention policies</h1>
      <RetentionNav />
      <p className="help">
        A legal hold beats every deletion; per data class the longest applicable retention wins (keep policies only
        extend). Before enabling a policy, check Upcoming purges and a dry run.
      </p>
      <Loaded
        state={policies}
        loading="Loading policies"
        empty="No retention policies yet: nothing is ever purged until one exists."
      >
        {(data) => (
          <DataTable caption="Retention policies" columns={COLUMNS} testId="policy-table">
            {data.map((policy) => (
              <tr key={policy.id} data-testid="policy-row">
                <th scope="row">
                  {label(policy.dataClass)}{' '}
                  <span className="muted small" title={policy.id}>
                    {shortId(policy.id)}
                  </span>
                </th>
                <td>
                  {policy.lineOfBusiness ? label(policy.lineOfBusiness) : <span className="muted">any line</span>}
                  {', '}
                  {policy.jurisdiction ?? <span className="muted">any jurisdiction</span>}
                </td>
                <td>{periodText(policy.periodDays)}</td>
                <td>{label(policy.trigger)}</td>
                <td>
                  <span className={`badge badge--action-${policy.action}`}>{label(policy.action)}</span>
                </td>
                <td>
                  v{policy.version}
                  <div className="muted small">
                    {dateTime(policy.createdAt)} by {shortId(policy.createdBy)}
                  </div>
                </td>
                <td data-testid="policy-in-force">{inForceText(policy)}</td>
                <td>
                  {policy.effectiveUntil === null && (
                    <span className="row-actions">
                      <button
                        type="button"
                        aria-label={`Edit policy ${shortId(policy.policyKey)}`}
                        onClick={() => setEditing({ policy, mode: 'edit' })}
                      >
                        Edit…
                      </button>{' '}
                      <button
                        type="button"
                        aria-label={`Retire policy ${shortId(policy.policyKey)}`}
                        onClick={() => setEditing({ policy, mode: 'retire' })}
                      >
                        Retire…
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      {editing && (
        <PolicyChangeForm
          key={`${editing.policy.id}-${editing.mode}`}
          policy={editing.policy}
          mode={editing.mode}
          onDone={onChanged}
          onCancel={() => setEditing(null)}
        />
      )}
      {saved && (
        <Alert ok testId="policy-message">
          {saved}
        </Alert>
      )}
      <ChangesPanel version={changesVersion} onDecided={() => policies.reload()} />

      <form
        className="card filters"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="new-policy-title"
        noValidate
      >
        <h2 id="new-policy-title" className="full">
          New policy
        </h2>
        {select('dataClass', 'Data class', DATA_CLASSES)}
        {select('lineOfBusiness', 'Line of business', LINES_OF_BUSINESS, 'Any')}
        <label>
          Jurisdiction
          <input
            name="jurisdiction"
            value={draft.jurisdiction}
            maxLength={64}
            placeholder="any"
            onChange={(event) => setDraft({ ...draft, jurisdiction: event.target.value })}
          />
        </label>
        <label>
          Period (days)
          <input
            name="periodDays"
            type="number"
            min={0}
            max={36500}
            step={1}
            required
            value={draft.periodDays}
            aria-invalid={periodError ? true : undefined}
            aria-describedby={periodError ? 'period-error' : undefined}
            onChange={(event) => setDraft({ ...draft, periodDays: event.target.value })}
          />
        </label>
        {select('trigger', 'Counted from', RETENTION_TRIGGERS)}
        {select('action', 'Action', RETENTION_ACTIONS)}
        <div className="filters__buttons">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Creating…' : 'Create policy'}
          </button>
        </div>
        {periodError && (
          <p id="period-error" className="field-error full">
            {periodError}
          </p>
        )}
      </form>
      {error && <Alert>{error}</Alert>}
    </section>
  );
}

/** Edit (a new version) or retire a policy; the answer says whether it applied or awaits a second officer. */
function PolicyChangeForm({
  policy,
  mode,
  onDone,
  onCancel,
}: {
  policy: RetentionPolicyView;
  mode: 'edit' | 'retire';
  onDone(change: RetentionChange): void;
  onCancel(): void;
}) {
  const [periodDays, setPeriodDays] = useState(String(policy.periodDays));
  const [action, setAction] = useState(policy.action);
  const [trigger, setTrigger] = useState(policy.trigger);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = `${mode === 'edit' ? 'Edit' : 'Retire'} policy ${shortId(policy.policyKey)} (${label(policy.dataClass)})`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const period = Number(periodDays);
    if (mode === 'edit' && (!Number.isInteger(period) || period < 0 || period > 36_500)) {
      setError('Enter whole days from 0 to 36500.');
      return;
    }
    if (mode === 'retire' && reason.trim().length < 3) {
      setError('Say why the policy is retired (at least 3 characters).');
      return;
    }
    setBusy(true);
    setError(null);
    const from = effectiveFrom ? new Date(`${effectiveFrom}T00:00:00Z`).toISOString() : undefined;
    try {
      const change =
        mode === 'edit'
          ? await unwrap(
              client.PATCH('/v1/retention/policies/{key}', {
                params: { path: { key: policy.policyKey } },
                body: { periodDays: period, action, trigger, effectiveFrom: from, reason: reason.trim() || undefined },
              }),
            )
          : await unwrap(
              client.POST('/v1/retention/policies/{key}/retire', {
                params: { path: { key: policy.policyKey } },
                body: { effectiveFrom: from, reason: reason.trim() },
              }),
            );
      onDone(change);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card filters" aria-label={title} onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="full">{title}</h2>
      {mode === 'edit' && (
        <>
          <label>
            New period (days)
            <input
              name="newPeriodDays"
              type="number"
              min={0}
              max={36500}
              value={periodDays}
              onChange={(event) => setPeriodDays(event.target.value)}
            />
          </label>
          <ValueSelect
            name="newTrigger"
            caption="New counted from"
            value={trigger}
            values={RETENTION_TRIGGERS}
            onChange={setTrigger}
          />
          <ValueSelect
            name="newAction"
            caption="New action"
            value={action}
            values={RETENTION_ACTIONS}
            onChange={setAction}
          />
        </>
      )}
      <label>
        Effective from (optional)
        <input
          name="effectiveFrom"
          type="date"
          value={effectiveFrom}
          onChange={(event) => setEffectiveFrom(event.target.value)}
        />
      </label>
      <label className="full">
        {mode === 'retire' ? 'Reason' : 'Reason (optional)'}
        <input
          name="changeReason"
          value={reason}
          maxLength={1000}
          onChange={(event) => setReason(event.target.value)}
        />
      </label>
      <p className="help full">
        A change that shortens retention (or makes data deletable within the notice period) needs a second compliance
        officer&apos;s approval and takes effect only after the notice; lengthening applies at once.
      </p>
      <div className="filters__buttons">
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'edit' ? 'Save new version' : 'Retire policy'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}
