import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, login, startPendingSession, verifyMfa, type MfaChallenge } from '../api';
import { Alert } from '../components/States';
import { MfaSetup, RecoveryCodes } from './identity/MfaSetup';

/** A required sign-in field, its label above it (the label's text is `children`). */
function LoginField(props: {
  name: string;
  type: string;
  autoComplete: string;
  value: string;
  onChange(value: string): void;
  autoFocus?: boolean;
  inputMode?: 'numeric' | 'text';
  children: ReactNode;
}) {
  return (
    <>
      <label htmlFor={props.name}>{props.children}</label>
      <input
        id={props.name}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoFocus={props.autoFocus}
        required
      />
    </>
  );
}

function failure(caught: unknown, what: 'password' | 'code'): string {
  if (caught instanceof ApiError && caught.status === 401)
    return what === 'password'
      ? 'Email or password is wrong.'
      : caught.message.includes('challenge')
        ? 'The sign-in took too long. Start again with your password.'
        : 'That code is wrong or was already used.';
  if (caught instanceof ApiError && caught.status === 429)
    return 'Too many failed attempts. Wait a few minutes and try again.';
  if (caught instanceof ApiError && caught.status === 400)
    return what === 'password' ? 'Enter a valid email address.' : 'Enter the 6-digit code or a recovery code.';
  return caught instanceof Error ? caught.message : 'Sign-in failed.';
}

/** The second step of a sign-in: the code from the authenticator app, or a recovery code. */
function CodeStep({ challenge, onRestart }: { challenge: MfaChallenge; onRestart(): void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim().length < 6) {
      setError('Enter the 6-digit code or a recovery code.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await verifyMfa(challenge.mfaToken, code.trim());
    } catch (caught) {
      setError(failure(caught, 'code'));
      setBusy(false);
    }
  };
  return (
    <form className="mfa" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="code-title">
      <h2 id="code-title">Two-factor sign-in</h2>
      <p className="muted">Enter the code from your authenticator app, or one of your recovery codes.</p>
      <LoginField
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onChange={setCode}
        autoFocus
      >
        Authentication code
      </LoginField>
      {error && <Alert>{error}</Alert>}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Verify'}
      </button>
      <button type="button" className="link" onClick={onRestart}>
        Start again
      </button>
    </form>
  );
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    try {
      const outcome = await login(email.trim(), password);
      if ('mfaToken' in outcome) {
        setChallenge(outcome);
        setPassword('');
        setBusy(false);
      }
    } catch (caught) {
      setError(failure(caught, 'password'));
      setBusy(false);
    }
  };

  const restart = () => {
    setChallenge(null);
    setRecoveryCodes(null);
  };

  let body: ReactNode;
  if (recoveryCodes)
    body = (
      <RecoveryCodes codes={recoveryCodes} onDone={startPendingSession} doneLabel="I have saved them — continue" />
    );
  else if (challenge?.mfa === 'enrol')
    body = (
      <>
        <p className="muted">Your role requires two-factor sign-in. Set it up once to continue.</p>
        <MfaSetup mfaToken={challenge.mfaToken} onEnrolled={setRecoveryCodes} />
      </>
    );
  else if (challenge) body = <CodeStep challenge={challenge} onRestart={restart} />;
  else
    body = (
      <form onSubmit={submit} noValidate aria-label="Sign in" className="mfa">
        <p className="muted">Sign in with your staff account.</p>
        <LoginField name="email" type="email" autoComplete="username" value={email} onChange={setEmail} autoFocus>
          Email
        </LoginField>
        <LoginField
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        >
          Password
        </LoginField>
        {error && <Alert>{error}</Alert>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    );

  return (
    <main id="main" className="login">
      <div className="card login__card">
        <h1 id="login-title">Claims review</h1>
        {body}
      </div>
    </main>
  );
}
