/**
 * The benchmark at size: `npm run bench -- --size 1000000` (and a small size in --quick).
 * A fresh database, created by the app's own migrations, is bulk-loaded (bulk-load.ts) to
 * 1,000 products and orders, then to the large size; at each, the production build runs
 * with the cache off and every list request of the table below is timed one at a time
 * (median of 11 after one warm-up), with the cursor walk to page 1,000 (or the last page,
 * when there are fewer). Prints each request's growth factor against its target.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { buildTypeOrmOptions } from '../../src/database/typeorm-options';
import { BULK_CUSTOMERS, bulkLoad, RARE_TERM } from './bulk-load';
import { benchEnv, freePort, Server, startNode } from './processes';

const SMALL = 1000;
const RUNS = 11;
const WALK_PAGES = 1000;

interface Measured {
  name: string;
  target: number;
  ms: Record<number, number>;
}

async function freshDatabaseUrl(base: string | undefined): Promise<string> {
  if (!base || base.startsWith('sqlite')) {
    return `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-size-')), 'size.sqlite')}`;
  }
  const url = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `${url.pathname.replace(/^\//, '') || 'storefront_bench'}_size`;
  const conn = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  url.pathname = `/${name}`;
  return url.toString();
}

async function call(base: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown> & {
    meta?: { nextCursor: string | null };
    data?: { id: number }[];
    accessToken?: string;
  };
}

/** Median time of RUNS requests, one at a time, after one warm-up. */
async function time(base: string, path: string, token: string): Promise<number> {
  await call(base, path, token);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await call(base, path, token);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(RUNS / 2)];
}

/** The path of the deepest page a cursor walk of `path` reaches by page WALK_PAGES. */
async function walkTo(base: string, path: string, token: string): Promise<string> {
  let at = path;
  for (let page = 1; page < WALK_PAGES; page++) {
    const next = (await call(base, at, token)).meta?.nextCursor;
    if (!next) break;
    at = `${path}&cursor=${encodeURIComponent(next)}`;
  }
  return at;
}

export async function sizeBench(size: number, quick: boolean): Promise<string> {
  const databaseUrl = await freshDatabaseUrl(process.env.DATABASE_URL);
  const ds = new DataSource({
    ...buildTypeOrmOptions({ url: databaseUrl, migrationsRun: false }),
    logging: false,
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const env = { ...benchEnv(databaseUrl, process.env.REDIS_URL), CACHE_TTL: '0' };
  const results: Measured[] = [];
  const record = (name: string, target: number, n: number, ms: number) => {
    let row = results.find((r) => r.name === name);
    if (!row) results.push((row = { name, target, ms: {} }));
    row.ms[n] = ms;
  };
  let customer: { id: number; username: string } | undefined;
  try {
    for (const n of [SMALL, size]) {
      const started = Date.now();
      await bulkLoad(ds, { products: n, orders: n, customers: BULK_CUSTOMERS });
      console.log(`size ${n}: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const app: Server = await startNode(
        ['--max-old-space-size=192', 'dist/src/main.js'],
        env,
        await freePort(),
        '/api/v1/health',
      );
      try {
        const base = app.url;
        const admin = (
          await call(base, '/auth/login', undefined, {
            username: 'admin',
            password: 'bench-admin-password',
          })
        ).accessToken as string;
        if (!customer) {
          const [row] = await ds.query<{ id: number }[]>('SELECT MIN(id) AS id FROM customers');
          customer = { id: Number(row.id), username: 'size-customer' };
          await call(base, '/accounts', admin, {
            username: customer.username,
            password: 'bench-password',
            customerId: customer.id,
          });
        }
        const own = (
          await call(base, '/auth/login', undefined, {
            username: customer.username,
            password: 'bench-password',
          })
        ).accessToken as string;
        const [p] = await ds.query<{ id: number }[]>('SELECT MAX(id) AS id FROM products');
        const [o] = await ds.query<{ id: number }[]>('SELECT MAX(id) AS id FROM orders');
        const lists: [string, string, string, number][] = [
          ['GET /products (first page)', '/products?limit=20', own, 3],
          ['GET /products?page=50', '/products?limit=20&page=50', own, 3],
          ['GET /products?sort=price', '/products?limit=20&sort=price', own, 3],
          ['GET /products?inStock=true', '/products?limit=20&inStock=true', own, 3],
          ['GET /products?search=lamp', '/products?limit=20&search=lamp', own, 5],
          ['GET /products?search=<rare term>', `/products?limit=20&search=${RARE_TERM}`, own, 5],
          ['GET /orders (admin, first page)', '/orders?limit=20', admin, 3],
          ['GET /orders?status=paid (admin)', '/orders?limit=20&status=paid', admin, 3],
          ['GET /orders (customer, own)', '/orders?limit=20', own, 3],
          ['GET /customers (admin)', '/customers?limit=20', admin, 3],
        ];
        for (const [name, path, token, target] of lists) {
          record(name, target, n, await time(base, path, token));
        }
        const deepProducts = await walkTo(base, '/products?limit=20', own);
        record(
          `products: cursor page ${WALK_PAGES} (or last)`,
          3,
          n,
          await time(base, deepProducts, own),
        );
        const deepOrders = await walkTo(base, '/orders?limit=20', admin);
        record(
          `orders: cursor page ${WALK_PAGES} (or last)`,
          3,
          n,
          await time(base, deepOrders, admin),
        );
        record('GET /products/:id', 1.5, n, await time(base, `/products/${p.id}`, own));
        record('GET /orders/:id', 1.5, n, await time(base, `/orders/${o.id}`, admin));
      } finally {
        await app.stop();
      }
    }
  } finally {
    await ds.destroy();
  }
  const db = databaseUrl.startsWith('sqlite') ? 'SQLite' : 'MySQL/MariaDB';
  const lines = [
    `## At size: ${db}${process.env.REDIS_URL ? ' + Redis' : ''}${quick ? ' (quick mode: not for timing)' : ''}`,
    '',
    `${SMALL.toLocaleString('en')} and ${size.toLocaleString('en')} products and orders (one item each, 4 statuses, ${BULK_CUSTOMERS.toLocaleString('en')} customers), cache off, median of ${RUNS} one at a time, ms.`,
    '',
    `| request | ${SMALL.toLocaleString('en')} | ${size.toLocaleString('en')} | growth | target |`,
    '| --- | ---: | ---: | ---: | --- |',
    ...results.map((r) => {
      const growth = r.ms[size] / r.ms[SMALL];
      const ok = growth <= r.target ? 'ok' : 'MISSED';
      return `| ${r.name} | ${r.ms[SMALL].toFixed(1)} | ${r.ms[size].toFixed(1)} | ${growth.toFixed(2)}x | <= ${r.target}x ${ok} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
