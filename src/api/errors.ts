import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { issuesFromZod, unstorableInputIssues } from '../core/validation.js';
import { DomainError, RateLimitedError, ValidationError } from '../errors.js';
import { localizedErrorMessage } from '../i18n/error-messages.js';
import type { AppEnv } from './env.js';

/**
 * The ONE place an error code becomes an HTTP status. Domain code throws typed errors with a
 * stable code; codes not listed here fall back by error class.
 */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_token: 401,
  invalid_credentials: 401,
  invalid_api_key: 401,
  invalid_signature: 401,
  signature_required: 401,
  forbidden: 403,
  account_disabled: 403,
  out_of_scope: 403,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 409,
  payout_run_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  insufficient_points: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  // Payouts through Stripe (src/payouts/stripe).
  invalid_stripe_signature: 400,
  payouts_manual_mode: 409,
  stripe_request_failed: 422,
  stripe_unavailable: 503,
  stripe_webhooks_not_configured: 503,
};


/**
 * Every error code a response can carry, each with an `errors:<code>` text in every locale
 * (test/unit/i18n/locales.test.ts checks both ways, and that src/ throws no other code).
 */
export const ERROR_CODES: readonly string[] = [...new Set([...Object.keys(STATUS_BY_CODE), 'method_not_allowed', 'http_error'])].sort();

export function statusForCode(code: string): ContentfulStatusCode {
  return STATUS_BY_CODE[code] ?? 400;
}

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'email: must be a valid email address' }),
      details: z.unknown().optional(),
      requestId: z.string().openapi({ example: 'req_0lz3k8q1aXy2Pq9RsT0uV' }),
    }),
  })
  .openapi('Error');

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});

/** Spread into every route's `responses` so the OpenAPI document lists the failures honestly. */
export const errorResponses = {
  400: errorResponse('Malformed JSON or a field failed validation; `details.issues` names each field.'),
  401: errorResponse('Missing, expired or invalid credentials.'),
  403: errorResponse('The caller may not use this operation or this resource.'),
  404: errorResponse('The resource does not exist or is not visible to the caller.'),
  409: errorResponse('Conflicts with existing state (duplicate, reused idempotency key).'),
  422: errorResponse('Well-formed, but the current state does not allow it.'),
  500: errorResponse('Something failed on our side; the requestId helps us find it.'),
} as const;

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' as const } });

/** /v1 operations also answer 429 (API_RATE_LIMIT_PER_MINUTE); defineRoute adds it to those alone. */
export const rateLimitedResponse = {
  ...errorResponse('Too many requests from this caller in the current minute; retry after `Retry-After` seconds.'),
  headers: {
    'Retry-After': integerHeader('Seconds until the window resets.'),
    'RateLimit-Limit': integerHeader('Requests allowed per window.'),
    'RateLimit-Remaining': integerHeader('Requests left in the current window.'),
    'RateLimit-Reset': integerHeader('Seconds until the current window ends.'),
  },
};

const TARGET_PREFIX: Record<string, string | undefined> = {
  json: undefined,
  form: undefined,
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/**
 * defaultHook of the OpenAPIHono app, which every declared input of every operation (body, path,
 * query, headers) passes: a failed validation becomes a ValidationError, and so does valid input
 * no column can store (a NUL, a lone surrogate, nesting past 32 levels: unstorableInputIssues),
 * before any of it reaches a service.
 */
export function validationHook(result: { success: boolean; data?: unknown; error?: unknown; target: string }): void {
  const prefix = TARGET_PREFIX[result.target];
  // `data` is the parsed value, or the raw input when parsing failed: unstorable input is named either way.
  const issues = result.success ? [] : issuesFromZod(result.error as ZodError, prefix);
  issues.push(...unstorableInputIssues(result.data, prefix));
  if (issues.length) throw new ValidationError(issues);
}

export function errorBody(code: string, message: string, requestId: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

/**
 * The envelope in the caller's language: a locale they chose (query, cookie, Accept-Language)
 * other than English gets the `errors:<code>` text; English keeps the specific message. Details
 * stay as they are: they are for programs.
 */
function respond(c: Context<AppEnv>, status: ContentfulStatusCode, code: string, message: string, details?: unknown): Response {
  const locale = c.get('locale');
  const localized = locale?.explicit && locale.locale !== 'en' ? localizedErrorMessage(locale.locale, code, details) : undefined;
  if (localized !== undefined) c.header('Content-Language', locale!.locale);
  return c.json(errorBody(code, localized ?? message, c.get('requestId') ?? 'unknown', details), status);
}

/** app.onError: every failure leaves through here, in the one envelope. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof DomainError) {
    if (err instanceof RateLimitedError && err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
    return respond(c, statusForCode(err.code), err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400 && /malformed json/i.test(err.message)) {
      return respond(c, 400, 'malformed_json', 'The request body is not valid JSON.');
    }
    const code = STATUS_CODE_NAMES[status] ?? 'http_error';
    return respond(c, status as ContentfulStatusCode, code, err.message || code);
  }
  const logger = c.get('logger');
  logger?.error({ err }, 'unhandled error');
  return respond(c, 500, 'internal_error', 'Something went wrong on our side. Quote the requestId if you contact support.');
}

const STATUS_CODE_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function notFoundHandler(c: Context<AppEnv>): Response {
  return respond(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`);
}
