/**
 * npx ts-node scripts/bench/counter-cost.ts [seconds] [rounds]  (run `npx nest build` first)
 *
 * What the list counters cost an order: the app's order script run straight on the driver
 * (as driver-baseline.ts does), with its list-counter statements and without them (the
 * script of before), in interleaved rounds (A B A B), 50 concurrent orders; medians.
 */
import type { Database } from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool } from 'mysql2';
import { MysqlScriptDriver } from '../../src/database/mysql-script-driver';
import { SqliteStatements } from '../../src/database/script-drivers';
import { runScriptSync, Statement, StatementScript } from '../../src/database/statement-script';
import { placeOrder } from '../../src/orders/order-placement.service';
import { benchEnv, freePort, startNode } from './processes';
import { seed } from './seed';

const CONCURRENCY = 50;

/** The same script minus its list-counter statements: the order script before them. */
function* withoutCounters<T>(script: StatementScript<T>): StatementScript<T> {
  let step = script.next();
  while (!step.done) {
    const all: readonly Statement[] = 'sql' in step.value ? [step.value] : step.value;
    const kept = all.filter((s) => !s.sql.startsWith('UPDATE list_counters'));
    const results = kept.length > 0 ? yield kept : [];
    // Removed statements are deferred ones: nobody reads their results.
    const full = all.map((s) =>
      kept.includes(s) ? results[kept.indexOf(s)] : { rows: [], affected: 1, insertId: undefined },
    );
    step = script.next(full);
  }
  return step.value;
}

async function rate(seconds: number, tx: (n: number) => Promise<void>): Promise<number> {
  let i = 0;
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        await tx(i++);
        done++;
      }
    }),
  );
  return done / seconds;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 5);
  const databaseUrl =
    process.env.DATABASE_URL ??
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-cc-')), 'cc.sqlite')}`;
  const app = await startNode(
    ['dist/src/main.js'],
    benchEnv(databaseUrl, process.env.REDIS_URL),
    await freePort(),
    '/api/v1/health',
  );
  const data = await seed(app.url, false);
  await app.stop();
  const pick = (n: number) => ({
    customerId: data.customers[n % data.customers.length].customerId,
    productId: data.productIds[n % data.productIds.length],
  });
  const make = (n: number) => {
    const { customerId, productId } = pick(n);
    return placeOrder(
      customerId,
      [{ productId, quantity: 1 }],
      new Date(),
      new Date().toISOString().replace('T', ' ').replace('Z', ''),
      null,
    );
  };
  let run: (script: StatementScript<unknown>) => Promise<unknown>;
  let close: () => Promise<void>;
  if (databaseUrl.startsWith('sqlite:')) {
    const BetterSqlite = (await import('better-sqlite3')).default;
    const db: Database = new BetterSqlite(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    const statements = new SqliteStatements(db);
    const tx = db.transaction((s: StatementScript<unknown>) =>
      runScriptSync(s, (st) => statements.execute(st)),
    );
    run = async (s) => tx.immediate(s);
    close = async () => void db.close();
  } else {
    const pool = createPool({
      uri: databaseUrl,
      connectionLimit: 20,
      multipleStatements: true,
      timezone: 'Z',
    });
    const driver = new MysqlScriptDriver(pool);
    run = (s) => driver.run(s);
    close = () => new Promise((r) => pool.end(() => r()));
  }
  const withC: number[] = [];
  const without: number[] = [];
  try {
    await rate(2, (n) => run(make(n)).then(() => undefined));
    for (let r = 0; r < rounds; r++) {
      without.push(await rate(seconds, (n) => run(withoutCounters(make(n))).then(() => undefined)));
      withC.push(await rate(seconds, (n) => run(make(n)).then(() => undefined)));
      console.log(
        `round ${r + 1}: without ${Math.round(without[r])}/s, with ${Math.round(withC[r])}/s`,
      );
    }
  } finally {
    await close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `orders/s on the driver, median of ${rounds}: without counters ${Math.round(median(without))}, ` +
      `with ${Math.round(median(withC))} (${Math.round((median(withC) / median(without)) * 100)}%)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
