import { ForbiddenException } from '@nestjs/common';
import type { Request, Response } from 'express';

/**
 * The browser's refresh token lives in this cookie only: HttpOnly (page scripts never see it), Secure
 * (never sent over plain http, except to loopback, which Chromium treats as a secure context),
 * SameSite=Strict (no cross-site request carries it) and Path=/v1/auth (only the auth routes get it).
 * `__Secure-` makes the browser refuse it without Secure.
 */
export const REFRESH_COOKIE = '__Secure-cev-refresh';
export const REFRESH_COOKIE_PATH = '/v1/auth';

/**
 * The browser client marks its auth calls with this header. A cross-site page cannot send a custom
 * header without a CORS preflight (which this API does not allow), so requiring it on the cookie-based
 * refresh and logout defends against CSRF on top of SameSite=Strict. It also selects cookie delivery:
 * login, refresh and the MFA step answer the refresh token in the cookie and leave it out of the JSON.
 */
export const BROWSER_CLIENT_HEADER = 'x-requested-with';

/** True when the caller is the browser client (cookie delivery of the refresh token). */
export function isBrowserClient(request: Request): boolean {
  const value = request.headers[BROWSER_CLIENT_HEADER];
  return typeof value === 'string' && value.trim().length > 0;
}

/** The refresh token from the cookie, if any. */
export function refreshCookieOf(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(index + 1).trim();
    return value.length > 0 ? decodeURIComponent(value) : undefined;
  }
  return undefined;
}

/**
 * The cookie-based refresh token of a request to refresh or logout. Without the browser header the
 * cookie is not accepted (403): that is the CSRF defence, so a forged form post cannot use it.
 */
export function requireCsrfSafeCookie(request: Request): string | undefined {
  const token = refreshCookieOf(request);
  if (token === undefined) return undefined;
  if (!isBrowserClient(request))
    throw new ForbiddenException(`the refresh cookie is only accepted with the ${BROWSER_CLIENT_HEADER} header`);
  return token;
}

export function setRefreshCookie(response: Response, token: string, maxAgeS: number): void {
  response.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: maxAgeS * 1000,
  });
}

export function clearRefreshCookie(response: Response): void {
  response.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: REFRESH_COOKIE_PATH });
}

/**
 * Hands a new session to the caller: the browser client gets the refresh token in the cookie and a
 * JSON body without it; API callers get it in the body (they keep it themselves; no cookie is set).
 */
export function deliverSession<T extends { refreshToken?: string }>(
  request: Request,
  response: Response,
  pair: T,
  refreshTtlS: number,
): T {
  response.setHeader('Cache-Control', 'no-store');
  if (!isBrowserClient(request) || pair.refreshToken === undefined) return pair;
  setRefreshCookie(response, pair.refreshToken, refreshTtlS);
  const { refreshToken: _omitted, ...rest } = pair;
  void _omitted;
  return rest as T;
}
