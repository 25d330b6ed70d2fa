import type { ReactNode } from 'react';
import { ApiError } from '../api';
import type { Loadable } from '../hooks';
import type { ClaimPage } from '../api/types';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const text =
    error instanceof ApiError && error.status === 404
      ? 'Not found, or you may not see it.'
      : error instanceof ApiError && error.status === 403
        ? `Not allowed: ${error.message}`
        : error.message;
  return (
    <div className="alert alert--error" role="alert">
      <p>{text}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state--empty">{children}</p>;
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total <= pageSize && page === 1) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        ← Previous
      </button>
      <span aria-live="polite">
        Page {page} of {pages} ({total})
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next →
      </button>
    </nav>
  );
}

/** An alert line: an error (role alert) or, with `ok`, a success note (role status). */
export function Alert({ ok = false, testId, children }: { ok?: boolean; testId?: string; children: ReactNode }) {
  return (
    <div className={`alert ${ok ? 'alert--ok' : 'alert--error'}`} role={ok ? 'status' : 'alert'} data-testid={testId}>
      {children}
    </div>
  );
}

/**
 * A result message, with a one-time secret (a new API key, a set-password link) after it when there is one:
 * shown once, selectable, never stored by the client.
 */
export function SecretAlert({
  ok,
  testId,
  text,
  secret,
}: {
  ok: boolean;
  testId: string;
  text: string;
  secret?: { value: string; testId: string };
}) {
  return (
    <Alert ok={ok} testId={testId}>
      {text}
      {secret && (
        <>
          {' '}
          <code className="secret" data-testid={secret.testId}>
            {secret.value}
          </code>
        </>
      )}
    </Alert>
  );
}

/**
 * What a loaded resource shows: its error (with a retry), a loading note until data comes, `empty` (or
 * `empty(data)`) when `isEmpty(data)` (by default: an empty list), else `children(data)`.
 */
export function Loaded<T>({
  state,
  loading,
  isEmpty = (data) => Array.isArray(data) && data.length === 0,
  empty,
  children,
}: {
  state: Loadable<T>;
  loading: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode | ((data: T) => ReactNode);
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what={loading} />;
  if (isEmpty(state.data)) return <Empty>{typeof empty === 'function' ? empty(state.data) : empty}</Empty>;
  return <>{children(state.data)}</>;
}

/** Any page of a paged list in the contract: they share the ClaimPage's pager fields. */
type Paged = Pick<ClaimPage, 'page' | 'pageSize' | 'total'> & { items: readonly unknown[] };

/** `Loaded` for a paged list: `empty` when the page has no items, else `children(data)` and the pager. */
export function LoadedPage<P extends Paged>({
  state,
  loading,
  empty,
  onPage,
  children,
}: {
  state: Loadable<P>;
  loading: string;
  empty: ReactNode;
  onPage: (page: number) => void;
  children: (data: P) => ReactNode;
}) {
  return (
    <Loaded state={state} loading={loading} isEmpty={(data) => data.items.length === 0} empty={empty}>
      {(data) => (
        <>
          {children(data)}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={onPage} />
        </>
      )}
    </Loaded>
  );
}
