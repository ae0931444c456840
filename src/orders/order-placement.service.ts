import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, unprocessable } from '../common/errors/domain-error';
import { OrderResponseDto } from './dto/order-response.dto';
import { Order } from './entities/order.entity';
import { lineTotalCents, mergeLines, OrderLine } from './order-rules';

interface Structured {
  records?: unknown[];
  raw?: unknown;
  affected?: number;
}
interface CustomerRow {
  id: number;
  name: string;
  email: string;
}
interface ProductRow {
  id: number;
  name: string;
  priceCents: number | string;
}

/**
 * Places an order inside a transaction the caller owns (POST /orders and the cart
 * checkout share this code). Any error leaves the caller's transaction to roll back.
 *
 * The statements are plain, portable, parameterised SQL rather than repository calls,
 * because this is the hottest write and its statements run while the transaction holds
 * its locks: TypeORM's SQLite driver writes numbers into the SQL text, so every
 * `findOne({ id })` or `insert` was a new statement to prepare (and flooded the
 * driver's statement cache), and `insert` re-selected each new row. Here every
 * statement's text depends only on the number of lines, so each is prepared once.
 */
@Injectable()
export class OrderPlacementService {
  async place(
    em: EntityManager,
    customerId: number,
    lines: readonly OrderLine[],
  ): Promise<OrderResponseDto> {
    const runner = em.queryRunner;
    if (!runner) throw new Error('OrderPlacementService.place needs a transaction');
    const sql = (query: string, params: unknown[]) =>
      runner.query(query, params, true) as Promise<Structured>;
    const merged = mergeLines(lines);

    const [customer] = (
      await sql('SELECT id, name, email FROM customers WHERE id = ?', [customerId])
    ).records as CustomerRow[];
    if (!customer) throw unprocessable(`Customer ${customerId} does not exist`);

    const ids = merged.map((l) => l.productId);
    // Soft-deleted products are excluded: they can no longer be ordered.
    const rows = (
      await sql(
        `SELECT id, name, priceCents FROM products WHERE id IN (${ids.map(() => '?').join(', ')}) AND deletedAt IS NULL`,
        ids,
      )
    ).records as ProductRow[];
    const byId = new Map(rows.map((p) => [Number(p.id), p]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw unprocessable(
        `Product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`,
        missing.map((id) => ({ field: 'items', message: `product ${id} does not exist` })),
      );
    }

    const now = new Date();
    const stamp = dateParameter(em, now);
    // Conditional decrement, in ascending productId order: the row lock plus `stock >= ?`
    // means stock never goes below zero, however many orders race for the last units.
    for (const line of merged) {
      const res = await sql(
        'UPDATE products SET stock = stock - ?, updatedAt = ? WHERE id = ? AND stock >= ? AND deletedAt IS NULL',
        [line.quantity, stamp, line.productId, line.quantity],
      );
      if (res.affected !== 1) {
        const product = byId.get(line.productId) as ProductRow;
        throw conflict(
          `Insufficient stock for product ${product.id} ("${product.name}"): ${line.quantity} requested`,
        );
      }
    }

    const items = merged.map((line) => {
      const product = byId.get(line.productId) as ProductRow;
      const unitPriceCents = Number(product.priceCents);
      return {
        productId: line.productId,
        name: product.name,
        unitPriceCents,
        quantity: line.quantity,
        lineTotalCents: lineTotalCents(unitPriceCents, line.quantity),
      };
    });
    const totalCents = items.reduce((sum, i) => sum + i.lineTotalCents, 0);
    const inserted = await sql(
      "INSERT INTO orders (customerId, status, totalCents, orderDate, createdAt, updatedAt) VALUES (?, 'pending', ?, ?, ?, ?)",
      [customerId, totalCents, stamp, stamp, stamp],
    );
    const orderId = insertedId(inserted);
    await sql(
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
    return OrderResponseDto.from(
      { id: orderId, orderDate: now, status: 'pending', totalCents },
      { id: Number(customer.id), name: customer.name, email: customer.email },
      items,
    );
  }
}

/** A date as the driver stores it (SQLite keeps text, MySQL a DATETIME), as TypeORM would write it. */
function dateParameter(em: EntityManager, date: Date): unknown {
  const column = em.connection.getMetadata(Order).findColumnWithPropertyName('orderDate');
  return column ? em.connection.driver.preparePersistentValue(date, column) : date;
}

/** The new row's id: better-sqlite3 reports lastInsertRowid, mysql2 a result header. */
function insertedId(result: Structured): number {
  const raw = result.raw as number | bigint | { insertId?: number } | undefined;
  const id = typeof raw === 'object' && raw !== null ? raw.insertId : raw;
  if (id === undefined || id === null) throw new Error('INSERT reported no id');
  return Number(id);
}
