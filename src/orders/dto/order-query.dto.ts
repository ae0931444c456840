import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
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

  /** Orders placed at or after this instant (ISO 8601; a date alone means 00:00 UTC). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Orders placed at or before this instant (ISO 8601; a date alone means 00:00 UTC). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
