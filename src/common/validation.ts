import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, invalid } from './errors/domain-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      // "property x should not exist" reads better with the field named once.
      message: message.replace(/^property \S+ /, 'property '),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Keys that class-validator's whitelist mistakes for declared properties (it looks names up
 * in a plain object, so `constructor` is "found" on Object.prototype) and would let through.
 */
const RESERVED_KEYS = ['constructor', 'prototype', '__proto__'];

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      (metadata.type === 'body' || metadata.type === 'query') &&
      typeof metadata.metatype === 'function' &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      const reserved = RESERVED_KEYS.filter((k) => Object.prototype.hasOwnProperty.call(value, k));
      if (reserved.length > 0) {
        throw invalid(
          'Validation failed',
          reserved.map((field) => ({ field, message: 'property should not exist' })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/** The app-wide pipe: unknown fields are rejected, types are converted, errors list fields. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => invalid('Validation failed', flatten(errors)),
  });
}
