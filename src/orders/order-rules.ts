import { invalid } from '../common/errors/domain-error';
import { Role } from '../common/decorators/roles.decorator';
import { OrderStatus } from './entities/order.entity';
import { MAX_QUANTITY } from './dto/create-order.dto';

export interface OrderLine {
  productId: number;
  quantity: number;
}

const isId = (n: unknown): boolean =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= 2_147_483_647;

/**
 * The last check before order SQL is built: the customer, every product id and quantity
 * are safe positive integers. Validation already says so; this holds even if a DTO
 * changes, because on MySQL those statements travel on a `multipleStatements` pool
 * (parameterised, but a NaN or a string has no business reaching it).
 */
export function assertPlaceable(customerId: number, lines: readonly OrderLine[]): void {
  const bad =
    !isId(customerId) ||
    lines.some(
      (l) =>
        l === null ||
        typeof l !== 'object' ||
        !isId(l.productId) ||
        !isId(l.quantity) ||
        l.quantity > MAX_QUANTITY,
    );
  if (bad) {
    const message = 'every product id and quantity must be a positive integer';
    throw invalid(message, [{ field: 'items', message }]);
  }
}

/**
 * Lines naming the same product become one line with the quantities added (the merged
 * quantity must stay within 1..1000), sorted by ascending productId: every transaction
 * takes product rows in that order, so two orders cannot deadlock on each other.
 */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<number, number>();
  for (const line of lines) {
    merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  }
  const result = [...merged.entries()]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => a.productId - b.productId);
  const tooMany = result.find((l) => l.quantity > MAX_QUANTITY);
  if (tooMany) {
    const message = `the merged quantity of product ${tooMany.productId} exceeds ${MAX_QUANTITY}`;
    throw invalid(message, [{ field: 'items', message }]);
  }
  return result;
}

/** The status machine: pending -> paid -> shipped -> delivered; cancelled from pending or paid. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which a caller may cancel: the owner while pending, an admin also when paid. */
export function cancellableFrom(role: Role): OrderStatus[] {
  return role === 'admin' ? ['pending', 'paid'] : ['pending'];
}

/** Exact money: integer cents multiplied and summed, never floats. */
export function lineTotalCents(unitPriceCents: number, quantity: number): number {
  return unitPriceCents * quantity;
}
