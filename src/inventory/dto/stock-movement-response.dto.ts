import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination/page.dto';
import {
  STOCK_MOVEMENT_REASONS,
  StockMovement,
  StockMovementReason,
} from '../entities/stock-movement.entity';

export class StockMovementResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ type: 'integer', example: 7 }) productId: number;
  @ApiProperty({ type: 'integer', example: -2 }) delta: number;
  @ApiProperty({ type: 'integer', example: 23 }) stockAfter: number;
  @ApiProperty({ enum: STOCK_MOVEMENT_REASONS, example: 'adjustment' })
  reason: StockMovementReason;
  @ApiProperty({ type: 'integer', nullable: true, example: null }) orderId: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 1 }) accountId: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Two jars broken in the warehouse' })
  note: string | null;
  @ApiProperty() createdAt: Date;

  static from(m: StockMovement): StockMovementResponseDto {
    return {
      id: m.id,
      productId: m.productId,
      delta: m.delta,
      stockAfter: m.stockAfter,
      reason: m.reason,
      orderId: m.orderId,
      accountId: m.accountId,
      note: m.note,
      createdAt: m.createdAt,
    };
  }
}

export class StockMovementPageDto extends PageDto(
  StockMovementResponseDto,
  'StockMovementPageDto',
) {}
