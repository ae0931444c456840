/**
 * The limit for writes: the place-order transaction's statements issued straight through
 * the database driver (no HTTP, no Nest, no TypeORM, no Redis), at the same concurrency,
 * one transaction per order.
 *
 * The statements are the app's own: its order script (orders/order-placement.service.ts)
 * is run here, so the baseline cannot drift from what the app sends. On MySQL they travel
 * as the app sends them (two packets per order, mysql-script-driver.ts over a plain
 * mysql2 pool); on SQLite they run synchronously on better-sqlite3, each order committed
 * alone (the app also shares one commit among the orders of one event-loop turn: that is
 * the server's doing, not the transaction's, and the baseline does not get it).
 *
 * The previous baseline, a simpler transaction (no customer read, no timestamps) issued
 * statement by statement, is measured beside it for comparison with earlier runs.
 */
import type { Database } from 'better-sqlite3';
import { createPool, PoolConnection } from 'mysql2';
import { MysqlScriptDriver } from '../../src/database/mysql-script-driver';
import { SqliteStatements } from '../../src/database/script-drivers';
import { runScriptSync } from '../../src/database/statement-script';
import { placeOrder } from '../../src/orders/order-placement.service';
import type { LoadResult } from './load';
import type { BenchData } from './seed';

const CONCURRENCY = 50;
/** The account the ledger's movements name (the column has no foreign key). */
const BENCH_ACCOUNT = 1;

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

export interface DriverBaselines {
  /** The app's statements (the target's baseline). */
  app: LoadResult;
  /** The simpler transaction of earlier runs, statement by statement. */
  simple: LoadResult;
}

/** The baselines on open connections, measured as often as a run interleaves them. */
export interface DriverBaselineRunner {
  app(warm: number, seconds: number): Promise<LoadResult>;
  simple(warm: number, seconds: number): Promise<LoadResult>;
  close(): Promise<void>;
}

const APP_NAME = "baseline: driver place-order tx (the app's statements)";
const SIMPLE_NAME = 'baseline: driver place-order tx (simpler, one by one; earlier runs)';

export async function openDriverBaselines(
  databaseUrl: string,
  data: BenchData,
): Promise<DriverBaselineRunner> {
  if (databaseUrl.startsWith('sqlite:')) {
    const BetterSqlite = (await import('better-sqlite3')).default;
    const db = new BetterSqlite(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    // better-sqlite3 is synchronous: one "connection" does the work, as in the app.
    const app = sqliteAppTx(db);
    const simple = sqliteSimpleTx(db);
    return {
      app: (warm, seconds) => measure(APP_NAME, async (c, p) => app(c, p), data, warm, seconds),
      simple: (warm, seconds) =>
        measure(SIMPLE_NAME, async (c, p) => simple(c, p), data, warm, seconds),
      close: async () => {
        db.close();
      },
    };
  }
  // The app's pool settings that matter here: UTC datetimes, several statements per packet.
  const packed = createPool({
    uri: databaseUrl,
    connectionLimit: 20,
    multipleStatements: true,
    timezone: 'Z',
  });
  const driver = new MysqlScriptDriver(packed);
  const app: Tx = async (customerId, productId) => {
    await driver.run(
      placeOrder(customerId, [{ productId, quantity: 1 }], new Date(), new Date(), BENCH_ACCOUNT),
    );
  };
  const simple = mysqlSimpleTx(databaseUrl);
  return {
    app: (warm, seconds) => measure(APP_NAME, app, data, warm, seconds),
    simple: (warm, seconds) => measure(SIMPLE_NAME, simple, data, warm, seconds),
    close: async () => {
      await driver.close();
      await simple.end();
    },
  };
}

export async function driverPlaceOrderBaselines(
  databaseUrl: string,
  data: BenchData,
  warm: number,
  seconds: number,
): Promise<DriverBaselines> {
  const runner = await openDriverBaselines(databaseUrl, data);
  try {
    return { app: await runner.app(warm, seconds), simple: await runner.simple(warm, seconds) };
  } finally {
    await runner.close();
  }
}

/** The app's order script, with the app's prepared statements (script-drivers.ts). */
function sqliteAppTx(db: Database) {
  const statements = new SqliteStatements(db);
  const place = db.transaction((customerId: number, productId: number) => {
    // As TypeORM stores a datetime in SQLite.
    const stamp = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const script = placeOrder(
      customerId,
      [{ productId, quantity: 1 }],
      new Date(),
      stamp,
      BENCH_ACCOUNT,
    );
    runScriptSync(script, (s) => statements.execute(s));
  });
  return (customerId: number, productId: number) => place.immediate(customerId, productId);
}

function sqliteSimpleTx(db: Database) {
  const select = db.prepare(
    'SELECT id, name, priceCents FROM products WHERE id IN (?) AND deletedAt IS NULL',
  );
  const take = db.prepare(
    'UPDATE products SET stock = stock - ? WHERE id = ? AND stock - ? >= 0 AND deletedAt IS NULL',
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
  return (customerId: number, productId: number) => place.immediate(customerId, productId);
}

/** The simpler transaction, one statement per round trip, on mysql2's callback API. */
function mysqlSimpleTx(databaseUrl: string): Tx & { end(): Promise<void> } {
  const pool = createPool({ uri: databaseUrl, connectionLimit: 20 });
  const tx = async (customerId: number, productId: number) => {
    const conn = await new Promise<PoolConnection>((resolve, reject) =>
      pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
    );
    const q = (sql: string, params: unknown[]) =>
      new Promise<unknown>((resolve, reject) =>
        conn.query(sql, params, (err, result) => (err ? reject(err) : resolve(result))),
      );
    try {
      await q('START TRANSACTION', []);
      const [p] = (await q(
        'SELECT id, name, priceCents FROM products WHERE id IN (?) AND deletedAt IS NULL',
        [productId],
      )) as { id: number; name: string; priceCents: string }[];
      const upd = (await q(
        'UPDATE products SET stock = stock - ? WHERE id = ? AND stock - ? >= 0 AND deletedAt IS NULL',
        [1, productId, 1],
      )) as { affectedRows: number };
      if (upd.affectedRows !== 1) throw new Error('short');
      const ins = (await q(
        "INSERT INTO orders (customerId, status, totalCents, orderDate) VALUES (?, 'pending', ?, NOW(3))",
        [customerId, p.priceCents],
      )) as { insertId: number };
      await q(
        'INSERT INTO order_items (orderId, productId, name, unitPriceCents, quantity, lineTotalCents) VALUES (?, ?, ?, ?, ?, ?)',
        [ins.insertId, p.id, p.name, p.priceCents, 1, p.priceCents],
      );
      await q('COMMIT', []);
    } catch (err) {
      await q('ROLLBACK', []);
      throw err;
    } finally {
      conn.release();
    }
  };
  return Object.assign(tx, {
    end: () => new Promise<void>((resolve) => pool.end(() => resolve())),
  });
}
