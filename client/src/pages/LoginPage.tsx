import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, login } from '../api';
import { Alert } from '../components/States';

/** A required sign-in field, its label above it (the label's text is `children`). */
function LoginField(props: {
  name: string;
  type: string;
  autoComplete: string;
  value: string;
  onChange(value: string): void;
  autoFocus?: boolean;
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
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoFocus={props.autoFocus}
        required
      />
    </>
  );
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    try {
      await login(email.trim(), password);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) setError('Email or password is wrong.');
      else if (caught instanceof ApiError && caught.status === 429)
        setError('Too many failed sign-ins. Wait a few minutes and try again.');
      else if (caught instanceof ApiError && caught.status === 400) setError('Enter a valid email address.');
      else setError(caught instanceof Error ? caught.message : 'Sign-in failed.');
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form className="card login__card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Claims review</h1>
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
    </main>
  );
}
