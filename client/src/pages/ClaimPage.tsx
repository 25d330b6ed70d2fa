import { useState, type FormEvent } from 'react';
import { ClaimEvidence } from '../components/ClaimEvidence';
import { useSession } from '../hooks';
import { Link } from '../router';

const MIN_JUSTIFICATION = 10;

/** A claim's evidence, read-only. Compliance sees photos only after giving a justification (audited with each view). */
export function ClaimPage({ claimId }: { claimId: string }) {
  const session = useSession();
  const compliance = session?.user.role === 'compliance';
  const [draft, setDraft] = useState('');
  const [justification, setJustification] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim().length < MIN_JUSTIFICATION) {
      setError(
        `Give a justification of at least ${MIN_JUSTIFICATION} characters (it is recorded with every photo you view).`,
      );
      return;
    }
    setError(null);
    setJustification(draft.trim());
  };

  return (
    <div>
      <div className="page-head">
        <h1>Claim evidence</h1>
        {compliance && <Link to={`/audit/claims/${claimId}`}>History of this claim</Link>}
      </div>
      {compliance && !justification && (
        <form className="card justification" onSubmit={submit} noValidate aria-labelledby="just-title">
          <h2 id="just-title">Viewing photos needs a justification</h2>
          <label htmlFor="justification">Why do you need to see this claim's photos?</label>
          <textarea
            id="justification"
            rows={2}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'just-error' : 'just-help'}
          />
          <p id="just-help" className="help">
            Recorded in the audit trail with each photo view.
          </p>
          {error && (
            <p id="just-error" className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary">
            Show photos
          </button>
        </form>
      )}
      {compliance && justification && (
        <p className="alert alert--ok" role="status">
          Photos shown under the justification “{justification}”.
        </p>
      )}
      <ClaimEvidence
        claimId={claimId}
        photosAllowed={
          compliance ? !!justification : session?.user.role === 'supervisor' || session?.user.role === 'investigator'
        }
        photosHint={
          compliance ? 'Enter a justification above to view photos.' : 'Open the claim from its task to see the photos.'
        }
        justification={justification}
      />
    </div>
  );
}
