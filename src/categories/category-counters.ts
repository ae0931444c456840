import { EntityManager } from 'typeorm';
import { deferred, Statement } from '../database/statement-script';
import { isMysql } from '../database/typeorm-options';

/**
 * Per-category counts kept beside the rows (table category_counters): for each category,
 * the live products in it or any of its descendants, each product once, and how many of
 * those are in stock. They give `productCount` and the exact total of `?category=` (with
 * or without inStock) in one row read, where a COUNT read every product of the category
 * (size bench, docs/benchmarks.md "At size": 53x at 1,000,000 products for a category of
 * 100,000). Changed in the transaction that changes what they count:
 * - a product's categories replaced (categories.service assign): the ancestors it joins
 *   and leaves, computed from the closure;
 * - a product deleted (products.service remove);
 * - a product's stock crossing 0 (order placement, cancels, adjustments): one UPDATE over
 *   the product's ancestors, written so it can travel in the order script;
 * - a category moved: its old and new ancestors are counted again (categories.service).
 * Every one of them holds the product's row lock (or, on SQLite, the one write lock), so
 * two changes of one product never count it twice.
 */

/** The ancestors (each category itself included) of a product's categories, each once. */
const ANCESTORS_OF_PRODUCT =
  'SELECT cc.ancestorId FROM product_categories pc ' +
  'INNER JOIN category_closure cc ON cc.descendantId = pc.categoryId WHERE pc.productId = ?';

/** A live product's stock crossed 0: `delta` +1 (back in stock) or -1 (sold out). */
export function categoryStockStatement(productId: number, delta: 1 | -1): Statement {
  return {
    sql: `UPDATE category_counters SET inStock = inStock + ? WHERE categoryId IN (${ANCESTORS_OF_PRODUCT})`,
    params: [delta, productId],
  };
}

/** As above, for the order script: deferred (it reads nothing back). */
export function deferredCategoryStock(productId: number, delta: 1 | -1): Statement {
  const s = categoryStockStatement(productId, delta);
  return deferred(s.sql, s.params);
}

/** A live product leaves the count of every category it is in (it is being deleted). */
export async function productLeaves(
  em: EntityManager,
  productId: number,
  inStock: boolean,
): Promise<void> {
  await em.query(
    'UPDATE category_counters SET products = products - 1, inStock = inStock - ? ' +
      `WHERE categoryId IN (${ANCESTORS_OF_PRODUCT})`,
    [inStock ? 1 : 0, productId],
  );
}

/** The distinct ancestors of these categories (themselves included). */
export async function ancestorsOf(
  em: EntityManager,
  categoryIds: readonly number[],
): Promise<Set<number>> {
  if (categoryIds.length === 0) return new Set();
  const rows = await em.query<{ id: number | string }[]>(
    `SELECT DISTINCT ancestorId AS id FROM category_closure WHERE descendantId IN (${categoryIds.map(() => '?').join(', ')})`,
    [...categoryIds],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** A live product joins (`delta` 1) or leaves (-1) the counts of these categories. */
export async function shiftCounts(
  em: EntityManager,
  categoryIds: readonly number[],
  delta: 1 | -1,
  inStock: boolean,
): Promise<void> {
  if (categoryIds.length === 0) return;
  await em.query(
    'UPDATE category_counters SET products = products + ?, inStock = inStock + ? ' +
      `WHERE categoryId IN (${categoryIds.map(() => '?').join(', ')})`,
    [delta, inStock ? delta : 0, ...categoryIds],
  );
}

/** The counts of a category (null for one without a row: it does not exist). */
export async function readCounts(
  em: EntityManager,
  categoryId?: number,
): Promise<Map<number, { products: number; inStock: number }>> {
  const rows = await em.query<
    { id: number | string; products: number | string; inStock: number | string }[]
  >(
    'SELECT categoryId AS id, products, inStock FROM category_counters' +
      (categoryId === undefined ? '' : ' WHERE categoryId = ?'),
    categoryId === undefined ? [] : [categoryId],
  );
  return new Map(
    rows.map((r) => [Number(r.id), { products: Number(r.products), inStock: Number(r.inStock) }]),
  );
}

/** What a counter row holds, over products `p`: live ones (n) and those in stock (s). */
const COUNTS = 'COUNT(*) AS n, SUM(CASE WHEN p.stock > 0 THEN 1 ELSE 0 END) AS s';

/**
 * Counts these categories again from the tables (after a category moved). On MySQL the
 * products are read with shared locks, so a concurrent stock change of one of them waits
 * for this transaction (or this one for it) instead of being counted from an older view.
 */
export async function recount(em: EntityManager, categoryIds: readonly number[]): Promise<void> {
  const lock = isMysql(em.connection.options) ? ' LOCK IN SHARE MODE' : '';
  for (const id of categoryIds) {
    const rows = await em.query<{ n: number | string; s: number | string | null }[]>(
      `SELECT ${COUNTS} FROM products p WHERE p.deletedAt IS NULL AND p.id IN ` +
        '(SELECT pc.productId FROM category_closure cc INNER JOIN product_categories pc ' +
        `ON pc.categoryId = cc.descendantId WHERE cc.ancestorId = ?)${lock}`,
      [id],
    );
    await em.query('UPDATE category_counters SET products = ?, inStock = ? WHERE categoryId = ?', [
      Number(rows[0]?.n ?? 0),
      Number(rows[0]?.s ?? 0),
      id,
    ]);
  }
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** Every category's counts from the tables (the migration, and the benchmark's bulk load). */
export async function rebuildCategoryCounters(query: Query): Promise<void> {
  await query('DELETE FROM category_counters');
  await query(
    'INSERT INTO category_counters (categoryId, products, inStock) ' +
      'SELECT c.id, COALESCE(x.n, 0), COALESCE(x.s, 0) FROM categories c LEFT JOIN (' +
      `SELECT d.ancestorId AS id, ${COUNTS} FROM (SELECT DISTINCT cc.ancestorId, pc.productId ` +
      'FROM category_closure cc INNER JOIN product_categories pc ' +
      'ON pc.categoryId = cc.descendantId) d ' +
      'INNER JOIN products p ON p.id = d.productId WHERE p.deletedAt IS NULL ' +
      'GROUP BY d.ancestorId) x ON x.id = c.id',
  );
}
