import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsQueryDate } from '../../common/validators/query-date.decorator';
import { ORDER_STATUSES, OrderStatus } from '../entities/order.entity';

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

  /** Orders placed at or after this instant (`YYYY-MM-DD` means 00:00 UTC, or an RFC 3339 date-time). */
  @IsQueryDate()
  from?: string;

  /** Orders placed at or before this instant (`YYYY-MM-DD` means 00:00 UTC, or an RFC 3339 date-time). */
  @IsQueryDate()
  to?: string;
}
