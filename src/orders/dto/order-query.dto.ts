import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ORDER_STATUSES, OrderStatus } from '../entities/order.entity';

/**
 * The query dates' published form (DESIGN: `YYYY-MM-DD` or an RFC 3339 date-time, anything
 * else is 400): a day that exists (29 February in leap years only), then optionally `T`, a
 * time, a fraction of a second and `Z` or an offset (upper-case `T` and `Z`, as RFC 3339
 * allows a specification to require).
 */
const DAY =
  '(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
  '|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const TIME =
  'T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
const QUERY_DATE = {
  type: String,
  pattern: `^${DAY}(?:${TIME})?$`,
  example: '2026-01-31',
} as const;

export class OrderQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  /** Only this customer's orders (administrators; a customer always sees only its own). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  customerId?: number;

  /** Orders placed at or after this instant (ISO 8601; a date alone means 00:00 UTC). */
  @ApiPropertyOptional(QUERY_DATE)
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Orders placed at or before this instant (ISO 8601; a date alone means 00:00 UTC). */
  @ApiPropertyOptional(QUERY_DATE)
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
