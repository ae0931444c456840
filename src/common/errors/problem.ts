import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { DomainError, DomainErrorCode, FieldError } from './domain-error';

/** The most entries a problem's `errors` lists (DESIGN.md, input rules). */
export const MAX_PROBLEM_ERRORS = 50;

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  unprocessable: 422,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
};

const DUPLICATE_CODES = new Set([
  'ER_DUP_ENTRY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);
/** An insert or update naming a row that does not exist (a foreign key with no target). */
const MISSING_REFERENCE_CODES = new Set([
  'ER_NO_REFERENCED_ROW_2',
  'ER_NO_REFERENCED_ROW',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
/** A delete (or key change) refused because other rows still point at the row. */
const REFERENCED_CODES = new Set([
  'ER_ROW_IS_REFERENCED_2',
  'ER_ROW_IS_REFERENCED',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'POOL_CLOSED',
]);

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  statusCode?: unknown;
  driverError?: { code?: unknown };
  message?: unknown;
}

/** Errors from the database driver that mean "the database is unreachable or busy". */
export function isUnavailableError(err: unknown): boolean {
  const e = err as ErrorLike | null;
  if (!e || typeof e !== 'object') return false;
  const code = (e.driverError?.code ?? e.code) as string | undefined;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  return /Connection lost|connect ECONNREFUSED|Pool is closed|Can't add new command when connection is in closed state|The server closed the connection/i.test(
    msg,
  );
}

/** The driver's error code of a failed query, if it is one. */
function queryErrorCode(err: unknown): string | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  return (err.driverError as { code?: string } | undefined)?.code;
}

export function isDuplicateError(err: unknown): boolean {
  const code = queryErrorCode(err);
  return code !== undefined && DUPLICATE_CODES.has(code);
}

export function isMissingReferenceError(err: unknown): boolean {
  const code = queryErrorCode(err);
  return code !== undefined && MISSING_REFERENCE_CODES.has(code);
}

export function isReferencedError(err: unknown): boolean {
  const code = queryErrorCode(err);
  if (code === undefined) return false;
  // SQLite reports an ON DELETE RESTRICT violation as SQLITE_CONSTRAINT_TRIGGER.
  if (code === 'SQLITE_CONSTRAINT_TRIGGER')
    return /FOREIGN KEY constraint failed/.test((err as Error).message);
  return REFERENCED_CODES.has(code);
}

function problem(status: number, detail: string, instance: string, errors?: FieldError[]): Problem {
  const title = STATUS_CODES[status] ?? 'Error';
  const p: Problem = {
    type: status === 500 ? 'about:blank' : `https://httpstatuses.io/${status}`,
    title,
    status,
    detail,
    instance,
  };
  // Bounded, however many fields a client got wrong (validation.ts stops there too).
  if (errors && errors.length > 0) p.errors = errors.slice(0, MAX_PROBLEM_ERRORS);
  return p;
}

/** Fastify's own errors (body parsing, media type, size) carry a statusCode and a code. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported media type: send application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Body cannot be empty when content-type is application/json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long',
  FST_ERR_BAD_URL: 'Malformed URL (bad percent-encoding)',
};

/**
 * Maps any thrown value to a problem. `unexpected` is true when the error is a bug
 * (or an unknown failure): the caller logs it, and the client only learns "internal error".
 */
export function toProblem(
  err: unknown,
  instance: string,
): { problem: Problem; unexpected: boolean } {
  if (err instanceof DomainError) {
    return {
      problem: problem(DOMAIN_STATUS[err.code], err.message, instance, err.errors),
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    let detail = err.message;
    let errors: FieldError[] | undefined;
    if (typeof body === 'object' && body !== null) {
      const b = body as { message?: unknown; errors?: FieldError[] };
      if (Array.isArray(b.errors)) errors = b.errors;
      if (typeof b.message === 'string') detail = b.message;
      else if (Array.isArray(b.message)) detail = b.message.join('; ');
    }
    if (status >= 500)
      return { problem: problem(500, 'internal error', instance), unexpected: true };
    return { problem: problem(status, detail, instance, errors), unexpected: false };
  }
  if (isDuplicateError(err)) {
    return {
      problem: problem(409, 'A resource with these values already exists', instance),
      unexpected: false,
    };
  }
  if (isReferencedError(err)) {
    return {
      problem: problem(
        409,
        'The resource is still referenced (for example a customer with orders)',
        instance,
      ),
      unexpected: false,
    };
  }
  if (isUnavailableError(err)) {
    return {
      problem: problem(503, 'A dependency is unavailable, try again shortly', instance),
      unexpected: false,
    };
  }
  const e = err as ErrorLike | null;
  if (
    e &&
    typeof e === 'object' &&
    typeof e.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    const detail =
      FASTIFY_MESSAGES[code] ??
      (e.statusCode === 400 ? 'Bad request' : (STATUS_CODES[e.statusCode] ?? 'Error'));
    return { problem: problem(e.statusCode, detail, instance), unexpected: false };
  }
  return {
    problem: problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error', instance),
    unexpected: true,
  };
}
