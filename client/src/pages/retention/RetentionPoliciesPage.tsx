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
} from '../../api/types';
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

const COLUMNS = [
  'Data class',
  'Line of business',
  'Jurisdiction',
  'Period',
  'Counted from',
  'Action',
  'Active',
  'Created',
];

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
      setSaved(
        `Policy ${shortId(created.id)} created: ${label(created.action)} ${label(created.dataClass).toLowerCase()} ${periodText(created.periodDays)} after ${label(created.trigger).toLowerCase()}.`,
      );
      setDraft(EMPTY);
      policies.reload();
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
                <td>{policy.lineOfBusiness ? label(policy.lineOfBusiness) : <span className="muted">any</span>}</td>
                <td>{policy.jurisdiction ?? <span className="muted">any</span>}</td>
                <td>{periodText(policy.periodDays)}</td>
                <td>{label(policy.trigger)}</td>
                <td>
                  <span className={`badge badge--action-${policy.action}`}>{label(policy.action)}</span>
                </td>
                <td>{policy.active ? 'Yes' : 'No'}</td>
                <td>
                  {dateTime(policy.createdAt)} <span className="muted">by {shortId(policy.createdBy)}</span>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>

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
      {saved && <Alert ok>{saved}</Alert>}
    </section>
  );
}
