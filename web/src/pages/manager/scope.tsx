import { createContext, useContext } from 'react';
import { api, call } from '../../api/client';
import type { SessionUser } from '../../api/session';

/** What the console works on: one program and the markets the user looks after in it. */
export interface Program {
  id: string;
  name: string;
  payoutCurrency: string;
}

/** Upper bounds of a market's commission terms, in minor units of its currency (basis points for the share). */
export interface CommissionBounds {
  maxSignupAmount: number;
  maxSaleAmount: number;
  maxPercentBps: number;
}

export interface Market {
  id: string;
  country: string;
  currency: string;
  defaultLocale: string;
  stage: 'new' | 'mature';
  /** What its commission policy may pay at most (staff see them; set by admins). */
  commissionBounds: CommissionBounds | null;
}

export interface ConsoleScope {
  programs: Program[];
  program: Program;
  /** The markets in scope: a manager's countries, every market for an admin. */
  markets: Market[];
}

/** Programs the user can open (a manager's tenant, an admin's); markets of the chosen one, in scope. */
export async function loadPrograms(): Promise<Program[]> {
  const page = await call(api.v1.programs.$get({ query: { limit: '100' } }));
  return page.data.map((p) => ({ id: p.id, name: p.name, payoutCurrency: p.payoutCurrency }));
}

export async function loadMarkets(user: SessionUser, programId: string): Promise<Market[]> {
  const all: Market[] = [];
  let cursor: string | undefined;
  // Programs have a handful of markets; the loop only guards against a program with more than a page.
  do {
    const page = await call(api.v1.programs[':programId'].markets.$get({ param: { programId }, query: { limit: '100', ...(cursor ? { cursor } : {}) } }));
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const inScope = user.role === 'admin' ? all : all.filter((m) => user.countries.includes(m.country));
  return inScope.sort((a, b) => a.country.localeCompare(b.country));
}

const ScopeContext = createContext<ConsoleScope | null>(null);
export const ScopeProvider = ScopeContext.Provider;

export function useScope(): ConsoleScope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useScope outside the manager console');
  return scope;
}
