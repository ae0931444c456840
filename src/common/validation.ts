import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** The app-wide pipe: unknown fields are rejected, types are converted, errors list fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => invalid('Validation failed', flatten(errors)),
  });
}
