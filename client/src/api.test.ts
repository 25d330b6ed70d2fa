import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, client, getSession, login, logout, onOtherTab, restoreSession, setSession, unwrap } from './api';

const user = {
  id: 'u1',
  email: 'a@example.test',
  role: 'adjuster' as const,
  team: 'team-a',
  displayName: 'Ada',
  disabledAt: null,
  createdAt: '2024-01-01T00:00:00.000Z',
};
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const tokens = (access: string) => ({
  accessToken: access,
  expiresIn: 900,
  tokenType: 'Bearer',
  user,
});

interface Sent {
  method: string;
  url: URL;
  authorization: string | null;
  requestedWith: string | null;
  body: string;
}

/** Answers each request with `answer` and records what was sent (openapi-fetch calls fetch(Request)). */
function stubFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      const entry = {
        method: request.method,
        url: new URL(request.url),
        authorization: request.headers.get('Authorization'),
        requestedWith: request.headers.get('X-Requested-With'),
        body: await request.text(),
      };
      sent.push(entry);
      return answer(entry);
    }),
  );
  return sent;
}

function signIn(expiresInMs: number, accessToken = 'old') {
  setSession({ accessToken, expiresAt: Date.now() + expiresInMs, user });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe('the typed client', () => {
  it("sends the session's bearer token, the path parameters and only the filled-in query values", async () => {
    signIn(3_600_000);
    const sent = stubFetch(() => json({ items: [], page: 2, pageSize: 25, total: 0 }));
    const page = await unwrap(client.GET('/v1/claims', { params: { query: { page: 2, pageSize: 25 } } }));
    expect(page.page).toBe(2);
    await unwrap(client.GET('/v1/audit/events', { params: { query: { actor: '', action: 'claim.created' } } }));
    expect(sent.map((entry) => `${entry.url.pathname}${entry.url.search}`)).toEqual([
      '/v1/claims?page=2&pageSize=25',
      '/v1/audit/events?action=claim.created',
    ]);
    expect(sent.every((entry) => entry.authorization === 'Bearer old')).toBe(true);
  });

  it('refreshes a token about to expire before the call', async () => {
    signIn(10_000);
    const sent = stubFetch((entry) =>
      entry.url.pathname === '/v1/auth/refresh'
        ? json(tokens('new'))
        : json({ items: [], page: 1, pageSize: 25, total: 0 }),
    );
    await unwrap(client.GET('/v1/claims'));
    expect(sent.map((entry) => entry.url.pathname)).toEqual(['/v1/auth/refresh', '/v1/claims']);
    // The refresh token is in the HttpOnly cookie: the body carries none, the CSRF header marks the call.
    expect(JSON.parse(sent[0].body)).toEqual({});
    expect(sent[0].requestedWith).toBe('claims-review');
    expect(sent[1].authorization).toBe('Bearer new');
    expect(getSession()?.accessToken).toBe('new');
  });

  it('on a 401 refreshes once and retries the same request (body included) once', async () => {
    signIn(3_600_000);
    const sent = stubFetch((entry) => {
      if (entry.url.pathname === '/v1/auth/refresh') return json(tokens('new'));
      if (entry.authorization === 'Bearer old')
        return json({ statusCode: 401, error: 'Unauthorized', message: 'expired' }, 401);
      return json({ id: 'h1', claimId: 'c1', reason: 'litigation' }, 201);
    });
    const hold = await unwrap(
      client.POST('/v1/claims/{id}/legal-hold', { params: { path: { id: 'c1' } }, body: { reason: 'litigation' } }),
    );
    expect(hold.claimId).toBe('c1');
    expect(sent.map((entry) => `${entry.method} ${entry.url.pathname} ${entry.authorization}`)).toEqual([
      'POST /v1/claims/c1/legal-hold Bearer old',
      'POST /v1/auth/refresh null',
      'POST /v1/claims/c1/legal-hold Bearer new',
    ]);
    expect(JSON.parse(sent[2].body)).toEqual({ reason: 'litigation' });
  });

  it('signs out when the refresh is refused, and answers the 401 as an ApiError', async () => {
    signIn(3_600_000);
    const sent = stubFetch(() => json({ statusCode: 401, error: 'Unauthorized', message: 'Token expired' }, 401));
    const failure = unwrap(client.GET('/v1/claims'));
    await expect(failure).rejects.toEqual(new ApiError(401, 'Token expired'));
    await expect(failure).rejects.toHaveProperty('status', 401);
    expect(sent.map((entry) => entry.url.pathname)).toEqual(['/v1/claims', '/v1/auth/refresh']);
    expect(getSession()).toBeNull();
  });

  it("turns the server's error message, a plain status and a network failure into ApiErrors", async () => {
    signIn(3_600_000);
    stubFetch(() =>
      json({ statusCode: 409, error: 'Conflict', message: 'This claim already has an active legal hold' }, 409),
    );
    await expect(
      unwrap(client.POST('/v1/claims/{id}/legal-hold', { params: { path: { id: 'c1' } }, body: { reason: 'x' } })),
    ).rejects.toMatchObject({ status: 409, message: 'This claim already has an active legal hold' });
    stubFetch(() => new Response('gateway down', { status: 502, statusText: 'Bad Gateway' }));
    await expect(unwrap(client.GET('/v1/claims'))).rejects.toMatchObject({ status: 502, message: 'Bad Gateway' });
    stubFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(unwrap(client.GET('/v1/claims'))).rejects.toMatchObject({
      name: 'ApiError',
      status: 0,
      message: 'The server could not be reached. Check your connection and try again.',
    });
  });

  it('downloads a raw body as a blob (the audit export)', async () => {
    signIn(3_600_000);
    const sent = stubFetch(
      () => new Response('seq,action\n1,claim.created\n', { headers: { 'Content-Type': 'text/csv' } }),
    );
    const file = await unwrap(
      client.GET('/v1/audit/export', { params: { query: { format: 'csv' } }, parseAs: 'blob' }),
    );
    expect(await file.text()).toBe('seq,action\n1,claim.created\n');
    expect(sent[0].url.search).toBe('?format=csv');
  });

  it('keeps no refresh token anywhere it can read: memory only, nothing in web storage', async () => {
    const sent = stubFetch(() => json(tokens('fresh')));
    const signedIn = await login('a@example.test', 'password-long-enough');
    expect(signedIn).toMatchObject({ accessToken: 'fresh' });
    expect(Object.keys(getSession() ?? {})).toEqual(['accessToken', 'expiresAt', 'user']);
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
    expect(sent[0].requestedWith).toBe('claims-review');
    await logout();
    expect(getSession()).toBeNull();
    expect(sent[1].url.pathname).toBe('/v1/auth/logout');
    expect(JSON.parse(sent[1].body)).toEqual({});
  });

  it('tells the other tabs when it signs in or out, with no token in the message', async () => {
    const other = new BroadcastChannel('claims-review-session');
    const heard: unknown[] = [];
    other.onmessage = (event: MessageEvent) => heard.push(event.data);
    try {
      stubFetch(() => json(tokens('secret-access')));
      await login('a@example.test', 'password-long-enough');
      await logout();
      await vi.waitFor(() => expect(heard).toHaveLength(2));
      expect(heard).toEqual([{ type: 'signed-in' }, { type: 'signed-out' }]);
      expect(JSON.stringify(heard)).not.toContain('secret-access');
    } finally {
      other.close();
    }
  });

  it('a tab signed out in another drops its session at once; a signed-out tab follows a sign-in by a refresh', async () => {
    const sent = stubFetch(() => json(tokens('refreshed')));
    setSession({ accessToken: 'mine', expiresAt: Date.now() + 60_000, user });
    onOtherTab({ type: 'signed-out' });
    expect(getSession()).toBeNull();
    expect(sent).toHaveLength(0); // the other tab already told the server
    onOtherTab({ type: 'signed-in' });
    await vi.waitFor(() => expect(getSession()?.accessToken).toBe('refreshed'));
    expect(sent.map((request) => request.url.pathname)).toEqual(['/v1/auth/refresh']);
    onOtherTab({ type: 'signed-in' }); // already signed in: nothing to do
    expect(sent).toHaveLength(1);
  });

  it('a new tab signs in with a refresh on load (the cookie), or stays signed out when it is refused', async () => {
    stubFetch(() => json(tokens('from-cookie')));
    await restoreSession();
    expect(getSession()?.accessToken).toBe('from-cookie');
    setSession(null);
    stubFetch(() => json({ statusCode: 401, error: 'Unauthorized', message: 'no refresh token: sign in' }, 401));
    await restoreSession();
    expect(getSession()).toBeNull();
  });

  it('answers the second-factor challenge instead of a session when the password step needs one', async () => {
    stubFetch(() => json({ mfa: 'code', mfaToken: 'challenge-token', expiresIn: 300 }, 202));
    const outcome = await login('a@example.test', 'password-long-enough');
    expect(outcome).toEqual({ mfa: 'code', mfaToken: 'challenge-token', expiresIn: 300 });
    expect(getSession()).toBeNull();
  });
});
