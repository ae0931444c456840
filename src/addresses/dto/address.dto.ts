import { ApiProperty, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, isISO31661Alpha2, IsOptional, IsString, Matches } from 'class-validator';
import { TextLength } from '../../common/validators/text-length.decorator';

const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
/**
 * The assigned ISO 3166-1 alpha-2 codes, upper case: the pairs class-validator's
 * isISO31661Alpha2 (validator.js's list) takes, so the document can publish them as an enum.
 */
export const COUNTRY_CODES = LETTERS.flatMap((a) => LETTERS.map((b) => a + b)).filter((c) =>
  isISO31661Alpha2(c),
);

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * A shipping address, as given inline on an order or saved under /auth/me/addresses.
 * Every string is trimmed first (an empty or blank one is a 400); `line2`, `region` and
 * `phone` may be omitted (or null) and are then null.
 */
export class AddressDto {
  /** The recipient. @example "Ada Lovelace" */
  @Transform(trim)
  @TextLength(1, 200)
  name: string;

  /** @example "221B Baker Street" */
  @Transform(trim)
  @TextLength(1, 200)
  line1: string;

  /** @example "Flat 3" */
  @Transform(trim)
  @IsOptional()
  @TextLength(1, 200, { nullable: true })
  line2?: string | null;

  /** @example "London" */
  @Transform(trim)
  @TextLength(1, 200)
  city: string;

  /** State, county or province. @example "Greater London" */
  @Transform(trim)
  @IsOptional()
  @TextLength(1, 200, { nullable: true })
  region?: string | null;

  /** @example "SW1Y 4JH" */
  @Transform(trim)
  @TextLength(1, 200)
  postalCode: string;

  /** An assigned ISO 3166-1 alpha-2 code, upper case. */
  @ApiProperty({ example: 'GB', enum: COUNTRY_CODES })
  @Transform(trim)
  @IsString()
  @IsIn(COUNTRY_CODES, {
    message: 'country must be an assigned ISO 3166-1 alpha-2 code in upper case, e.g. GB',
  })
  country: string;

  /** E.164: `+`, then 7..15 digits starting with the country code. */
  @ApiProperty({ required: false, nullable: true, example: '+442071234567' })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @Matches(/^\+[1-9]\d{6,14}$/, {
    message: 'phone must be in E.164 format: "+" then 7..15 digits, e.g. +442071234567',
  })
  phone?: string | null;
}

/** Every field optional; the required ones never null (`line2`, `region`, `phone` take null to clear). */
export class UpdateAddressDto extends PartialType(AddressDto, { skipNullProperties: false }) {}
