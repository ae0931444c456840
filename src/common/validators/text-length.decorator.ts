import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateBy } from 'class-validator';

/**
 * A string of min..max characters counted as code points, as JSON Schema's `maxLength`
 * and MySQL's VARCHAR(n) count them (class-validator's Length counts UTF-16 units and
 * skips variation selectors, so a VARCHAR could overflow). Published as minLength/maxLength.
 */
export function TextLength(min: number, max: number, options: { nullable?: boolean } = {}) {
  return applyDecorators(
    ApiProperty({
      type: 'string',
      minLength: min,
      maxLength: max,
      ...(options.nullable ? { nullable: true, required: false } : {}),
    }),
    IsString(),
    ValidateBy({
      name: 'textLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const n = [...value].length;
          return n >= min && n <= max;
        },
        defaultMessage: (args) =>
          `${args?.property} must be ${min}..${max} characters${min > 0 ? ' (not empty)' : ''}`,
      },
    }),
  );
}
