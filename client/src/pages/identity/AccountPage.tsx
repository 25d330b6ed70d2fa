import { useState } from 'react';
import { logoutEverywhere } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Alert } from '../../components/States';
import { dateTime } from '../../format';
import { useSession } from '../../hooks';
import { navigate } from '../../router';
import { MfaSetup, RecoveryCodes } from './MfaSetup';

/** The signed-in person's own account: second factor, and "sign out everywhere". */
export function AccountPage() {
  const session = useSession();
  const [setup, setSetup] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [enrolled, setEnrolled] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  const user = session.user;
  const mfaEnabled = enrolled || user.mfaEnabled === true;

  const everywhere = async () => {
    setBusy(true);
    setError(null);
    try {
      await logoutEverywhere();
      navigate('/login', { replace: true });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <dl className="facts card">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Team</dt>
        <dd>{user.team}</dd>
        <dt>Last sign-in</dt>
        <dd>{dateTime(user.lastLoginAt ?? null)}</dd>
      </dl>

      <div className="card">
        <h2>Two-factor sign-in</h2>
        {codes ? (
          <RecoveryCodes codes={codes} onDone={() => setCodes(null)} doneLabel="I have saved them" />
        ) : mfaEnabled ? (
          <p data-testid="mfa-status">On: you sign in with a code from your authenticator app.</p>
        ) : setup ? (
          <MfaSetup
            onEnrolled={(recovery) => {
              setCodes(recovery);
              setEnrolled(true);
              setSetup(false);
            }}
          />
        ) : (
          <>
            <p data-testid="mfa-status">Off.</p>
            <button type="button" onClick={() => setSetup(true)}>
              Set up two-factor sign-in
            </button>
          </>
        )}
      </div>

      <div className="card">
        <h2>Sessions</h2>
        <p>Signs you out in every tab and browser, and ends every access token issued to you.</p>
        {error && <Alert>{error}</Alert>}
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Sign out everywhere?"
        confirmLabel="Sign out everywhere"
        danger
        busy={busy}
        onConfirm={() => void everywhere()}
        onCancel={() => setConfirming(false)}
      >
        <p>Every tab and browser where you are signed in will have to sign in again.</p>
      </ConfirmDialog>
    </section>
  );
}
