import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrderStatus } from '../orders/entities/order.entity';
import { categoryStockStatement } from '../categories/category-counters';
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

  /**
   * Live products whose stock crossed 0 (`flip` 1: back in stock; -1: sold out), in the
   * caller's transaction: the in-stock count and that of every category they are in.
   */
  async stockCrossed(em: EntityManager, flips: readonly { id: number; flip: 1 | -1 }[]) {
    await this.apply(
      em,
      flips.map((f) => bump(PRODUCTS_IN_STOCK, f.id, f.flip)),
    );
    for (const f of flips) {
      const { sql, params } = categoryStockStatement(f.id, f.flip);
      await em.query(sql, params);
    }
  }

  /** An order moved from one status to another (in the transaction that moved it). */
  async orderMoved(em: EntityManager, orderId: number, from: OrderStatus, to: OrderStatus) {
    await this.apply(em, [bump(ordersWith(from), orderId, -1), bump(ordersWith(to), orderId, 1)]);
  }
}
