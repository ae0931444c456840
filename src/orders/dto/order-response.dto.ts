import { ApiProperty } from '@nestjs/swagger';
import { ShippingAddressResponseDto } from '../../addresses/dto/address-response.dto';
import type { ShippingSnapshot } from '../../addresses/shipping';
import { formatCents } from '../../common/money/money';
import { PageDto } from '../../common/pagination/page.dto';
import { Customer } from '../../customers/entities/customer.entity';
import { ORDER_STATUSES, Order, OrderStatus } from '../entities/order.entity';
import { OrderItem } from '../entities/order-item.entity';

/** What a response needs of an order line: a stored row or one just inserted. */
export type OrderItemSnapshot = Pick<
  OrderItem,
  'productId' | 'name' | 'unitPriceCents' | 'quantity' | 'lineTotalCents'
>;

export class OrderCustomerDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
}

export class OrderItemResponseDto {
  @ApiProperty({ type: 'integer', example: 7 }) productId: number;
  /** The product's name when the order was placed. */
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  /** The product's price when the order was placed. */
  @ApiProperty({ example: '19.99', pattern: '^\\d+\\.\\d{2}$' }) unitPrice: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity: number;
  @ApiProperty({ example: '39.98', pattern: '^\\d+\\.\\d{2}$' }) lineTotal: string;

  static from(i: OrderItemSnapshot): OrderItemResponseDto {
    return {
      productId: i.productId,
      name: i.name,
      unitPrice: formatCents(i.unitPriceCents),
      quantity: i.quantity,
      lineTotal: formatCents(i.lineTotalCents),
    };
  }
}

export class OrderResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty() orderDate: Date;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'pending' }) status: OrderStatus;
  @ApiProperty({ type: OrderCustomerDto }) customer: OrderCustomerDto;
  @ApiProperty({ type: [OrderItemResponseDto] }) items: OrderItemResponseDto[];
  @ApiProperty({ example: '39.98', pattern: '^\\d+\\.\\d{2}$' }) total: string;
  /** Where the order ships, as it was when placed (null when none was given). */
  @ApiProperty({ type: ShippingAddressResponseDto, nullable: true })
  shippingAddress: ShippingAddressResponseDto | null;

  static from(
    o: Pick<Order, 'id' | 'orderDate' | 'status' | 'totalCents'>,
    customer: Pick<Customer, 'id' | 'name' | 'email'>,
    items: readonly OrderItemSnapshot[],
    shipping: ShippingSnapshot | null,
  ): OrderResponseDto {
    return {
      id: o.id,
      orderDate: o.orderDate,
      status: o.status,
      customer: { id: customer.id, name: customer.name, email: customer.email },
      items: items.map((i) => OrderItemResponseDto.from(i)),
      total: formatCents(o.totalCents),
      shippingAddress: shipping,
    };
  }
}

/** A stored order's snapshot columns as its `shippingAddress` (null when none was given). */
export function shippingOf(o: Order): ShippingSnapshot | null {
  if (o.shippingName === null || o.shippingName === undefined) return null;
  return {
    name: o.shippingName,
    line1: o.shippingLine1 as string,
    line2: o.shippingLine2,
    city: o.shippingCity as string,
    region: o.shippingRegion,
    postalCode: o.shippingPostalCode as string,
    country: o.shippingCountry as string,
    phone: o.shippingPhone,
  };
}

export class OrderPageDto extends PageDto(OrderResponseDto, 'OrderPageDto') {}
