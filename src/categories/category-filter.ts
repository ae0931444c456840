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
