import createClient from 'openapi-fetch';
import type { paths } from './api/schema';
import type { StaffClaim, TokenPair, User } from './api/types';

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

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
  user: User;
}

const STORAGE_KEY = 'claims-review-session';
type Listener = () => void;
const listeners = new Set<Listener>();

function readStored(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let session: Session | null = typeof sessionStorage === 'undefined' ? null : readStored();

export function getSession(): Session | null {
  return session;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setSession(next: Session | null): void {
  session = next;
  try {
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable: keep the session in memory only */
  }
  for (const listener of listeners) listener();
}

function toSession(pair: TokenPair): Session {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
    user: pair.user,
  };
}

/** Request URLs need an origin outside a browser page (tests); in the page it is the page's own. */
const baseUrl = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** The generated contract's calls without credentials (sign-in, refresh, sign-out). */
const publicClient = createClient<paths>({ baseUrl, fetch: (request) => fetch(request) });

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

export async function login(email: string, password: string): Promise<Session> {
  const pair = await unwrap(publicClient.POST('/v1/auth/login', { body: { email, password } }));
  const next = toSession(pair);
  setSession(next);
  return next;
}

/** One refresh at a time: refresh tokens are single-use, and reusing one revokes the whole family. */
let refreshing: Promise<Session | null> | null = null;

export function refreshSession(): Promise<Session | null> {
  if (refreshing) return refreshing;
  const current = session;
  if (!current) return Promise.resolve(null);
  refreshing = (async () => {
    try {
      const { data, response } = await publicClient.POST('/v1/auth/refresh', {
        body: { refreshToken: current.refreshToken },
      });
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

export async function logout(): Promise<void> {
  const current = session;
  setSession(null);
  if (!current) return;
  try {
    await publicClient.POST('/v1/auth/logout', { body: { refreshToken: current.refreshToken } });
  } catch {
    /* signed out locally either way */
  }
}

/** `fetch` for the typed client: the session's bearer token, refreshed shortly before expiry and once on a 401. */
async function authedFetch(request: Request): Promise<Response> {
  let current = session;
  if (current && current.expiresAt - Date.now() < 30_000) current = await refreshSession();
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
