import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional(), but only `undefined` (absent) skips validation: `null` is checked
 * and refused, so it never reaches a NOT NULL column.
 */
export const IsOptionalNotNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
