import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCustomerDto {
  /**
   * Full name, 1..120 characters (surrounding spaces are removed).
   * @example "Ada Lovelace"
   */
  @Transform(trim)
  @IsString()
  @Length(1, 120)
  name: string;

  /**
   * E-mail address, unique among customers; stored lower-case.
   * @example "ada@example.com"
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  email: string;

  /**
   * Phone number in E.164 format: `+`, then 7..15 digits starting with the country code (no 0), no spaces or dashes, e.g. `+4915112345678`.
   * @example "+4915112345678"
   */
  @Transform(trim)
  @IsString()
  // A regex literal, so the Swagger plugin publishes it as the schema's `pattern`.
  @Matches(/^\+[1-9]\d{6,14}$/, {
    message: 'phone must be in E.164 format: "+" then 7..15 digits, e.g. +4915112345678',
  })
  phone: string;
}
