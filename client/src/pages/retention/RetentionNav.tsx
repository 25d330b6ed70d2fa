import { Link, useLocation } from '../../router';

const TABS = [
  { to: '/retention', label: 'Policies' },
  { to: '/retention/holds', label: 'Legal holds' },
  { to: '/retention/purges', label: 'Upcoming purges & runs' },
  { to: '/retention/receipts', label: 'Purge receipts' },
  { to: '/retention/erasure', label: 'Erasure requests' },
];

/** The retention section's own navigation (compliance officers only). */
export function RetentionNav() {
  const { path } = useLocation();
  return (
    <nav className="subnav" aria-label="Retention">
      <ul>
        {TABS.map((tab) => (
          <li key={tab.to}>
            <Link to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

/** A claim's short id, linked to its audit history (the full id in the tooltip). */
export function ClaimHistoryLink({ claimId }: { claimId: string }) {
  return (
    <Link to={`/audit/claims/${claimId}`} title={claimId}>
      {shortId(claimId)}
    </Link>
  );
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The "Claim id" text field (a UUID), marked invalid while `invalid`. */
export function ClaimIdField(props: {
  value: string;
  placeholder: string;
  invalid: boolean;
  onChange(value: string): void;
}) {
  return (
    <label>
      Claim id
      <input
        name="claimId"
        value={props.value}
        size={38}
        placeholder={props.placeholder}
        aria-invalid={props.invalid || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}
