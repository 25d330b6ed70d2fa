import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { api, getSession, subscribeSession, type Session } from './api';

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession);
}

export interface Loadable<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing to load) and keeps loading/error/data; reload() fetches again. */
export function useApi<T>(path: string | null, options: { headers?: Record<string, string> } = {}): Loadable<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: Error; loading: boolean }>({
    path,
    loading: path !== null,
  });
  const [nonce, setNonce] = useState(0);
  const headers = JSON.stringify(options.headers ?? {});
  useEffect(() => {
    if (path === null) {
      setState({ path, loading: false });
      return;
    }
    const controller = new AbortController();
    // Keep the data while reloading the same path (no flicker); never show one resource's data for another.
    setState((previous) => ({ path, data: previous.path === path ? previous.data : undefined, loading: true }));
    api<T>(path, { signal: controller.signal, headers: JSON.parse(headers) as Record<string, string> })
      .then((data) => setState({ path, data, loading: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ path, error: error instanceof Error ? error : new Error(String(error)), loading: false });
      });
    return () => controller.abort();
  }, [path, nonce, headers]);
  const reload = useCallback(() => setNonce((value) => value + 1), []);
  // Until the effect runs for a new path, the state still belongs to the old one: hide it.
  if (state.path !== path) return { data: undefined, error: undefined, loading: path !== null, reload };
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
