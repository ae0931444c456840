/**
 * "Product ids in category X or any of its descendants", as a predicate on a product id
 * column, for any query builder: `qb.andWhere(sql, params)`. A product in several of the
 * categories matches once (a semi-join, never a join). Two forms, for two shapes of list:
 * - `collect`: the category's ids first (one closure-table range, then one range of
 *   product_categories (categoryId, productId) per descendant), then those products:
 *   costs what the category holds, right for a small category;
 * - `probe`: the list walks its own sort index and asks, per product, whether it is in
 *   the category (product_categories' primary key (productId, categoryId), then one
 *   closure-table key): costs about (rows on the page) x (products / products in the
 *   category), right for a large one, where collecting would read 100,000 ids to show 20.
 * `pickCategoryForm` chooses from the category's counter.
 */
export type CategoryForm = 'collect' | 'probe';

export function productsInCategory(
  productIdColumn: string,
  categoryId: number,
  form: CategoryForm = 'collect',
  param = 'categoryFilter',
): { sql: string; params: Record<string, number> } {
  if (form === 'probe') {
    // A scalar subquery with LIMIT, not EXISTS: MariaDB turns EXISTS into IN
    // (exists_to_in) and then materialised the category's 100,000 ids and sorted them
    // (5.3 s at size instead of walking the sort index); a subquery with LIMIT is never
    // flattened into a semi-join, so it stays a per-row probe on every database.
    return {
      sql:
        `(SELECT 1 FROM product_categories pc INNER JOIN category_closure cc ` +
        `ON cc.descendantId = pc.categoryId AND cc.ancestorId = :${param} ` +
        `WHERE pc.productId = ${productIdColumn} LIMIT 1) IS NOT NULL`,
      params: { [param]: categoryId },
    };
  }
  return {
    sql:
      `${productIdColumn} IN (SELECT pc.productId FROM category_closure cc ` +
      `INNER JOIN product_categories pc ON pc.categoryId = cc.descendantId ` +
      `WHERE cc.ancestorId = :${param})`,
    params: { [param]: categoryId },
  };
}

/**
 * Probing costs ~ rows x all / matching, collecting ~ matching: probe when the first is
 * the smaller, i.e. when matching^2 > rows x all. At the break-even (1,000,000 products,
 * 20 a page: ~4,500 matching) either reads a few thousand index entries.
 */
export function pickCategoryForm(matching: number, all: number, rows: number): CategoryForm {
  return matching * matching > rows * all ? 'probe' : 'collect';
}
