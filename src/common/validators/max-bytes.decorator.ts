import { ValidateBy, ValidationOptions } from 'class-validator';

/** Limits a string's UTF-8 length (bcrypt reads at most 72 bytes). */
export function MaxBytes(max: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'maxBytes',
      constraints: [max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: (args) => `${args?.property} must be at most ${max} bytes`,
      },
    },
    options,
  );
}
