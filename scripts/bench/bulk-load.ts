/**
 * Bulk-loads the app's own tables (created by its migrations) with generated rows, in
 * set-based INSERT ... SELECT statements over a numbers table: a million products and a
 * million orders (one item each, 4 statuses, spread over 10,000 customers) in minutes.
 * Used by the benchmark at size (bench/size.ts) and the query-plan test. Appends: call
 * again with a larger size to grow the same database.
 */
import { gramsOf, searchTextOf } from '../../src/customers/customer-search';
import { DataSource } from 'typeorm';
import { rebuildCategoryCounters } from '../../src/categories/category-counters';
import { rebuildCounters } from '../../src/counters/list-counters';
import { isMysql } from '../../src/database/typeorm-options';
import { searchDocument } from '../../src/products/search-words';

export const BULK_CUSTOMERS = 10_000;
/** Words of product names: `lamp` is in 1 of 25 names, RARE_TERM in one only. */
const WORDS = [
  'lamp',
  'desk',
  'chair',
  'table',
  'shelf',
  'mug',
  'kettle',
  'blanket',
  'pillow',
  'rug',
  'vase',
  'clock',
  'mirror',
  'frame',
  'candle',
  'basket',
  'bowl',
  'plate',
  'glass',
  'jar',
  'towel',
  'sofa',
  'stool',
  'bench',
  'cabinet',
];
export const RARE_TERM = 'zephyrine';
const STATUSES = ['pending', 'paid', 'shipped', 'delivered'];
/** Category ids of the bulk load: 10 top categories, then their 90 children. */
export const TOP_CATEGORY = 1;
export const FIRST_CHILD_CATEGORY = 11;
const CHUNK = 100_000;

interface Sizes {
  products: number;
  orders: number;
  customers: number;
}

async function count(ds: DataSource, table: string): Promise<number> {
  const [row] = await ds.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}

async function maxId(ds: DataSource, table: string): Promise<number> {
  const [row] = await ds.query<{ n: number | string | null }[]>(
    `SELECT MAX(id) AS n FROM ${table}`,
  );
  return Number(row.n ?? 0);
}

/** Grows the tables to the given sizes (rows already there count). */
export async function bulkLoad(ds: DataSource, want: Sizes): Promise<void> {
  const mysql = isMysql(ds.options);
  const at = (seconds: string) =>
    mysql
      ? `TIMESTAMPADD(SECOND, ${seconds}, '2024-01-01 00:00:00')`
      : `strftime('%Y-%m-%d %H:%M:%f', '2024-01-01 00:00:00', '+' || (${seconds}) || ' seconds')`;
  const div = (a: string, b: number) => (mysql ? `(${a} DIV ${b})` : `(${a} / ${b})`);
  const concat = (...parts: string[]) =>
    mysql ? `CONCAT(${parts.join(', ')})` : parts.join(' || ');
  await ds.query('DROP TABLE IF EXISTS bench_numbers');
  await ds.query('CREATE TABLE bench_numbers (n INTEGER PRIMARY KEY)');
  const thousand = Array.from({ length: 1000 }, (_, i) => i);
  await ds.query(
    `INSERT INTO bench_numbers (n) VALUES ${thousand.map((i) => `(${i})`).join(', ')}`,
  );
  // n from `from` to `to` - 1, in one set: two copies of 0..999 make 0..999,999.
  const series = (from: number, to: number) =>
    `SELECT a.n * 1000 + b.n AS n FROM bench_numbers a CROSS JOIN bench_numbers b ` +
    `WHERE a.n >= ${Math.floor(from / 1000)} AND a.n <= ${Math.floor((to - 1) / 1000)} ` +
    `AND a.n * 1000 + b.n >= ${from} AND a.n * 1000 + b.n < ${to}`;
  const words = (i: string, k: number) =>
    `CASE (${i}) % ${WORDS.length} ${WORDS.map((w, j) => `WHEN ${(j + k) % WORDS.length} THEN '${w}'`).join(' ')} END`;
  const inChunks = async (
    have: number,
    target: number,
    insert: (from: number, to: number) => string,
  ) => {
    for (let from = have; from < target; from += CHUNK) {
      await ds.query(insert(from, Math.min(target, from + CHUNK)));
    }
  };
  try {
    // Explicit, contiguous ids: MySQL may skip auto-increment values between bulk inserts,
    // and the orders' items and customers are named by id.
    const customers = await count(ds, 'customers');
    const firstCustomer = (await maxId(ds, 'customers')) + 1 - customers;
    await inChunks(
      customers,
      want.customers,
      (from, to) =>
        `INSERT INTO customers (id, name, email, phone, searchText, createdAt, updatedAt) SELECT ${firstCustomer} + n, ` +
        `${concat("'Customer '", 'n')}, ${concat("'customer-'", 'n', "'@bench.example'")}, '+4915100000000', ` +
        // Their search index as the app writes it (customer-search.ts; ASCII: folding is LOWER).
        `${concat("'customer '", 'n', "'\n'", "'customer-'", 'n', "'@bench.example'", "'\n'", "'+4915100000000'")}, ` +
        `${at('n')}, ${at('n')} FROM (${series(from, to)}) s`,
    );
    await ds.query(
      `${mysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO customer_grams (gram, customerId) ` +
        `SELECT SUBSTR(f.t, k.n + 1, 3), f.id FROM (` +
        ['LOWER(name)', 'email', 'phone']
          .map(
            (c) => `SELECT id, ${c} AS t FROM customers WHERE id >= ${firstCustomer + customers}`,
          )
          .join(' UNION ALL ') +
        `) f JOIN bench_numbers k ON k.n + 3 <= LENGTH(f.t)`,
    );
    const products = await count(ds, 'products');
    const firstProduct = (await maxId(ds, 'products')) + 1 - products;
    await inChunks(
      products,
      want.products,
      (from, to) =>
        `INSERT INTO products (id, name, description, sku, priceCents, stock, createdAt, updatedAt) SELECT ${firstProduct} + n, ` +
        `CASE WHEN n = 777 THEN ${concat("'Lantern '", `'${RARE_TERM}'`)} ELSE ${concat(words('n', 0), "' '", words(div('n', 25), 7), "' '", 'n')} END, ` +
        `${concat("'A '", words(div('n', 625), 3), "' for the home'")}, ${concat("'SKU-'", 'n')}, ` +
        `(n * 7919) % 100000 + 100, CASE WHEN n % 10 = 0 THEN 0 ELSE 1000 END, ${at('n')}, ${at('n')} ` +
        `FROM (${series(from, to)}) s`,
    );
    // Categories: 10 top ones with 9 children each; product n is in child n % 90, so a top
    // category holds a tenth of the products (through its children) and a child a 90th.
    if ((await count(ds, 'categories')) === 0) {
      for (let top = 0; top < 10; top++) {
        await ds.query(
          `INSERT INTO categories (id, name, slug, parentId, createdAt, updatedAt) VALUES ` +
            `(${TOP_CATEGORY + top}, 'Top ${top}', 'top-${top}', NULL, ${at('0')}, ${at('0')})`,
        );
        for (let child = 0; child < 9; child++) {
          const id = FIRST_CHILD_CATEGORY + top * 9 + child;
          await ds.query(
            `INSERT INTO categories (id, name, slug, parentId, createdAt, updatedAt) VALUES ` +
              `(${id}, 'Child ${top}.${child}', 'child-${top}-${child}', ${TOP_CATEGORY + top}, ${at('0')}, ${at('0')})`,
          );
        }
      }
      await ds.query(
        `INSERT INTO category_closure (ancestorId, descendantId, depth) ` +
          `SELECT id, id, 0 FROM categories UNION ALL ` +
          `SELECT parentId, id, 1 FROM categories WHERE parentId IS NOT NULL`,
      );
    }
    await inChunks(
      products,
      want.products,
      (from, to) =>
        `INSERT INTO product_categories (productId, categoryId) SELECT ${firstProduct} + n, ` +
        `${FIRST_CHILD_CATEGORY} + n % 90 FROM (${series(from, to)}) s`,
    );
    await inChunks(products, want.products, (from, to) => {
      // The tokens searchDocument() gives these products (ASCII words without z, so each
      // token is its mark and the word; UNION drops a word a product has twice). The one
      // product with the rare term gets its tokens from searchDocument itself, below.
      const per = (mark: string, expr: string) =>
        `SELECT ${concat(`'${mark}'`, expr)} AS token, ${firstProduct} + n AS productId ` +
        `FROM (${series(from, to)}) s WHERE n <> 777`;
      const name = [words('n', 0), words(div('n', 25), 7), 'n'];
      const rest = [words(div('n', 625), 3), "'a'", "'for'", "'the'", "'home'", "'sku'"];
      const arms = [
        ...name.map((w) => per('nn', w)),
        ...[...name, ...rest].map((w) => per('ww', w)),
      ];
      return `INSERT INTO product_words (token, productId) ${arms.join(' UNION ')}`;
    });
    if (products <= 777 && want.products > 777) {
      const [rare] = await ds.query<
        { id: number; name: string; description: string; sku: string }[]
      >(`SELECT id, name, description, sku FROM products WHERE id = ${firstProduct + 777}`);
      const tokens = searchDocument(rare);
      await ds.query(
        `INSERT INTO product_words (token, productId) VALUES ${tokens.map(() => '(?, ?)').join(', ')}`,
        tokens.flatMap((t) => [t, rare.id]),
      );
    }
    await checkWords(
      <T>(sql: string) => ds.query<T[]>(sql),
      [firstProduct, firstProduct + 777, firstProduct + want.products - 1],
    );
    await checkCustomers(
      <T>(sql: string) => ds.query<T[]>(sql),
      [firstCustomer + customers, firstCustomer + want.customers - 1],
    );
    const orders = await count(ds, 'orders');
    const firstOrder = (await maxId(ds, 'orders')) + 1 - orders;
    await inChunks(
      orders,
      want.orders,
      (from, to) =>
        `INSERT INTO orders (id, customerId, status, totalCents, orderDate, createdAt, updatedAt) SELECT ${firstOrder} + n, ` +
        `${firstCustomer} + n % ${want.customers}, CASE n % 4 ${STATUSES.map((st, i) => `WHEN ${i} THEN '${st}'`).join(' ')} END, ` +
        `(n * 7919) % 100000 + 100, ${at('n * 30')}, ${at('n * 30')}, ${at('n * 30')} FROM (${series(from, to)}) s`,
    );
    await inChunks(
      orders,
      want.orders,
      (from, to) =>
        `INSERT INTO order_items (orderId, productId, name, unitPriceCents, quantity, lineTotalCents) SELECT ` +
        `${firstOrder} + n, ${firstProduct} + n % ${want.products}, 'Bench item', (n * 7919) % 100000 + 100, 1, ` +
        `(n * 7919) % 100000 + 100 FROM (${series(from, to)}) s`,
    );
  } finally {
    await ds.query('DROP TABLE IF EXISTS bench_numbers');
  }
  await rebuildCounters((sql, params) => ds.query(sql, params));
  await rebuildCategoryCounters((sql, params) => ds.query(sql, params));
  // Fresh statistics, as a shop's would be (MySQL samples them; SQLite plans without).
  if (mysql) await ds.query('ANALYZE TABLE customers, products, orders, order_items');
}

/**
 * The generated index rows are exactly what the app would have written for those products
 * (shared with bench/search.ts, which loads its own rows). `all` runs one SELECT.
 */
export async function checkWords(
  all: <T>(sql: string) => Promise<T[]>,
  ids: number[],
): Promise<void> {
  for (const id of ids) {
    const [p] = await all<{ name: string; description: string; sku: string }>(
      `SELECT name, description, sku FROM products WHERE id = ${id}`,
    );
    if (!p) continue;
    const rows = await all<{ token: string }>(
      `SELECT token FROM product_words WHERE productId = ${id}`,
    );
    const got = rows.map((r) => r.token).sort();
    const want = searchDocument(p).sort();
    if (got.join(' ') !== want.join(' ')) {
      throw new Error(
        `bulk load: product ${id} has words ${got.join(' ')}, the app writes ${want.join(' ')}`,
      );
    }
  }
}

/** Bulk-loaded customers carry the search index the app would have written for them. */
export async function checkCustomers(
  all: <T>(sql: string) => Promise<T[]>,
  ids: number[],
): Promise<void> {
  for (const id of ids) {
    const [c] = await all<{ name: string; email: string; phone: string; searchText: string }>(
      `SELECT name, email, phone, searchText FROM customers WHERE id = ${id}`,
    );
    if (!c) continue;
    const grams = await all<{ gram: string }>(
      `SELECT gram FROM customer_grams WHERE customerId = ${id}`,
    );
    const got = grams.map((g) => g.gram).sort();
    const want = gramsOf(searchTextOf(c)).sort();
    if (c.searchText !== searchTextOf(c) || got.join('|') !== want.join('|')) {
      throw new Error(`bulk load: customer ${id} is not indexed as the app would index it`);
    }
  }
}
