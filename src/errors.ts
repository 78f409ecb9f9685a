/**
 * Typed errors domain code throws. Each carries a stable `code`; src/api/errors.ts is the one place
 * that maps codes to HTTP statuses. Messages are safe to show to the caller.
 */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `customFields.shoe_size` or `body`. */
  field: string;
  /** In English, for people reading logs and scripts. */
  reason: string;
  /**
   * What is wrong, as a stable word a client can put in its own language (`required`,
   * `too_long`, ...: FIELD_ISSUE_CODES), with `limit` for the bounds. `invalid`, or absent, on
   * reasons only the domain can word (`must not be in the future`).
   */
  code?: FieldIssueCode;
  limit?: number;
}

/** The kinds of field issue a client can word itself; `invalid` covers the rest. */
export const FIELD_ISSUE_CODES = [
  'required',
  'wrong_type',
  'too_short',
  'too_long',
  'too_small',
  'too_big',
  'too_few_items',
  'too_many_items',
  'invalid_email',
  'invalid_url',
  'invalid_format',
  'not_allowed',
  'unknown_field',
  /** A NUL character or a lone UTF-16 surrogate: text no column can store. */
  'invalid_characters',
  /** Arrays and objects nested deeper than `limit` levels. */
  'too_deep',
  'invalid',
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(issues: FieldIssue[], message?: string) {
    super(
      'validation_failed',
      message ?? (issues.length === 1 ? `${issues[0]!.field}: ${issues[0]!.reason}` : 'The request has invalid fields.'),
      { issues },
    );
  }
  get issues(): FieldIssue[] {
    return (this.details as { issues: FieldIssue[] }).issues;
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, code = 'bad_request', details?: unknown) {
    super(code, message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication is required.', code = 'unauthorized') {
    super(code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this.', code = 'forbidden') {
    super(code, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super('not_found', id ? `${entity} ${id} was not found.` : `${entity} was not found.`, { entity, ...(id ? { id } : {}) });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(code, message, details);
  }
}

/** A state the request cannot be applied to, e.g. redeeming more points than are available. */
export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, details);
  }
}

export class RateLimitedError extends DomainError {
  /** When set, the response carries it as Retry-After (the API limit sets its headers itself). */
  constructor(
    message = 'Too many requests.',
    readonly retryAfterSeconds?: number,
  ) {
    super('rate_limited', message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}
