import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, unprocessable } from '../common/errors/domain-error';
import { isMissingReferenceError } from '../common/errors/problem';
import {
  deferred,
  placeholders,
  statement,
  step,
  StatementScript,
} from '../database/statement-script';
import {
  assertOneShippingChoice,
  SHIPPING_FIELDS,
  ShippingChoice,
  ShippingSnapshot,
  shippingSnapshot,
} from '../addresses/shipping';
import { placementCounterStatements } from '../counters/list-counters';
import { orderMovementsStatement } from '../inventory/stock-ledger';
import { OrderResponseDto } from './dto/order-response.dto';
import { Order } from './entities/order.entity';
import { assertPlaceable, lineTotalCents, mergeLines, OrderLine } from './order-rules';

/** A placed order, and what it changed that only its transaction saw. */
export interface PlacedOrder {
  order: OrderResponseDto;
  /**
   * The products this order sold down to 0 (read after its decrements, under their row
   * locks): the only ones whose in-stock membership it changed.
   */
  emptied: number[];
}

/** What a placement answers: the order (the idempotency record stores this too). */
export const placedBody = (placed: PlacedOrder): OrderResponseDto => placed.order;

interface CustomerProductRow {
  customerId: number;
  customerName: string;
  customerEmail: string;
  /** null when no product matched (the LEFT JOIN's one row for the customer). */
  id: number | null;
  name: string | null;
  priceCents: number | string | null;
  /** The stock after this order's decrement (the row is locked by it). */
  stock: number | string | null;
}

/**
 * Places an order: the statements of POST /orders and of the cart checkout, as a
 * statement script (database/statement-script.ts) that runs in its own transaction
 * (TransactionRunner.runScript), alone or composed into a larger script (the checkout,
 * cart/checkout.script.ts). Any error leaves the transaction to roll back.
 *
 * Plain, portable, parameterised SQL rather than repository calls, because this is the
 * hottest write and its statements run while the transaction holds its locks: each
 * statement's text depends only on the number of lines, so each is prepared once, and
 * there are 4 + one per line (customer and products are read in one statement), in
 * two steps (so two round trips on MySQL, BEGIN and COMMIT included).
 */
@Injectable()
export class OrderPlacementService {
  constructor(private readonly dataSource: DataSource) {}

  /** A fresh script for one attempt; `now` is the order's time. */
  script(
    customerId: number,
    lines: readonly OrderLine[],
    accountId: number,
    shipping: ShippingChoice = {},
    now = new Date(),
  ): StatementScript<PlacedOrder> {
    assertPlaceable(customerId, lines);
    assertOneShippingChoice(shipping);
    const merged = mergeLines(lines);
    const stamp = this.dateParameter(now);
    return (function* () {
      const address = yield* shippingSnapshot(customerId, shipping);
      return yield* placeOrder(customerId, merged, now, stamp, accountId, address);
    })();
  }

  /** A date as the driver stores it (SQLite keeps text, MySQL a DATETIME), as TypeORM would write it. */
  private dateParameter(date: Date): unknown {
    const column = this.dataSource.getMetadata(Order).findColumnWithPropertyName('orderDate');
    return column ? this.dataSource.driver.preparePersistentValue(date, column) : date;
  }
}

/** `merged` as mergeLines returns it: one line per product, ascending productId. */
export function* placeOrder(
  customerId: number,
  merged: readonly OrderLine[],
  now: Date,
  stamp: unknown,
  accountId: number | null,
  shipping: ShippingSnapshot | null = null,
): StatementScript<PlacedOrder> {
  // Before any statement is built (a generator's body runs at its first next()).
  assertPlaceable(customerId, merged);
  const ids = merged.map((l) => l.productId);
  // One step, so one packet on MySQL: the conditional decrements, in ascending productId
  // order (the row lock plus `stock - ? >= 0` means stock never goes below zero, however many
  // orders race for the last units), then the customer and products, then the order row.
  // Read after the locks, the names and prices are the current ones and stay so until
  // COMMIT. The read gives one row per product found (soft-deleted ones excluded: they can
  // no longer be ordered), one row with null product columns when none is, no row when the
  // customer is missing. The order row's total is set in the next step: it needs the
  // prices this step reads. Nobody sees the row before COMMIT; on a 409/422 it is rolled
  // back with the rest. (Not INSERT ... SELECT: that takes the table's AUTO_INCREMENT lock
  // for the whole statement in MySQL, which cost 20% of the driver's orders per second.)
  // `stock - ? >= 0`, not `stock >= ?`: an index on stock (for ?stockBelow) must never be
  // chosen to find the row, or the update locks its gaps and concurrent orders deadlock.
  const taken = yield* withCustomerReference(
    customerId,
    step({
      decrements: merged.map((line) =>
        statement(
          'UPDATE products SET stock = stock - ?, updatedAt = ? WHERE id = ? AND stock - ? >= 0 AND deletedAt IS NULL',
          [line.quantity, stamp, line.productId, line.quantity],
        ),
      ),
      found: statement(
        'SELECT c.id AS customerId, c.name AS customerName, c.email AS customerEmail, ' +
          'p.id AS id, p.name AS name, p.priceCents AS priceCents, p.stock AS stock FROM customers c ' +
          `LEFT JOIN products p ON p.id IN (${placeholders(ids.length)}) AND p.deletedAt IS NULL ` +
          'WHERE c.id = ?',
        [...ids, customerId],
      ),
      order: statement(
        `INSERT INTO orders (customerId, status, totalCents, orderDate, createdAt, updatedAt, ${SHIPPING_COLUMNS}) ` +
          `VALUES (?, 'pending', 0, ?, ?, ?, ${placeholders(SHIPPING_FIELDS.length)})`,
        [customerId, stamp, stamp, stamp, ...SHIPPING_FIELDS.map((f) => shipping?.[f] ?? null)],
      ),
    }),
  );
  const found = taken.found.rows as unknown as CustomerProductRow[];
  if (found.length === 0) throw missingCustomer(customerId);
  const customer = {
    id: Number(found[0].customerId),
    name: found[0].customerName,
    email: found[0].customerEmail,
  };
  const byId = new Map(
    found
      .filter((r) => r.id !== null)
      .map((r) => [
        Number(r.id),
        { name: r.name as string, priceCents: Number(r.priceCents), stock: Number(r.stock) },
      ]),
  );
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw unprocessable(
      `Product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`,
      missing.map((id) => ({ field: 'items', message: `product ${id} does not exist` })),
    );
  }
  merged.forEach((line, i) => {
    if (taken.decrements[i].affected !== 1) {
      throw conflict(
        `Insufficient stock for product ${line.productId} ("${byId.get(line.productId)?.name}"): ${line.quantity} requested`,
      );
    }
  });

  const items = merged.map((line) => {
    const { name, priceCents } = byId.get(line.productId) as { name: string; priceCents: number };
    return {
      productId: line.productId,
      name,
      unitPriceCents: priceCents,
      quantity: line.quantity,
      lineTotalCents: lineTotalCents(priceCents, line.quantity),
    };
  });
  const totalCents = items.reduce((sum, i) => sum + i.lineTotalCents, 0);
  const inserted = taken.order;
  const orderId = inserted.insertId;
  if (inserted.affected !== 1 || !orderId) throw new Error('INSERT INTO orders reported no id');
  // Nothing below reads its result: on MySQL it travels with the next packet (the COMMIT,
  // or the idempotency record's update when the request has a key).
  yield deferred('UPDATE orders SET totalCents = ? WHERE id = ?', [totalCents, orderId]);
  yield deferred(
    `INSERT INTO order_items (orderId, productId, name, unitPriceCents, quantity, lineTotalCents) VALUES ${items
      .map(() => '(?, ?, ?, ?, ?, ?)')
      .join(', ')}`,
    items.flatMap((i) => [
      orderId,
      i.productId,
      i.name,
      i.unitPriceCents,
      i.quantity,
      i.lineTotalCents,
    ]),
  );
  // Its stock read after the decrement is 0: this order took the last units. Exact, so the
  // list counters and the cache (order-cache-changes.ts) need no second look after COMMIT.
  const emptied = found
    .filter((r) => r.id !== null && Number(r.stock) === 0)
    .map((r) => Number(r.id));
  yield placementCounterStatements(orderId, emptied);
  yield orderMovements(orderId, accountId, merged, byId, stamp);
  const order = OrderResponseDto.from(
    { id: orderId, orderDate: now, status: 'pending', totalCents },
    customer,
    items,
    shipping,
  );
  return { order, emptied };
}

/** The ledger's movements of this order (inventory/stock-ledger.ts), one per line. */
function orderMovements(
  orderId: number,
  accountId: number | null,
  merged: readonly OrderLine[],
  byId: ReadonlyMap<number, { stock: number }>,
  stamp: unknown,
) {
  const lines = merged.map((l) => ({
    productId: l.productId,
    quantity: l.quantity,
    stockAfter: (byId.get(l.productId) as { stock: number }).stock,
  }));
  return orderMovementsStatement(orderId, accountId, lines, stamp);
}

/** The snapshot's columns (orders.shippingName, ...), in SHIPPING_FIELDS order. */
const SHIPPING_COLUMNS = SHIPPING_FIELDS.map(
  (f) => `shipping${f[0].toUpperCase()}${f.slice(1)}`,
).join(', ');

/** The order row's only foreign key is its customer's: a missing one is a 422. */
function* withCustomerReference<T>(
  customerId: number,
  script: StatementScript<T>,
): StatementScript<T> {
  try {
    return yield* script;
  } catch (err) {
    if (isMissingReferenceError(err)) throw missingCustomer(customerId);
    throw err;
  }
}

function missingCustomer(customerId: number) {
  return unprocessable(`Customer ${customerId} does not exist`);
}
