import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ADDRESS_EXAMPLE, ShippingChoiceDto } from '../../addresses/dto/shipping-choice.dto';
import { Type } from 'class-transformer';
import { IsOptionalNotNull } from '../../common/validators/optional.decorator';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 1000;

export class OrderLineDto {
  /** The product to order. */
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  productId: number;

  /** Units, integer 1..1000. */
  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity: number;
}

/**
 * Prices, totals, status and dates are never taken from the client: such fields are
 * unknown here and refused with 400. Lines naming the same product are merged.
 */
export class CreateOrderDto extends ShippingChoiceDto {
  static override readonly openApiSchema = {
    ...ShippingChoiceDto.openApiSchema,
    example: { items: [{ productId: 1, quantity: 2 }], shippingAddress: ADDRESS_EXAMPLE },
  };

  /** 1..50 lines; lines for the same product are merged (their quantities added). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  // ValidateNested alone lets an array element through (`[[]]` validates nothing).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];

  /** Administrators: the customer the order is for (required). Customers: omit, or their own id. */
  @ApiPropertyOptional({ example: 1 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  customerId?: number;
}
