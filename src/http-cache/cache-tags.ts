/**
 * The names of what a cached answer depends on. A cached GET answer records the tags of
 * everything it shows; a write names the tags of what it changed (CacheInvalidation,
 * after its commit). An answer is served only while none of its tags changed since it
 * was computed (TagStore). One file, so writers and readers spell them alike.
 */
export const CacheTags = {
  /** Every product answer (a category rename shows in each product of it). */
  allProducts: 'p:*',
  /** One product's fields, stock included. */
  product: (id: number) => `p:${id}`,
  /** Which products a list holds and in what order, for any filter but inStock. */
  productSet: 'p:set',
  /** Which products are in stock (the inStock filter): moves only when a stock crosses zero. */
  inStockSet: 'p:instock',
  /** Any product's stock (lists filtered by a stock threshold: stockBelow). */
  anyStock: 'p:stock',
  /** The category tree and each category's product count. */
  categorySet: 'cat:set',
  /** One order (status, lines). */
  order: (id: number) => `o:${id}`,
  /** The orders of one customer (lists a customer sees). */
  ordersOf: (customerId: number) => `o:of:${customerId}`,
  /** Every order (an administrator's lists). */
  allOrders: 'o:all',
  /** One customer's fields (orders embed the name and e-mail, `me` the whole customer). */
  customer: (id: number) => `c:${id}`,
  /** One account (`me`). */
  account: (id: number) => `a:${id}`,
  /** One customer's saved addresses. */
  addresses: (customerId: number) => `addr:${customerId}`,
  /** One customer's cart lines. */
  cart: (customerId: number) => `cart:${customerId}`,
} as const;
