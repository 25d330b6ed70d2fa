import { useState, type FormEvent } from 'react';
import { ApiError, setPasswordWithToken } from '../../api';
import { Alert } from '../../components/States';
import { Link } from '../../router';

const MIN_LENGTH = 12;

/** Sets a password with the one-time link an admin gave (the token is in the URL fragment, never sent as a URL). */
export function SetPasswordPage() {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < MIN_LENGTH) return setError(`Use at least ${MIN_LENGTH} characters.`);
    if (password !== repeat) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await setPasswordWithToken(token, password);
      setDone(true);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 400
          ? 'This link is invalid, was already used or has expired. Ask an administrator for a new one.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <div className="card login__card">
        <h1>Set your password</h1>
        {!token ? (
          <Alert>This page needs the link an administrator gave you.</Alert>
        ) : done ? (
          <>
            <Alert ok testId="password-set">
              Your password is set.
            </Alert>
            <Link to="/login">Sign in</Link>
          </>
        ) : (
          <form className="mfa" onSubmit={(event) => void submit(event)} noValidate aria-label="Set your password">
            <label htmlFor="new-password">New password (at least {MIN_LENGTH} characters)</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
            <label htmlFor="repeat-password">Repeat the password</label>
            <input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(event) => setRepeat(event.target.value)}
              required
            />
            {error && <Alert>{error}</Alert>}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Set password'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
