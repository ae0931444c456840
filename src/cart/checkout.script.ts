import { conflict, unprocessable } from '../common/errors/domain-error';
import { statement, step, StatementScript } from '../database/statement-script';
import { OrderLine } from '../orders/order-rules';

/** How the checkout reads and empties a cart (SQLite runs one transaction at a time: no lock). */
export interface CheckoutOptions {
  customerId: number;
  /** MySQL: take a shared lock on the customer's row first (see below). */
  lockCustomer: boolean;
}

/**
 * The cart checkout as one statement script: read the cart and delete its lines, then
 * place the order from what was read (`place`, the same placement script as POST /orders,
 * composed with `yield*`), all in one transaction; any error rolls the deletion back with
 * the rest, so a refused checkout keeps the cart.
 *
 * On MySQL the first step is one packet: a shared lock on the customer row (cart writes
 * take it exclusively, cart.service.ts lockCart, and the order row's foreign key takes it
 * shared anyway, so taking it first keeps one lock order: customer, cart lines, products;
 * no deadlock with a concurrent cart write or order), the lines, and their deletion.
 * Deleting exactly the lines read: a concurrent checkout of the same cart finds them gone
 * (MySQL deletes current rows) and rolls back instead of ordering twice.
 */
export function* checkoutScript<T>(
  { customerId, lockCustomer }: CheckoutOptions,
  place: (lines: OrderLine[]) => StatementScript<T>,
): StatementScript<T> {
  const cart = yield* step({
    lock: lockCustomer
      ? [statement('SELECT id FROM customers WHERE id = ? LOCK IN SHARE MODE', [customerId])]
      : [],
    lines: statement(
      'SELECT productId, quantity FROM cart_items WHERE customerId = ? ORDER BY productId',
      [customerId],
    ),
    emptied: statement('DELETE FROM cart_items WHERE customerId = ?', [customerId]),
  });
  const lines = cart.lines.rows.map((r) => ({
    productId: Number(r.productId),
    quantity: Number(r.quantity),
  }));
  if (lines.length === 0) throw unprocessable('The cart is empty');
  if (cart.emptied.affected !== lines.length) {
    throw conflict('The cart changed during checkout; review it and try again');
  }
  return yield* place(lines);
}
