import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrderStatus } from '../orders/entities/order.entity';
import { bump, bumpStatement, CounterChange, ordersWith, PRODUCTS_IN_STOCK } from './list-counters';

/** Reads and changes the counters of list-counters.ts. */
@Injectable()
export class ListCountersService {
  constructor(private readonly dataSource: DataSource) {}

  /** The sum of each named count (0 for a name without rows). */
  async read(names: readonly string[], em?: EntityManager): Promise<Map<string, number>> {
    const rows = await (em ?? this.dataSource).query<{ name: string; n: number | string }[]>(
      `SELECT name, SUM(n) AS n FROM list_counters WHERE name IN (${names.map(() => '?').join(', ')}) GROUP BY name`,
      [...names],
    );
    const sums = new Map(names.map((n) => [n, 0]));
    for (const r of rows) sums.set(r.name, Number(r.n));
    return sums;
  }

  /** Applies the changes inside the caller's transaction. */
  async apply(em: EntityManager, changes: readonly CounterChange[]): Promise<void> {
    for (const c of changes) {
      if (c.delta === 0) continue;
      const { sql, params } = bumpStatement(c);
      await em.query(sql, params);
    }
  }

  /** An order moved from one status to another (in the transaction that moved it). */
  async orderMoved(em: EntityManager, orderId: number, from: OrderStatus, to: OrderStatus) {
    await this.apply(em, [bump(ordersWith(from), orderId, -1), bump(ordersWith(to), orderId, 1)]);
  }

  /**
   * After stock was put back (an order cancelled): the products whose stock is now the
   * quantity returned had none before, so they are in stock again. Read after the
   * UPDATEs, under their row locks, so two concurrent cancels cannot both count one.
   */
  async restocked(em: EntityManager, returned: { productId: number; quantity: number }[]) {
    if (returned.length === 0) return;
    const rows = await em.query<{ id: number | string; stock: number | string }[]>(
      `SELECT id, stock FROM products WHERE id IN (${returned.map(() => '?').join(', ')}) AND deletedAt IS NULL`,
      returned.map((r) => r.productId),
    );
    const stock = new Map(rows.map((r) => [Number(r.id), Number(r.stock)]));
    await this.apply(
      em,
      returned
        .filter((r) => stock.get(r.productId) === r.quantity)
        .map((r) => bump(PRODUCTS_IN_STOCK, r.productId, 1)),
    );
  }
}
