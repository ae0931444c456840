import { ApiPropertyOptional, SchemaObject } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validators/optional.decorator';
import { AddressDto } from './address.dto';

/** Where an order ships: an address inline or a saved one's id (not both: 400), or neither. */
/** An inline address as a schema example. */
export const ADDRESS_EXAMPLE = {
  name: 'Ada Lovelace',
  line1: '221B Baker Street',
  city: 'London',
  postalCode: 'NW1 6XE',
  country: 'GB',
};

export class ShippingChoiceDto {
  /** The document's form of the "not both" rule (assertOneShippingChoice). */
  static readonly openApiSchema: SchemaObject = {
    not: {
      properties: { shippingAddress: {}, shippingAddressId: {} },
      required: ['shippingAddress', 'shippingAddressId'],
    },
  };

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
  @ValidateBy({
    name: 'notWithShippingAddress',
    validator: {
      validate: (_value: unknown, args) =>
        (args?.object as ShippingChoiceDto).shippingAddress === undefined,
      defaultMessage: () => 'give either shippingAddress or shippingAddressId, not both',
    },
  })
  shippingAddressId?: number;
}
