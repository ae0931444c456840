import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { invalid } from '../errors/domain-error';

export const MAX_ID = 2_147_483_647;
/** Canonical decimal only: no sign, no leading zero, no exponent, point, space or hex. */
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;

/**
 * A path id as the route sees it: canonical positive decimal text up to 2^31 - 1, else a
 * 400 naming the parameter. A number is taken only when it prints canonically (an id
 * another pipe already parsed from canonical text).
 */
export function parseId(value: unknown, field = 'id'): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !CANONICAL_ID.test(text) || Number(text) > MAX_ID) {
    throw invalid('Invalid id', [{ field, message: `${field} must be a positive integer` }]);
  }
  return Number(text);
}

/** Path ids are positive integers; anything else is a 400 naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata?: ArgumentMetadata): number {
    return parseId(value, metadata?.data ?? 'id');
  }
}
