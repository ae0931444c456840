import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { Role, ROLES } from '../../common/decorators/roles.decorator';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';
import { USERNAME_INPUT, USERNAME_MESSAGE } from '../../common/username';

export class CreateAccountDto {
  /**
   * Sign-in name, 3..64 ASCII letters, digits, `.`, `_` or `-` (nothing around it); unique regardless of case, stored lower-case.
   * @example "ada"
   */
  @ApiProperty({ pattern: USERNAME_INPUT.source })
  @IsString()
  @Matches(USERNAME_INPUT, { message: USERNAME_MESSAGE })
  username: string;

  /**
   * At least 8 characters and at most 72 bytes in UTF-8 (bcrypt's limit: longer is refused, never cut).
   * @example "correct horse battery"
   */
  @IsString()
  @MinLength(8)
  @MaxBytes(72)
  password: string;

  @ApiPropertyOptional({
    enum: ROLES,
    default: 'customer',
    example: 'customer',
    description: 'Default `customer`.',
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  /**
   * The customer this account belongs to: required for role `customer`, optional for `admin`; one account per customer.
   * @example 1
   */
  @ValidateIf(
    (o: CreateAccountDto) =>
      o.role !== 'admin' || (o.customerId !== undefined && o.customerId !== null),
  )
  @IsDefined({ message: 'customerId is required for a customer account' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  customerId?: number | null;
}
