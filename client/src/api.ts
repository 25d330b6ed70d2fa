import createClient from 'openapi-fetch';
import type { paths } from './api/schema';
import type { TokenPair, User } from './api/types';

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

async function errorFrom(response: Response): Promise<ApiError> {
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { message?: string | string[] };
    if (Array.isArray(body.message)) message = body.message.join('; ');
    else if (typeof body.message === 'string') message = body.message;
  } catch {
    /* not JSON */
  }
  return new ApiError(response.status, message);
}

/** Request URLs need an origin outside a browser page (tests); in the page it is the page's own. */
const baseUrl = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** The generated contract's calls without credentials (sign-in, refresh, sign-out). */
const publicClient = createClient<paths>({ baseUrl, fetch: (request) => fetch(request) });

/** A call's answer, or its ApiError (the API's `{statusCode, error, message}`; status 0: no network). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const body = error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : response.statusText || `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
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

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the API with the session's bearer token; refreshes once on expiry or a 401. */
export async function apiRaw(path: string, options: RequestOptions = {}): Promise<Response> {
  let current = session;
  if (current && current.expiresAt - Date.now() < 30_000) current = await refreshSession();
  const send = (token: string | undefined) =>
    fetch(path, {
      method: options.method ?? 'GET',
      signal: options.signal,
      headers: {
        Accept: 'application/json',
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  let response: Response;
  try {
    response = await send(current?.accessToken);
    if (response.status === 401 && current) {
      const renewed = await refreshSession();
      if (renewed) response = await send(renewed.accessToken);
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  return response;
}

/** `fetch` for the typed client: the same bearer token and single refresh-and-retry as apiRaw. */
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

/** The API's calls as the contract (openapi.json → api/schema.d.ts) types them, with the session's credentials. */
export const client = createClient<paths>({ baseUrl, fetch: authedFetch });

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiRaw(path, options);
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A photo as an object URL (the content endpoint needs the bearer token, so an <img src> cannot fetch it). */
export async function fetchPhotoUrl(
  claimId: string,
  photoId: string,
  variant: 'original' | 'preview' | 'thumbnail',
  justification?: string,
  signal?: AbortSignal,
): Promise<string> {
  const response = await apiRaw(
    `/v1/claims/${encodeURIComponent(claimId)}/photos/${encodeURIComponent(photoId)}/content?variant=${variant}`,
    {
      signal,
      headers: { Accept: 'image/*', ...(justification ? { 'X-Access-Justification': justification } : {}) },
    },
  );
  if (!response.ok) throw await errorFrom(response);
  return URL.createObjectURL(await response.blob());
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
