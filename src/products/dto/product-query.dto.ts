import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator';
import { MAX_AMOUNT, MONEY_PATTERN } from '../../common/money/money';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export const PRODUCT_SORTS = [
  'name',
  '-name',
  'price',
  '-price',
  'createdAt',
  '-createdAt',
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/**
 * In a query string money is text: the same pattern as in a body, no JSON number. No example:
 * Swagger UI would prefill it into "Try it out" and filter the list by surprise.
 */
const MONEY_QUERY = {
  required: false,
  type: 'string',
  pattern: MONEY_PATTERN,
  oneOf: undefined,
  description: `Amount with at most two decimals, 0..${MAX_AMOUNT}`,
} as const;

export class ProductQueryDto extends PageQueryDto {
  /** Matches name, description or SKU (case-insensitive, literal). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  /** Lowest price, inclusive. */
  @IsOptional()
  @IsMoney({ api: MONEY_QUERY })
  minPrice?: number;

  /** Highest price, inclusive. */
  @IsOptional()
  @IsMoney({ api: MONEY_QUERY })
  maxPrice?: number;

  /** true: only products with stock > 0; false: only those without. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  inStock?: boolean;

  /** Only products of this category or of any category below it (an unknown one is 404). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2_147_483_647 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  category?: number;

  /** Administrators only: products whose stock is below this number. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  stockBelow?: number;

  /** Sort order; `-` for descending. Default `-createdAt`. */
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;
}
