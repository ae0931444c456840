import { ORDER_STATUSES, OrderStatus } from '../orders/entities/order.entity';
import { deferredCategoryStock } from '../categories/category-counters';
import { deferred, Statement } from '../database/statement-script';

/**
 * Row counts kept beside the rows (table list_counters), changed in the transaction that
 * changes what they count, so a list's exact total is a read of a few counter rows
 * instead of a COUNT over the table. Each count is split over shards (row id modulo
 * the shard count) and read as their sum: concurrent writes of neighbouring ids (orders
 * placed at the same time get consecutive ids) update different rows, so they never
 * wait for each other's lock.
 *
 * Names: `products` (not deleted), `products:inStock` (and stock > 0), `orders:<status>`.
 * Per-category counts live in category_counters (categories/category-counters.ts).
 */
export const PRODUCT_SHARDS = 16;
export const ORDER_SHARDS = 64;

export const PRODUCTS = 'products';
export const PRODUCTS_IN_STOCK = 'products:inStock';
export const ordersWith = (status: OrderStatus) => `orders:${status}`;

export interface CounterChange {
  name: string;
  shard: number;
  delta: number;
}

const BUMP = 'UPDATE list_counters SET n = n + ? WHERE name = ? AND shard = ?';

export function bump(name: string, id: number, delta: number): CounterChange {
  const shards = name.startsWith('orders:') ? ORDER_SHARDS : PRODUCT_SHARDS;
  return { name, shard: id % shards, delta };
}

export function bumpStatement(c: CounterChange): Statement {
  return { sql: BUMP, params: [c.delta, c.name, c.shard] };
}

/**
 * The counters of a placed order, for the order script (order-placement.service.ts):
 * deferred, so on MySQL they travel with the COMMIT and their row locks are held only
 * for it. `emptied`: the products this order took the last units of.
 */
export function placementCounterStatements(
  orderId: number,
  emptied: readonly number[],
): Statement[] {
  return [
    ...[
      bump(ordersWith('pending'), orderId, 1),
      ...emptied.map((id) => bump(PRODUCTS_IN_STOCK, id, -1)),
    ].map((c) => {
      const s = bumpStatement(c);
      return deferred(s.sql, s.params);
    }),
    // And in the counts of every category it is in (rare: only the last units).
    ...emptied.map((id) => deferredCategoryStock(id, -1)),
  ];
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Recounts every counter from the tables (the migration that creates them, and the
 * benchmark after a bulk load). Not for a live shop: it does not lock the tables.
 */
export async function rebuildCounters(query: Query): Promise<void> {
  const counts = new Map<string, number>();
  const key = (name: string, shard: number) => `${name}\u0000${shard}`;
  for (let s = 0; s < PRODUCT_SHARDS; s++) {
    counts.set(key(PRODUCTS, s), 0);
    counts.set(key(PRODUCTS_IN_STOCK, s), 0);
  }
  for (const status of ORDER_STATUSES) {
    for (let s = 0; s < ORDER_SHARDS; s++) counts.set(key(ordersWith(status), s), 0);
  }
  const products = (await query(
    `SELECT id % ${PRODUCT_SHARDS} AS shard, COUNT(*) AS n, ` +
      'SUM(CASE WHEN stock > 0 THEN 1 ELSE 0 END) AS inStock ' +
      `FROM products WHERE deletedAt IS NULL GROUP BY id % ${PRODUCT_SHARDS}`,
  )) as { shard: number | string; n: number | string; inStock: number | string | null }[];
  for (const r of products) {
    counts.set(key(PRODUCTS, Number(r.shard)), Number(r.n));
    counts.set(key(PRODUCTS_IN_STOCK, Number(r.shard)), Number(r.inStock ?? 0));
  }
  const orders = (await query(
    `SELECT status, id % ${ORDER_SHARDS} AS shard, COUNT(*) AS n FROM orders ` +
      `GROUP BY status, id % ${ORDER_SHARDS}`,
  )) as { status: string; shard: number | string; n: number | string }[];
  for (const r of orders) counts.set(key(`orders:${r.status}`, Number(r.shard)), Number(r.n));
  await query('DELETE FROM list_counters');
  const rows = [...counts].map(([k, n]) => {
    const [name, shard] = k.split('\u0000');
    return [name, Number(shard), n];
  });
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    await query(
      `INSERT INTO list_counters (name, shard, n) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  }
}
