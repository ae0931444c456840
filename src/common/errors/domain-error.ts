/**
 * Errors the services raise. They carry a code and no HTTP: the global filter maps
 * codes to statuses, so services stay transport-free.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors?: FieldError[],
    /** For rate_limited: whole seconds until the client may try again (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id?: number | string) =>
  new DomainError('not_found', id === undefined ? `${what} not found` : `${what} ${id} not found`);
export const conflict = (message: string) => new DomainError('conflict', message);
export const unauthorized = (message = 'Invalid or missing credentials') =>
  new DomainError('unauthorized', message);
export const forbidden = (message = 'You are not allowed to do this') =>
  new DomainError('forbidden', message);
export const unprocessable = (message: string, errors?: FieldError[]) =>
  new DomainError('unprocessable', message, errors);
export const invalid = (message: string, errors?: FieldError[]) =>
  new DomainError('invalid', message, errors);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('rate_limited', message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
