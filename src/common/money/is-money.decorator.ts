import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { isMoneyInput, MAX_AMOUNT, MONEY_PATTERN, parseMoney } from './money';

/** Validates a money input and turns it into integer cents on the DTO. */
export function IsMoney(options?: ValidationOptions & { api?: ApiPropertyOptions }) {
  return applyDecorators(
    ApiProperty({
      oneOf: [
        { type: 'string', pattern: MONEY_PATTERN },
        // multipleOf 0.01 is "at most two decimals" (a validator in floats needs a tolerance).
        { type: 'number', minimum: 0, maximum: MAX_AMOUNT, multipleOf: 0.01 },
      ],
      example: '19.99',
      description: `Amount with at most two decimals, 0..${MAX_AMOUNT}, as a JSON number or numeric string`,
      ...(options?.api ?? {}),
    }),
    ValidateBy(
      {
        name: 'isMoney',
        validator: {
          validate: (value: unknown) =>
            typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
          defaultMessage: (args) =>
            `${args?.property} must be an amount >= 0 with at most two decimals (e.g. "19.99")`,
        },
      },
      options,
    ),
    // Runs before validation (transform: true): valid input becomes cents, anything else NaN.
    Transform(({ value }: { value: unknown }) => {
      if (value === undefined || value === null) return value;
      return isMoneyInput(value) ? parseMoney(value) : Number.NaN;
    }),
  );
}
