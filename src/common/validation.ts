import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { memoiseValidationMetadata } from '../fences/class-validator.fence';
import { FieldError, invalid } from './errors/domain-error';
import { MAX_PROBLEM_ERRORS } from './errors/problem';
import { parseId } from './pipes/id.pipe';

/** At most this many entries in a problem's `errors` (problem.ts cuts any list to it). */
export const MAX_FIELD_ERRORS = MAX_PROBLEM_ERRORS;

/** class-validator's error tree as `field: message` entries, the first MAX_FIELD_ERRORS. */
export function flatten(
  errors: ValidationError[],
  parent = '',
  out: FieldError[] = [],
): FieldError[] {
  for (const e of errors) {
    if (out.length >= MAX_FIELD_ERRORS) break;
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      if (out.length >= MAX_FIELD_ERRORS) break;
      // "property x should not exist" reads better with the field named once.
      out.push({ field, message: message.replace(/^property \S+ /, 'property ') });
    }
    flatten(e.children ?? [], field, out);
  }
  return out;
}

/** Classes a parameter can be declared as that are not DTOs (Nest validates none of them). */
const NOT_DTOS = new Set<unknown>([String, Boolean, Number, Array, Object]);

/**
 * Keys that class-validator's whitelist mistakes for declared properties (it looks names up
 * in a plain object, so `constructor` or `valueOf` is "found" on Object.prototype) and would
 * let through: every name Object.prototype has (found by the fuzz test with `?valueOf=`).
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Paths of reserved keys, at any depth (nested DTOs are whitelisted the same way). */
function reservedKeys(value: unknown, path: string, out: string[], depth = 0): string[] {
  if (value !== null && typeof value === 'object' && depth < 10) {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (RESERVED_KEYS.has(k)) out.push(at);
      else reservedKeys(v, at, out, depth + 1);
    }
  }
  return out;
}

/** Paths of strings that are not well-formed UTF-16 (lone surrogates): no database stores them. */
function malformedStrings(value: unknown, path: string, out: string[], depth = 0): string[] {
  if (typeof value === 'string') {
    if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) out.push(path);
  } else if (value !== null && typeof value === 'object' && depth < 10) {
    for (const [k, v] of Object.entries(value)) {
      malformedStrings(v, path ? `${path}.${k}` : k, out, depth + 1);
    }
  }
  return out;
}

const OPTIONAL_BODY = Symbol('optionalBody');

/**
 * Marks a body DTO whose fields are all optional as a body that may be left out: a request
 * without one validates as `{}` (a `null`, an array or a scalar is still a 400).
 */
export const OptionalBody = (): ClassDecorator => (target) =>
  Reflect.defineMetadata(OPTIONAL_BODY, true, target);

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      value === undefined &&
      metadata.type === 'body' &&
      typeof metadata.metatype === 'function' &&
      Reflect.getMetadata(OPTIONAL_BODY, metadata.metatype) === true
    ) {
      value = {};
    }
    // A DTO body is a JSON object: Nest would take `null` (or no body) for `{}`, and an
    // array or a scalar is no DTO either. Every body route expects an object.
    if (
      metadata.type === 'body' &&
      typeof metadata.metatype === 'function' &&
      !NOT_DTOS.has(metadata.metatype) &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw invalid('The body must be a JSON object');
    }
    if (
      (metadata.type === 'body' || metadata.type === 'query') &&
      typeof metadata.metatype === 'function' &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      const reserved = reservedKeys(value, '', []);
      if (reserved.length > 0) {
        throw invalid(
          'Validation failed',
          reserved.map((field) => ({ field, message: 'property should not exist' })),
        );
      }
      // MySQL would store U+FFFD (or refuse) where SQLite keeps the lone surrogate: refuse both.
      const malformed = malformedStrings(value, '', []);
      if (malformed.length > 0) {
        throw invalid(
          'Validation failed',
          malformed.map((field) => ({ field, message: 'must be valid Unicode text' })),
        );
      }
    }
    return super.transform(value, metadata);
  }

  /**
   * A numeric path parameter (`@Param('id') id: number`) is a canonical id or a 400. This
   * pipe runs before a parameter's own pipe, and the base class would turn `0x10`, `1e3`,
   * `1.0`, `01` or ` 1` into a number with `+value` first, so IdPipe only ever saw a
   * number that looked fine; the rule holds here for every route, with or without IdPipe.
   */
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param' && metadata.metatype === Number && metadata.data) {
      return parseId(value, metadata.data);
    }
    return super.transformPrimitive(value, metadata);
  }
}

/** The app-wide pipe: unknown fields are rejected, types are converted, errors list fields. */
export function createValidationPipe(): ValidationPipe {
  memoiseValidationMetadata();
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => invalid('Validation failed', flatten(errors)),
  });
}
