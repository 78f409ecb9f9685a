import { useSyncExternalStore } from 'react';

/** The logged-in user, as /v1/auth/login and /v1/auth/me return it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'regional_manager' | 'affiliate' | 'member';
  countries: string[];
  programId: string | null;
  memberId: string | null;
}

interface SessionState {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

// The access token lives in sessionStorage: it survives a reload but not the tab, and every API
// call carries it as a bearer token (no cookie, so no CSRF surface).
const KEY = 'trellis.session';
const listeners = new Set<() => void>();
let current: SessionState | null = read();

function read(): SessionState | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const state = JSON.parse(raw) as SessionState;
    return Date.parse(state.expiresAt) > Date.now() ? state : null;
  } catch {
    return null;
  }
}

function set(state: SessionState | null): void {
  current = state;
  if (state) sessionStorage.setItem(KEY, JSON.stringify(state));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export const session = {
  token: (): string | null => current?.token ?? null,
  user: (): SessionUser | null => current?.user ?? null,
  start(token: string, expiresAt: string, user: SessionUser): void {
    set({ token, expiresAt, user });
  },
  /** The server refused the token (expired or revoked): back to the login page. */
  expire(): void {
    if (current) set(null);
  },
  logout(): void {
    set(null);
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSessionUser(): SessionUser | null {
  return useSyncExternalStore(session.subscribe, session.user);
}

/** Where each role's dashboard lives. */
export const HOME_BY_ROLE: Record<SessionUser['role'], string> = {
  admin: '/admin',
  regional_manager: '/manager',
  affiliate: '/affiliate',
  member: '/member',
};
