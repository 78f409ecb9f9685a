import { hc, type ClientResponse } from 'hono/client';
import type { WebApi } from '../../../src/api/web-api';
import i18next from 'i18next';
import { session } from './session';

interface FieldIssue {
  field: string;
  reason: string;
  code?: string;
  limit?: number;
}

// The kinds the API names (src/errors.ts FIELD_ISSUE_CODES) that read the same in every form.
// i18n-keys: fieldIssue.required fieldIssue.wrong_type fieldIssue.too_short fieldIssue.too_long fieldIssue.too_small fieldIssue.too_big fieldIssue.too_few_items fieldIssue.too_many_items fieldIssue.invalid_email fieldIssue.invalid_url fieldIssue.invalid_format fieldIssue.not_allowed fieldIssue.unknown_field fieldIssue.invalid_characters fieldIssue.too_deep
const WORDED = new Set(['required', 'wrong_type', 'too_short', 'too_long', 'too_small', 'too_big', 'too_few_items', 'too_many_items', 'invalid_email', 'invalid_url', 'invalid_format', 'not_allowed', 'unknown_field', 'invalid_characters', 'too_deep']);
const BOUNDED = new Set(['too_short', 'too_long', 'too_small', 'too_big', 'too_few_items', 'too_many_items', 'too_deep']);

/** One field issue in the UI's language, else the API's own reason. */
export function fieldIssueText(issue: FieldIssue): string {
  if (!issue.code || !WORDED.has(issue.code) || (BOUNDED.has(issue.code) && typeof issue.limit !== 'number')) return issue.reason;
  return i18next.t(`web-common:fieldIssue.${issue.code}`, { limit: issue.limit, defaultValue: issue.reason });
}

/** The API's error envelope, thrown by `call` for every non-2xx answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /**
   * Field-level reasons from a validation failure, by field name, in the UI's language where the
   * API names the kind of issue (`code`); a reason only the domain words stays as the API sent it.
   */
  get fieldIssues(): Record<string, string> {
    const issues = (this.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [];
    return Object.fromEntries(issues.map((i) => [i.field, fieldIssueText(i)]));
  }
}

/** The typed client: every path, parameter and response body is checked against the server's routes. */
export const api = hc<WebApi>('/', {
  headers: (): Record<string, string> => {
    const token = session.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
});

type Success<R> = R extends ClientResponse<infer B, infer S, infer _F> ? (S extends 200 | 201 | 202 ? B : never) : never;

/**
 * Awaits a typed-client call and returns its success body; any other answer becomes an ApiError
 * (a 401 also ends the session, so the app goes back to the login page).
 */
export async function call<R extends ClientResponse<unknown, number, 'json'>>(request: Promise<R>): Promise<Success<R>> {
  let res: R;
  try {
    res = await request;
  } catch {
    throw new ApiError(0, 'network_error', 'network_error');
  }
  if (res.ok) return (await res.json()) as Success<R>;
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: unknown; requestId?: string } } | null;
  const error = body?.error;
  if (res.status === 401) session.expire();
  throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? res.statusText, error?.details, error?.requestId);
}

/** For the few operations that answer with something other than JSON (statements, CSV). */
export async function fetchText(path: string, accept: string): Promise<string> {
  const token = session.token();
  const res = await fetch(path, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? res.statusText);
  }
  return await res.text();
}
