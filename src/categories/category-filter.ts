import { EntityManager } from 'typeorm';
import { isMysql } from '../database/typeorm-options';

/**
 * "Product ids in category X or any of its descendants", as a predicate on a product id
 * column, for any query builder: `qb.andWhere(sql, params)`. One closure-table range
 * (the descendants, primary key (ancestorId, descendantId)) and, per descendant, one
 * range of product_categories (categoryId, productId): an indexed semi-join, no DISTINCT,
 * so paging and an exact COUNT over it cost what the matching rows cost. A product in
 * several of the categories matches once (IN, not a join).
 */
export function productsInCategory(
  productIdColumn: string,
  categoryId: number,
  param = 'categoryFilter',
): { sql: string; params: Record<string, number> } {
  return {
    sql:
      `${productIdColumn} IN (SELECT pc.productId FROM category_closure cc ` +
      `INNER JOIN product_categories pc ON pc.categoryId = cc.descendantId ` +
      `WHERE cc.ancestorId = :${param})`,
    params: { [param]: categoryId },
  };
}

/**
 * The exact number of live products in category X and its descendants (only those in or
 * out of stock when `inStock` says so). The category's distinct product ids come first, from
 * the closure range and product_categories (a derived table: a product in two of the
 * categories counts once), then one primary-key lookup of each product. So it reads the
 * category's own entries and never walks the products table, which MariaDB chose for a COUNT
 * over the IN form (and for a plain join with a stock condition) once the category held a
 * few percent of the products.
 */
export async function countInCategory(
  manager: EntityManager,
  categoryId: number,
  inStock?: boolean,
): Promise<number> {
  const stock = inStock === true ? ' AND p.stock > 0' : inStock === false ? ' AND p.stock = 0' : '';
  // MySQL/MariaDB: STRAIGHT_JOIN keeps that order (their planner otherwise scans products
  // and probes the derived table once a category holds a few percent of the products).
  const straight = isMysql(manager.connection.options) ? 'STRAIGHT_JOIN ' : '';
  const rows = await manager.query<{ n: number | string }[]>(
    `SELECT ${straight}COUNT(*) AS n FROM (SELECT DISTINCT pc.productId AS id FROM category_closure cc ` +
      'INNER JOIN product_categories pc ON pc.categoryId = cc.descendantId ' +
      'WHERE cc.ancestorId = ?) c INNER JOIN products p ON p.id = c.id ' +
      `WHERE p.deletedAt IS NULL${stock}`,
    [categoryId],
  );
  return Number(rows[0]?.n ?? 0);
}
