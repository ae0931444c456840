/**
 * The benchmark at size: `npm run bench -- --size 1000000` (and a small size in --quick).
 * Two fresh databases, created by the app's own migrations, are bulk-loaded (bulk-load.ts):
 * 1,000 products and orders, and the large size. The production build serves each, cache
 * off, and every list request below is timed one at a time against both, alternating
 * (median of 11 after one warm-up), with the cursor walk to page 1,000 (or the last page,
 * when there are fewer). Prints each request's growth factor against its target.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { buildTypeOrmOptions } from '../../src/database/typeorm-options';
import {
  BULK_CUSTOMERS,
  bulkLoad,
  FIRST_CHILD_CATEGORY,
  RARE_TERM,
  TOP_CATEGORY,
} from './bulk-load';
import { benchEnv, freePort, Server, startNode } from './processes';

const SMALL = 1000;
const RUNS = 11;
const WALK_PAGES = 1000;

interface Measured {
  name: string;
  target: number;
  ms: Record<number, number>;
}

async function freshDatabaseUrl(base: string | undefined, suffix: string): Promise<string> {
  if (!base || base.startsWith('sqlite')) {
    return `sqlite:${join(mkdtempSync(join(tmpdir(), 'sf-size-')), 'size.sqlite')}`;
  }
  const url = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `${url.pathname.replace(/^\//, '') || 'storefront_bench'}${suffix}`;
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

/** Median times of RUNS requests to each set, one at a time, alternating, after a warm-up. */
async function timeAlternating(
  sets: Loaded[],
  paths: string[],
  who: 'admin' | 'own',
): Promise<Record<number, number>> {
  const ms: number[][] = sets.map(() => []);
  for (let i = -1; i < RUNS; i++) {
    for (const [k, s] of sets.entries()) {
      const t0 = process.hrtime.bigint();
      await call(s.app.url, paths[k], s[who]);
      if (i >= 0) ms[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const out: Record<number, number> = {};
  sets.forEach((s, k) => {
    const sorted = ms[k].sort((a, b) => a - b);
    out[s.rows] = sorted[Math.floor(RUNS / 2)];
  });
  return out;
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

interface Loaded {
  rows: number;
  ds: DataSource;
  app: Server;
  admin: string;
  own: string;
  productId: number;
  orderId: number;
}

/** A fresh database of `rows` products and orders, and the app serving it, cache off. */
async function loaded(rows: number, suffix: string): Promise<Loaded> {
  const databaseUrl = await freshDatabaseUrl(process.env.DATABASE_URL, suffix);
  const ds = new DataSource({
    ...buildTypeOrmOptions({ url: databaseUrl, migrationsRun: false }),
    logging: false,
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const started = Date.now();
  await bulkLoad(ds, { products: rows, orders: rows, customers: BULK_CUSTOMERS });
  console.log(`size ${rows}: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const app = await startNode(
    ['--max-old-space-size=192', 'dist/src/main.js'],
    { ...benchEnv(databaseUrl, process.env.REDIS_URL), CACHE_TTL: '0' },
    await freePort(),
    '/api/v1/health',
  );
  const login = async (username: string, password: string) =>
    (await call(app.url, '/auth/login', undefined, { username, password })).accessToken as string;
  const admin = await login('admin', 'bench-admin-password');
  const [c] = await ds.query<{ id: number }[]>('SELECT MIN(id) AS id FROM customers');
  await call(app.url, '/accounts', admin, {
    username: 'size-customer',
    password: 'bench-password',
    customerId: Number(c.id),
  });
  const [p] = await ds.query<{ id: number }[]>('SELECT MAX(id) AS id FROM products');
  const [o] = await ds.query<{ id: number }[]>('SELECT MAX(id) AS id FROM orders');
  return {
    rows,
    ds,
    app,
    admin,
    own: await login('size-customer', 'bench-password'),
    productId: Number(p.id),
    orderId: Number(o.id),
  };
}

/**
 * Both sizes are served at once and every request alternates between them (small,
 * large, small, ...), so a change in the machine's load falls on both alike.
 */
export async function sizeBench(size: number, quick: boolean): Promise<string> {
  const sets: Loaded[] = [];
  const results: Measured[] = [];
  try {
    sets.push(await loaded(SMALL, '_size_small'), await loaded(size, '_size'));
    const lists: [string, string, 'admin' | 'own', number][] = [
      ['GET /products (first page)', '/products?limit=20', 'own', 3],
      ['GET /products?page=50', '/products?limit=20&page=50', 'own', 3],
      ['GET /products?sort=price', '/products?limit=20&sort=price', 'own', 3],
      ['GET /products?inStock=true', '/products?limit=20&inStock=true', 'own', 3],
      ['GET /products?search=lamp', '/products?limit=20&search=lamp', 'own', 5],
      ['GET /products?search=<rare term>', `/products?limit=20&search=${RARE_TERM}`, 'own', 5],
      [
        'GET /products?category=<top> (a tenth)',
        `/products?limit=20&category=${TOP_CATEGORY}`,
        'own',
        3,
      ],
      [
        'GET /products?category=<child> (a 90th)',
        `/products?limit=20&category=${FIRST_CHILD_CATEGORY}`,
        'own',
        3,
      ],
      ['GET /orders (admin, first page)', '/orders?limit=20', 'admin', 3],
      ['GET /orders?status=paid (admin)', '/orders?limit=20&status=paid', 'admin', 3],
      ['GET /orders (customer, own)', '/orders?limit=20', 'own', 3],
      ['GET /customers (admin)', '/customers?limit=20', 'admin', 3],
    ];
    type Timed = [string, (s: Loaded) => Promise<string>, 'admin' | 'own', number];
    const paths: Timed[] = [
      ...lists.map(([name, path, who, target]): Timed => [name, async () => path, who, target]),
      [
        `products: cursor page ${WALK_PAGES} (or the last)`,
        (s) => walkTo(s.app.url, '/products?limit=20', s.own),
        'own',
        3,
      ],
      [
        `orders: cursor page ${WALK_PAGES} (or the last)`,
        (s) => walkTo(s.app.url, '/orders?limit=20', s.admin),
        'admin',
        3,
      ],
      ['GET /products/:id', async (s) => `/products/${s.productId}`, 'own', 1.5],
      ['GET /orders/:id', async (s) => `/orders/${s.orderId}`, 'admin', 1.5],
    ];
    for (const [name, pathOf, who, target] of paths) {
      const at = await Promise.all(sets.map(pathOf));
      results.push({ name, target, ms: await timeAlternating(sets, at, who) });
    }
  } finally {
    for (const s of sets) {
      await s.app.stop();
      await s.ds.destroy();
    }
  }
  const db = process.env.DATABASE_URL?.startsWith('mysql') ? 'MySQL/MariaDB' : 'SQLite';
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
