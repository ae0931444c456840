/**
 * The limit for writes: the place-order transaction's statements issued straight through
 * the database driver (no HTTP, no Nest, no TypeORM), at the same concurrency.
 */
import type { BenchData } from './seed';
import type { LoadResult } from './load';

const CONCURRENCY = 50;

type Tx = (customerId: number, productId: number) => Promise<void>;

async function measure(
  name: string,
  tx: Tx,
  data: BenchData,
  warm: number,
  seconds: number,
): Promise<LoadResult> {
  let i = 0;
  const runFor = async (secs: number) => {
    const until = Date.now() + secs * 1000;
    const latencies: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          const n = i++;
          const started = process.hrtime.bigint();
          try {
            await tx(
              data.customers[n % data.customers.length].customerId,
              data.productIds[n % data.productIds.length],
            );
          } catch {
            errors++;
          }
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
    return { latencies, errors };
  };
  await runFor(warm);
  const { latencies, errors } = await runFor(seconds);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    name,
    reqPerSec: Math.round(latencies.length / seconds),
    p50: q(0.5),
    p99: q(0.99),
    errors,
    non2xx: 0,
    statuses: {},
    total: latencies.length,
  };
}

export async function driverPlaceOrderBaseline(
  databaseUrl: string,
  data: BenchData,
  warm: number,
  seconds: number,
): Promise<LoadResult> {
  const name = 'baseline: driver place-order tx';
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    const select = db.prepare(
      'SELECT id, name, priceCents FROM products WHERE id IN (?) AND deletedAt IS NULL',
    );
    const take = db.prepare(
      'UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ? AND deletedAt IS NULL',
    );
    const order = db.prepare(
      "INSERT INTO orders (customerId, status, totalCents, orderDate) VALUES (?, 'pending', ?, ?)",
    );
    const item = db.prepare(
      'INSERT INTO order_items (orderId, productId, name, unitPriceCents, quantity, lineTotalCents) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const place = db.transaction((customerId: number, productId: number) => {
      const p = select.get(productId) as { id: number; name: string; priceCents: number };
      if (take.run(1, productId, 1).changes !== 1) throw new Error('short');
      const o = order.run(customerId, p.priceCents, new Date().toISOString());
      item.run(o.lastInsertRowid, p.id, p.name, p.priceCents, 1, p.priceCents);
    });
    // better-sqlite3 is synchronous: one "connection" does the work, as in the app.
    const result = await measure(name, async (c, p) => place.immediate(c, p), data, warm, seconds);
    db.close();
    return result;
  }
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 20 });
  const tx: Tx = async (customerId, productId) => {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const [rows] = await conn.execute(
        'SELECT id, name, priceCents FROM products WHERE id IN (?) AND deletedAt IS NULL',
        [productId],
      );
      const p = (rows as { id: number; name: string; priceCents: string }[])[0];
      const [upd] = await conn.execute(
        'UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ? AND deletedAt IS NULL',
        [1, productId, 1],
      );
      if ((upd as { affectedRows: number }).affectedRows !== 1) throw new Error('short');
      const [ins] = await conn.execute(
        "INSERT INTO orders (customerId, status, totalCents, orderDate) VALUES (?, 'pending', ?, NOW(3))",
        [customerId, p.priceCents],
      );
      await conn.execute(
        'INSERT INTO order_items (orderId, productId, name, unitPriceCents, quantity, lineTotalCents) VALUES (?, ?, ?, ?, ?, ?)',
        [(ins as { insertId: number }).insertId, p.id, p.name, p.priceCents, 1, p.priceCents],
      );
      await conn.commit();
    } catch (err) {
      await conn.rollback();
      throw err;
    } finally {
      conn.release();
    }
  };
  const result = await measure(name, tx, data, warm, seconds);
  await pool.end();
  return result;
}
