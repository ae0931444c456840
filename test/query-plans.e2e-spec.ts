import { getDataSourceToken } from '@nestjs/typeorm';
import { rebuildCategoryCounters } from '../src/categories/category-counters';
import { DataSource, Logger } from 'typeorm';
import { bulkLoad } from '../scripts/bench/bulk-load';
import { ADMIN, onMysql, startApp, TestApp } from './helpers/test-app';
import { Http } from './helpers/http';
import { customerSession } from './helpers/seed';

/** The tables (and their aliases) a list must never read whole. */
const SCANNED = [
  'p',
  'o',
  'm',
  'pc',
  'products',
  'orders',
  'stock_movements',
  'product_categories',
];

interface Captured {
  sql: string;
  params: unknown[];
}

/**
 * Every list query shape the API offers, its filters and sorts, first page, a page by
 * number and a page by cursor: each statement it sends is EXPLAINed on the database the
 * suite runs on (SQLite: EXPLAIN QUERY PLAN, MySQL/MariaDB: EXPLAIN), and a full scan of
 * products or orders fails the test. (Product search is planned by its own index.)
 */
describe('List query plans (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let ds: DataSource;
  let admin: string;
  let customer: { token: string; customerId: number };
  let captured: Captured[] | undefined;
  let category: number;
  let ledgerProduct: number;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = await customerSession(t.app, http, 'planner');
    ds = t.app.get<DataSource>(getDataSourceToken());
    // Enough rows that MySQL's cost-based planner plans as it would at size.
    const rows = onMysql ? 30_000 : 3000;
    await bulkLoad(ds, { products: rows, orders: rows, customers: 200 });
    // A category tree (top > child) holding every 7th product, and a product with a ledger.
    const made = async (name: string, parentId?: number) =>
      (await http.post('/categories', { name, parentId }, { token: admin })).body.id as number;
    category = await made('Plan top');
    const child = await made('Plan child', category);
    const ids = (await ds.query<{ id: number | string }[]>('SELECT id FROM products')).map((r) =>
      Number(r.id),
    );
    const assigned = ids.filter((id) => id % 7 === 0);
    for (let i = 0; i < assigned.length; i += 500) {
      const chunk = assigned.slice(i, i + 500);
      await ds.query(
        `INSERT INTO product_categories (productId, categoryId) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((id, j) => [id, j % 2 ? child : category]),
      );
    }
    // Counted as the app counts them: a category this large is read by probing (category-filter.ts).
    await rebuildCategoryCounters((sql, params) => ds.query(sql, params));
    ledgerProduct = ids[0];
    for (let i = 0; i < 6; i++) {
      await http.post(
        `/products/${ledgerProduct}/stock-adjustments`,
        { delta: 1, note: 'plan' },
        { token: admin },
      );
    }
    const logger = ds.logger;
    const spy: Logger = {
      logQuery: (sql, params) => captured?.push({ sql, params: params ?? [] }),
      logQueryError: (...a) => logger.logQueryError(...a),
      logQuerySlow: (...a) => logger.logQuerySlow(...a),
      logSchemaBuild: (...a) => logger.logSchemaBuild(...a),
      logMigration: (...a) => logger.logMigration(...a),
      log: (...a) => logger.log(...a),
    };
    Object.defineProperty(ds, 'logger', { value: spy, configurable: true });
  }, 120_000);
  afterAll(async () => t.close());

  async function plan({ sql, params }: Captured): Promise<string[]> {
    if (onMysql) {
      const rows = await ds.query<
        { table: string | null; type: string | null; key: string | null }[]
      >(`EXPLAIN ${sql}`, params);
      return rows
        .filter((r) => SCANNED.includes(r.table ?? ''))
        .filter((r) => r.type === 'ALL')
        .map((r) => `full scan of ${r.table} (type ALL)`);
    }
    const rows = await ds.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, params);
    return rows
      .map((r) => r.detail)
      .filter(
        (d) =>
          /^SCAN (p|o|m|pc|products|orders|stock_movements|product_categories)\b/.test(d) &&
          !/USING (COVERING )?INDEX/.test(d),
      );
  }

  async function check(path: string, token: string): Promise<string | null> {
    captured = [];
    const res = await http.get(path, { token });
    const sent = captured;
    captured = undefined;
    expect(res.status).toBe(200);
    const selects = sent.filter((c) => /^\s*SELECT/i.test(c.sql));
    // No N+1: a page is a bounded number of statements, whatever its size (the caller's
    // account and session, the page, its total, and the rows it embeds).
    expect(selects.length).toBeLessThanOrEqual(6);
    for (const s of selects) {
      const scans = await plan(s);
      expect({ path, sql: s.sql, scans }).toEqual({ path, sql: s.sql, scans: [] });
    }
    return (res.body as { meta: { nextCursor: string | null } }).meta.nextCursor;
  }

  const productShapes = [
    '',
    'page=5',
    'sort=price',
    'sort=-price',
    'sort=name',
    'sort=-name',
    'sort=createdAt',
    'inStock=true',
    'inStock=true&sort=price',
    'minPrice=10&maxPrice=20',
    'minPrice=10&maxPrice=20&sort=price',
    'maxPrice=50&sort=-price&inStock=true',
  ];
  it.each(productShapes)('GET /products?%s (and its next page by cursor)', async (query) => {
    const next = await check(`/products?limit=20&${query}`, customer.token);
    expect(next).toEqual(expect.any(String));
    const cursorQuery = query.replace(/(^|&)page=\d+/, '');
    await check(
      `/products?limit=20&${cursorQuery}&cursor=${encodeURIComponent(next as string)}`,
      customer.token,
    );
  });

  const adminProductShapes = () => [
    `category=${category}`,
    `category=${category}&sort=price`,
    `category=${category}&inStock=true`,
    'stockBelow=5',
    'stockBelow=5&sort=price',
    `stockBelow=5&category=${category}`,
  ];
  it('GET /products by category and stockBelow (and the next page by cursor)', async () => {
    for (const query of adminProductShapes()) {
      const next = await check(`/products?limit=20&${query}`, admin);
      expect(next).toEqual(expect.any(String));
      await check(
        `/products?limit=20&${query}&cursor=${encodeURIComponent(next as string)}`,
        admin,
      );
    }
  });

  it('pages a large category by walking the sort index and probing each product', async () => {
    captured = [];
    const res = await http.get(`/products?limit=19&category=${category}`, { token: admin });
    const sent = captured;
    captured = undefined;
    expect(res.status).toBe(200);
    const page = sent.find((c) => /LIMIT 1\) IS NOT NULL/.test(c.sql));
    expect(page).toBeDefined();
    if (onMysql && page) {
      // Not materialised into a temporary table and sorted (what EXISTS became on MariaDB).
      const rows = await ds.query<{ select_type: string; Extra: string | null }[]>(
        `EXPLAIN ${page.sql}`,
        page.params,
      );
      expect(rows.map((r) => r.select_type)).not.toContain('MATERIALIZED');
      expect(rows.some((r) => /filesort/.test(r.Extra ?? ''))).toBe(false);
    }
  });

  it('GET /products/:id/stock-movements, by number and by cursor', async () => {
    const path = `/products/${ledgerProduct}/stock-movements?limit=2`;
    const next = await check(path, admin);
    expect(next).toEqual(expect.any(String));
    await check(`${path}&page=2`, admin);
    await check(`${path}&cursor=${encodeURIComponent(next as string)}`, admin);
  });

  const orderShapes = () => [
    ['', admin],
    ['status=paid', admin],
    ['page=3', admin],
    [`customerId=${customer.customerId + 1}`, admin],
    [`customerId=${customer.customerId + 1}&status=paid`, admin],
    ['from=2024-01-02&to=2024-01-03', admin],
    ['status=shipped&from=2024-01-02', admin],
    ['', customer.token],
    ['status=pending', customer.token],
  ];
  it('GET /orders, each filter (and the next page by cursor)', async () => {
    for (const [query, token] of orderShapes()) {
      const next = await check(`/orders?limit=5&${query}`, token);
      if (next) {
        const cursorQuery = query.replace(/(^|&)page=\d+/, '');
        await check(`/orders?limit=5&${cursorQuery}&cursor=${encodeURIComponent(next)}`, token);
      }
    }
  });

  it('GET /customers and GET /accounts page without scanning products or orders', async () => {
    const next = await check('/customers?limit=20', admin);
    await check(`/customers?limit=20&cursor=${encodeURIComponent(next as string)}`, admin);
    await check('/customers?search=customer%201', admin);
    await check('/accounts', admin);
  });
});
