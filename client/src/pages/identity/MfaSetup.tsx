import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, confirmMfaEnrolment, startMfaEnrolment } from '../../api';
import { Alert, Loading } from '../../components/States';

/** The recovery codes, shown once, with the one way on: "I have saved them". */
export function RecoveryCodes({ codes, onDone, doneLabel }: { codes: string[]; onDone(): void; doneLabel: string }) {
  return (
    <div className="mfa" data-testid="recovery-codes">
      <h2>Save your recovery codes</h2>
      <p>
        Each code signs you in once if you lose your authenticator. They are shown only now: store them somewhere safe
        (a password manager), not on this computer&apos;s desktop.
      </p>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="primary" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}

/**
 * TOTP enrolment: a QR code for the authenticator app (or the secret to type), then a code from the app
 * to confirm. With `mfaToken` it finishes a sign-in (the role requires a second factor); without, it is
 * the signed-in person adding one from their account page.
 */
export function MfaSetup({ mfaToken, onEnrolled }: { mfaToken?: string; onEnrolled(codes: string[]): void }) {
  const [enrolment, setEnrolment] = useState<{ qrCode: string; secret: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    startMfaEnrolment(mfaToken)
      .then((started) => live && setEnrolment({ qrCode: started.qrCode, secret: started.secret }))
      .catch((caught: unknown) => live && setError(caught instanceof Error ? caught.message : String(caught)));
    return () => {
      live = false;
    };
  }, [mfaToken]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError('Enter the 6-digit code your authenticator app shows.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onEnrolled(await confirmMfaEnrolment(code.trim(), mfaToken));
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 400
          ? 'That code is wrong. Check the time on your phone and enter the current code.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
      setBusy(false);
    }
  };

  if (!enrolment) return error ? <Alert>{error}</Alert> : <Loading what="Preparing two-factor set-up" />;
  return (
    <form className="mfa" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="mfa-setup-title">
      <h2 id="mfa-setup-title">Set up two-factor sign-in</h2>
      <ol className="mfa__steps">
        <li>Open an authenticator app (for example Google Authenticator, 1Password or Authy).</li>
        <li>Scan this QR code, or type the key below.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img
        className="mfa__qr"
        src={enrolment.qrCode}
        width={232}
        height={232}
        alt="QR code to add this account to your authenticator app"
      />
      <p className="mfa__secret">
        Key: <code data-testid="totp-secret">{enrolment.secret}</code>
      </p>
      <label htmlFor="enrol-code">Code from the app</label>
      <input
        id="enrol-code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={code}
        onChange={(event) => setCode(event.target.value)}
        required
      />
      {error && <Alert>{error}</Alert>}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Confirm'}
      </button>
    </form>
  );
}
