import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { formatCents } from '../../common/money/money';
import { Product } from '../../products/entities/product.entity';
import { CartItem } from '../entities/cart-item.entity';

export const CART_PROBLEMS = ['gone', 'insufficient_stock'] as const;
export type CartProblem = (typeof CART_PROBLEMS)[number];

export class CartItemResponseDto {
  @ApiProperty({ type: 'integer', example: 7 }) productId: number;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  /** The product's current price. */
  @ApiProperty({ example: '19.99', pattern: '^\\d+\\.\\d{2}$' }) unitPrice: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity: number;
  @ApiProperty({ example: '39.98', pattern: '^\\d+\\.\\d{2}$' }) lineTotal: string;
  /** false when checkout would fail on this line right now. */
  @ApiProperty({ example: true }) available: boolean;
  /** Why the line is not available: the product was deleted, or there is not enough stock. */
  @ApiPropertyOptional({ enum: CART_PROBLEMS, example: 'insufficient_stock' })
  problem?: CartProblem;

  static from(item: CartItem, product: Product): CartItemResponseDto {
    const problem: CartProblem | undefined =
      product.deletedAt !== null
        ? 'gone'
        : product.stock < item.quantity
          ? 'insufficient_stock'
          : undefined;
    const dto: CartItemResponseDto = {
      productId: item.productId,
      name: product.name,
      unitPrice: formatCents(product.priceCents),
      quantity: item.quantity,
      lineTotal: formatCents(product.priceCents * item.quantity),
      available: problem === undefined,
    };
    if (problem) dto.problem = problem;
    return dto;
  }
}

export class CartResponseDto {
  @ApiProperty({ type: [CartItemResponseDto] }) items: CartItemResponseDto[];
  /** Sum of all lines at current prices (exact); checkout fails while a line has a problem. */
  @ApiProperty({ example: '39.98', pattern: '^\\d+\\.\\d{2}$' }) total: string;

  static from(lines: { item: CartItem; product: Product }[]): CartResponseDto {
    const items = lines.map(({ item, product }) => CartItemResponseDto.from(item, product));
    const totalCents = lines.reduce((sum, l) => sum + l.product.priceCents * l.item.quantity, 0);
    return { items, total: formatCents(totalCents) };
  }
}
