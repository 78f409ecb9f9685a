import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

export type Loaded<T> =
  | { status: 'loading'; data?: T; error?: undefined; reload: () => void }
  | { status: 'error'; data?: T; error: ApiError; reload: () => void }
  | { status: 'ready'; data: T; error?: undefined; reload: () => void };

/**
 * Runs `load` when `deps` change and on `reload()`. An answer to an older request never
 * overwrites a newer one (a user paging quickly sees the page they asked for last).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ status: 'loading' | 'error' | 'ready'; data?: T; error?: ApiError }>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    const request = ++latest.current;
    setState((s) => ({ status: 'loading', data: s.data }));
    load().then(
      (data) => request === latest.current && setState({ status: 'ready', data }),
      (err: unknown) =>
        request === latest.current &&
        setState((s) => ({ status: 'error', data: s.data, error: err instanceof ApiError ? err : new ApiError(0, 'client_error', String(err)) })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload } as Loaded<T>;
}
