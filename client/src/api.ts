import createClient from 'openapi-fetch';
import type { paths } from './api/schema';
import type { components } from './api/schema';
import type { StaffClaim, TokenPair, User } from './api/types';

type Schemas = components['schemas'];

/** An error answer of the API (`{statusCode, error, message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The signed-in session, in memory only: the access token and who it belongs to. The refresh token is
 * never visible to this code: the server keeps it in an HttpOnly, SameSite=Strict cookie scoped to
 * /v1/auth, so a new tab (or a reload) signs in with a refresh on load.
 */
export interface Session {
  accessToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
  user: User;
}

type Listener = () => void;
const listeners = new Set<Listener>();

let session: Session | null = null;
/** True until the first refresh-on-load has answered (the cookie may hold a session). */
let restoring = false;

export function getSession(): Session | null {
  return session;
}

export function isRestoring(): boolean {
  return restoring;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function setSession(next: Session | null): void {
  session = next;
  notify();
}

/**
 * Tells the other tabs of this origin when this one signs in or out (BroadcastChannel, where there is
 * one): a tab signed out elsewhere drops its access token at once instead of on its next 401, and a tab
 * left on the sign-in page follows a sign-in made in another tab (through a refresh, one tab at a time).
 * Messages carry no token: only what happened.
 */
type TabMessage = { type: 'signed-in' } | { type: 'signed-out' };
const tabs: BroadcastChannel | null =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('claims-review-session');

function tellOtherTabs(message: TabMessage): void {
  tabs?.postMessage(message);
}

/** What this tab does when another one signs in or out. Exported for tests. */
export function onOtherTab(message: TabMessage): void {
  if (message.type === 'signed-out' && session) setSession(null);
  else if (message.type === 'signed-in' && !session) void refreshSession();
}

if (tabs) tabs.onmessage = (event: MessageEvent<TabMessage>) => onOtherTab(event.data);

/** This tab signed in (password, second factor or enrolment): the session, and the other tabs told. */
function signedIn(next: Session): Session {
  setSession(next);
  tellOtherTabs({ type: 'signed-in' });
  return next;
}

function toSession(pair: TokenPair): Session {
  return {
    accessToken: pair.accessToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
    user: pair.user,
  };
}

/**
 * Marks the auth calls as the browser client's: the server then answers the refresh token in the
 * HttpOnly cookie (never in JSON) and accepts the cookie on refresh and logout (its CSRF check).
 */
export const BROWSER_CLIENT_HEADERS = { 'X-Requested-With': 'claims-review' } as const;

/** Request URLs need an origin outside a browser page (tests); in the page it is the page's own. */
const baseUrl = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** The generated contract's calls without a bearer token (sign-in, refresh, sign-out): the cookie goes along. */
const publicClient = createClient<paths>({
  baseUrl,
  fetch: (request) => fetch(request),
  headers: BROWSER_CLIENT_HEADERS,
  credentials: 'same-origin',
});

/** What a typed client call resolves to: its data, or the error body the server sent with `response`. */
export interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The server's `message` (validation problems may come as a list), else the status line. */
function messageOf(body: unknown, response: Response): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return response.statusText || `HTTP ${response.status}`;
}

/** A call's answer, or its ApiError (the API's `{statusCode, error, message}`; status 0: no network). */
export async function unwrap<T>(call: Promise<ApiResult<T>>): Promise<T> {
  let result: ApiResult<T>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  const { data, error, response } = result;
  if (!response.ok) throw new ApiError(response.status, messageOf(error, response));
  return data as T;
}

/** The password was right; the second step: a TOTP code, or setting up TOTP first. */
export type MfaChallenge = Schemas['MfaChallengeView'];

/** Signs in with a password: a session, or the second-factor challenge to answer next. */
export async function login(email: string, password: string): Promise<Session | MfaChallenge> {
  const { data, error, response } = await publicClient.POST('/v1/auth/login', { body: { email, password } });
  if (!response.ok || !data) throw new ApiError(response.status, messageOf(error, response));
  if ('mfaToken' in data) return data;
  return signedIn(toSession(data));
}

/** The code step of a sign-in (TOTP or recovery code). */
export async function verifyMfa(mfaToken: string, code: string): Promise<Session> {
  const pair = await unwrap(publicClient.POST('/v1/auth/mfa/verify', { body: { mfaToken, code } }));
  return signedIn(toSession(pair));
}

/** Starts TOTP enrolment: with the sign-in challenge token, or (no token) as the signed-in user. */
export async function startMfaEnrolment(mfaToken?: string): Promise<Schemas['TotpEnrolmentView']> {
  const call = mfaToken
    ? publicClient.POST('/v1/auth/mfa/enrolment', { body: { mfaToken } })
    : client.POST('/v1/auth/mfa/enrolment', { body: {} });
  return unwrap(call);
}

/** Confirms enrolment; with a challenge token the sign-in finishes too. Answers the recovery codes. */
export async function confirmMfaEnrolment(code: string, mfaToken?: string): Promise<string[]> {
  const call = mfaToken
    ? publicClient.POST('/v1/auth/mfa/enrolment/confirm', { body: { mfaToken, code } })
    : client.POST('/v1/auth/mfa/enrolment/confirm', { body: { code } });
  const result = await unwrap(call);
  if (result.session) pendingSession = toSession(result.session);
  return result.recoveryCodes;
}

/** A session from an enrolment, held back until the person has saved the recovery codes. */
let pendingSession: Session | null = null;

export function startPendingSession(): void {
  if (pendingSession) signedIn(pendingSession);
  pendingSession = null;
}

/** Runs `work` while holding a lock shared by every tab of this origin (the Web Locks API, where there is one). */
async function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return work();
  return locks.request('claims-review-refresh', work) as Promise<T>;
}

/**
 * One refresh at a time, in this tab and across tabs: refresh tokens are single-use and reusing one
 * revokes the whole session, so two tabs must not send the same cookie at once.
 */
let refreshing: Promise<Session | null> | null = null;

export function refreshSession(): Promise<Session | null> {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const { data, response } = await acrossTabs(() => publicClient.POST('/v1/auth/refresh', { body: {} }));
      if (!response.ok || !data) {
        setSession(null);
        return null;
      }
      const next = toSession(data);
      setSession(next);
      return next;
    } catch {
      return session;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** On page load: a new tab (or a reload) is signed in through the refresh cookie, if it holds a session. */
export async function restoreSession(): Promise<Session | null> {
  restoring = true;
  notify();
  try {
    return await refreshSession();
  } finally {
    restoring = false;
    notify();
  }
}

export async function logout(): Promise<void> {
  setSession(null);
  tellOtherTabs({ type: 'signed-out' });
  try {
    await publicClient.POST('/v1/auth/logout', { body: {} });
  } catch {
    /* signed out locally either way */
  }
}

/** Ends every session of the person: other tabs, other browsers and every access token already issued. */
export async function logoutEverywhere(): Promise<void> {
  await unwrap(client.POST('/v1/auth/logout', { body: { everywhere: true } }));
  setSession(null);
  tellOtherTabs({ type: 'signed-out' });
}

/** Sets a password with a one-time set-password token (from an admin). */
export async function setPasswordWithToken(token: string, password: string): Promise<void> {
  await unwrap(publicClient.POST('/v1/auth/password', { body: { token, password } }));
}

/** `fetch` for the typed client: the session's bearer token, refreshed shortly before expiry and once on a 401. */
async function authedFetch(request: Request): Promise<Response> {
  let current = session;
  if (current && current.expiresAt - Date.now() < 30_000) current = await refreshSession();
  if (!current && restoring) current = await refreshing;
  const retry = request.clone();
  const send = (sent: Request, token: string | undefined) => {
    if (token) sent.headers.set('Authorization', `Bearer ${token}`);
    return fetch(sent);
  };
  const response = await send(request, current?.accessToken);
  if (response.status === 401 && current) {
    const renewed = await refreshSession();
    if (renewed) return send(retry, renewed.accessToken);
  }
  return response;
}

/** Query strings as the API wants them: unset and empty values (a cleared filter field) are left out. */
function querySerializer(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  return search.toString();
}

/**
 * The API's calls as the contract (openapi.json → api/schema.d.ts) types them, with the session's credentials:
 * a path, parameter or body the contract does not have does not compile.
 */
export const client = createClient<paths>({
  baseUrl,
  fetch: authedFetch,
  querySerializer,
  headers: { Accept: 'application/json' },
});

/**
 * GET /v1/claims/{id} as staff get it. The contract answers intake systems (API keys) a smaller view of the same
 * claim; this client signs in staff only, so that view here means a broken contract: an error, not missing fields.
 */
export async function getStaffClaim(id: string, signal?: AbortSignal): Promise<ApiResult<StaffClaim>> {
  const { data, error, response } = await client.GET('/v1/claims/{id}', { params: { path: { id } }, signal });
  if (data === undefined) return { error, response };
  if (!('team' in data))
    throw new ApiError(500, 'The server answered the intake view of the claim, not the staff view.');
  return { data, response };
}

/** A photo as an object URL (the content endpoint needs the bearer token, so an <img src> cannot fetch it). */
export async function fetchPhotoUrl(
  claimId: string,
  photoId: string,
  variant: 'original' | 'preview' | 'thumbnail',
  justification?: string,
  signal?: AbortSignal,
): Promise<string> {
  const image = await unwrap(
    client.GET('/v1/claims/{claimId}/photos/{photoId}/content', {
      params: {
        path: { claimId, photoId },
        query: { variant },
        header: justification ? { 'X-Access-Justification': justification } : undefined,
      },
      headers: { Accept: 'image/*' },
      parseAs: 'blob',
      signal,
    }),
  );
  return URL.createObjectURL(image);
}
