import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validators/optional.decorator';
import { AddressDto } from './address.dto';

/** Where an order ships: an address inline or a saved one's id (not both: 400), or neither. */
export class ShippingChoiceDto {
  /** The address to ship to, kept on the order as given. */
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  shippingAddress?: AddressDto;

  /** One of the customer's saved addresses (GET /auth/me/addresses); copied onto the order. */
  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 1, maximum: 2_147_483_647 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  shippingAddressId?: number;
}
