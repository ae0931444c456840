import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator';
import { IsOptionalNotNull } from '../../common/validators/optional.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateProductDto {
  /** Product name, 1..200 characters. */
  @ApiProperty({ example: 'Espresso beans 1 kg' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Unit price, e.g. "19.99". */
  @IsMoney()
  price: number;

  /** Free text, up to 5000 characters. */
  @ApiProperty({ required: false, example: 'Dark roast' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  /** Stock-keeping unit, unique when given: letters, digits, `.`, `_`, `-`; `null` clears it. */
  @ApiProperty({ required: false, nullable: true, example: 'BEAN-1KG' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'sku must be 1..64 letters, digits, ".", "_" or "-"',
  })
  sku?: string;

  /** Units in stock, integer >= 0 (default 0). */
  @ApiProperty({ required: false, type: 'integer', example: 25, default: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  stock?: number;

  /** The product's categories: 0..10 distinct ids; in an update it replaces the list. */
  @ApiProperty({
    required: false,
    type: 'integer',
    isArray: true,
    maxItems: 10,
    uniqueItems: true,
    example: [3],
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique({ message: 'categoryIds must not repeat an id' })
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  categoryIds?: number[];
}
