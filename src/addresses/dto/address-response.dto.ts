import { ApiProperty } from '@nestjs/swagger';
import { Address } from '../entities/address.entity';

/** An address's fields as answered (on a saved address and in an order's snapshot). */
export class ShippingAddressResponseDto {
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: '221B Baker Street' }) line1: string;
  @ApiProperty({ type: 'string', nullable: true, example: null }) line2: string | null;
  @ApiProperty({ example: 'London' }) city: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Greater London' }) region: string | null;
  @ApiProperty({ example: 'SW1Y 4JH' }) postalCode: string;
  @ApiProperty({ example: 'GB', pattern: '^[A-Z]{2}$' }) country: string;
  @ApiProperty({ type: 'string', nullable: true, example: '+442071234567' }) phone: string | null;
}

export class AddressResponseDto extends ShippingAddressResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(a: Address): AddressResponseDto {
    return {
      id: a.id,
      name: a.name,
      line1: a.line1,
      line2: a.line2,
      city: a.city,
      region: a.region,
      postalCode: a.postalCode,
      country: a.country,
      phone: a.phone,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }
}

/** The caller's saved addresses, oldest first (at most 10: not paginated). */
export class AddressListDto {
  @ApiProperty({ type: [AddressResponseDto], maxItems: 10 }) data: AddressResponseDto[];
}
