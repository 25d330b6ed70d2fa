import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type DependencyList } from 'react';
import { getSession, subscribeSession, unwrap, type ApiResult, type Session } from './api';

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession);
}

export interface Loadable<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** A typed client call (`client.GET(...)`) that passes the given signal on, so a superseded load is cancelled. */
export type ApiCall<T> = (signal: AbortSignal) => Promise<ApiResult<T>>;

/**
 * Runs `call` (null: nothing to load) and keeps loading/error/its unwrapped data; runs it again when
 * `deps` change (what the call reads: ids, filters, page) and on reload().
 */
export function useApi<T>(call: ApiCall<T> | null, deps: DependencyList): Loadable<T> {
  const key = call === null ? null : JSON.stringify(deps);
  const latest = useRef(call);
  latest.current = call;
  const [state, setState] = useState<{ key: string | null; data?: T; error?: Error; loading: boolean }>({
    key,
    loading: key !== null,
  });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const run = latest.current;
    if (key === null || run === null) {
      setState({ key, loading: false });
      return;
    }
    const controller = new AbortController();
    // Keep the data while reloading the same request (no flicker); never show one resource's data for another.
    setState((previous) => ({ key, data: previous.key === key ? previous.data : undefined, loading: true }));
    unwrap(run(controller.signal))
      .then((data) => setState({ key, data, loading: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ key, error: error instanceof Error ? error : new Error(String(error)), loading: false });
      });
    return () => controller.abort();
  }, [key, nonce]);
  const reload = useCallback(() => setNonce((value) => value + 1), []);
  // Until the effect runs for a new request, the state still belongs to the old one: hide it.
  if (state.key !== key) return { data: undefined, error: undefined, loading: key !== null, reload };
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Calls `handler` for a key pressed outside text fields (single keys, no modifiers). */
export function useShortcut(keys: Record<string, () => void>, enabled = true): void {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const handler = ref.current[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
