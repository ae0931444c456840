import { deferred, Statement } from '../database/statement-script';

/** One order line as the ledger records it: stockAfter read from the row this order locked. */
export interface OrderLineStock {
  productId: number;
  quantity: number;
  stockAfter: number;
}

/**
 * The movements of a placed order, one per line (negative), as one statement of the
 * placement script (orders/order-placement.service.ts). Its text depends only on the
 * number of lines, so it is prepared once per shape; nothing reads its result, so on
 * MySQL it travels with the COMMIT (deferred). The stock it records was read after the
 * order's conditional decrement, while the transaction holds the row lock: exact however
 * many orders, cancels and adjustments race for the product.
 */
export function orderMovementsStatement(
  orderId: number,
  accountId: number | null,
  lines: readonly OrderLineStock[],
  stamp: unknown,
): Statement {
  return deferred(
    'INSERT INTO stock_movements (productId, delta, stockAfter, reason, orderId, accountId, note, createdAt) VALUES ' +
      lines.map(() => "(?, ?, ?, 'order', ?, ?, NULL, ?)").join(', '),
    lines.flatMap((l) => [l.productId, -l.quantity, l.stockAfter, orderId, accountId, stamp]),
  );
}
