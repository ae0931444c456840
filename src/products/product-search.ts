import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Product } from './entities/product.entity';
import { countByDriver, rankedPage } from './search-ranked-page';
import { Bind, END, hasTerm, planTerms, TermPlan } from './search-terms';
import { searchDocument, searchTokens, SearchTokens } from './search-words';

/**
 * Product search on the word index (docs/architecture.md, "Search"). `product_words` holds
 * one row per distinct token of each live product, keyed (token, productId): a term is a
 * range of that key, so every search reads only the index entries of its terms.
 */
export const PRODUCT_WORDS = 'product_words';

/**
 * A sorted search whose rarest term is in at least this many products walks the list in
 * its sort order and probes the terms per product (a page costs ~limit x products/matches
 * probes); a rarer one joins its matches and sorts them (a cost per match). Measured at
 * 1,000,000 products (docs/benchmarks.md, "Search at size"): joining 10,000 matches took
 * 29 ms on SQLite and 426 ms on MariaDB, the walk 3-10 ms. `budget`: the products a walk
 * reads at most (a term in 1 product of 1,000 still fills a page within it).
 */
const WALK: WalkLimits = { from: 1_000, budget: 25_000 };

/**
 * Replaces a product's index rows; in the transaction that writes the product. A new
 * product has none to delete, and must not try: on MySQL the DELETE of no rows locks the
 * index's gap after the highest productId, which every concurrent create shares, and two
 * creates that each hold it then wait for each other's INSERT (a deadlock; 8 creates at a
 * time got 503s after three tries).
 */
export async function indexProduct(
  manager: EntityManager,
  product: Product,
  isNew: boolean,
): Promise<void> {
  if (!isNew) await unindexProduct(manager, product.id);
  const tokens = searchDocument(product);
  if (tokens.length === 0) return;
  await manager
    .createQueryBuilder()
    .insert()
    .into(PRODUCT_WORDS, ['token', 'productId'])
    .values(tokens.map((token) => ({ token, productId: product.id })))
    .execute();
}

/** A removed (soft-deleted) product leaves the index: it can never match again. */
export async function unindexProduct(manager: EntityManager, productId: number): Promise<void> {
  await manager
    .createQueryBuilder()
    .delete()
    .from(PRODUCT_WORDS)
    .where('productId = :productId', { productId })
    .execute();
}

export interface SearchSort {
  column: string;
  direction: 'ASC' | 'DESC';
  value(p: Product): string | number;
}

export interface SearchListOptions {
  /** The requested sort: it wins over the ranking. `value` is a product's value of `column`. */
  sort?: SearchSort;
  /** Whether `qb` filters products beyond the search (price, stock...). */
  filtered: boolean;
  offset: number;
  limit: number;
  /** When a sorted search walks, and how far (tests set small ones). */
  walk?: WalkLimits;
}

export interface WalkLimits {
  from: number;
  budget: number;
}

/**
 * One page of `qb` (the product list with its filters) narrowed to the products matching
 * every term of `search`, and the total. Without a sort: products with every term in the
 * name first, then the others, newest (highest id: ids are given in creation order) first
 * within each. Unfiltered and unsorted, the ranking and the page come from the index alone
 * and only the page's products are read; otherwise every match is joined.
 */
export async function searchProducts(
  qb: SelectQueryBuilder<Product>,
  search: string,
  opts: SearchListOptions,
): Promise<[Product[], number]> {
  const tokens = searchTokens(search);
  if (tokens.any.length === 0) return [[], 0];
  // A sorted search reads the counts to choose between walking and joining.
  const plan = await planTerms(qb.connection, tokens, opts.sort !== undefined);
  // A term no word starts with: nothing matches, nothing more to read.
  if (plan.words.some((w) => w?.length === 0)) return [[], 0];
  const ranked = opts.sort === undefined;
  const pageOnIndex = ranked && !opts.filtered;
  if (pageOnIndex) {
    const streamed = await rankedPage(qb.connection, plan, opts.offset, opts.limit);
    if (streamed) return [await byIds(qb, streamed.ids), streamed.total];
  }
  const walked =
    opts.sort && plan.counts[plan.driver] >= (opts.walk ?? WALK).from
      ? await walkPage(qb, plan, opts, opts.sort)
      : undefined;

  const q = (name: string) => qb.connection.driver.escape(name);
  const { sql, params } = hitsSql(tokens, ranked, q);
  const hit = (column: string) => `hit.${q(column)}`;
  const join = (from: string) =>
    qb
      .clone()
      .innerJoin(`(${from})`, 'hit', `${hit('productId')} = p.id`)
      .setParameters(params);
  let rows: Product[];
  if (walked) {
    rows = walked;
  } else {
    const rowsQb = join(
      pageOnIndex
        ? `${sql} ORDER BY ${q('inName')} DESC, ${q('productId')} DESC LIMIT ${opts.offset + opts.limit}`
        : sql,
    );
    if (opts.sort) {
      // id as tie-breaker keeps pages stable when sort values repeat.
      const { column, direction } = opts.sort;
      rowsQb.orderBy(column, direction).addOrderBy('p.id', direction);
    } else {
      rowsQb.orderBy(hit('inName'), 'DESC').addOrderBy('p.id', 'DESC');
    }
    rows = await rowsQb.offset(opts.offset).limit(opts.limit).getMany();
  }
  const total = opts.filtered
    ? await join(sql).getCount()
    : ((await countByDriver(qb.connection, plan)) ?? (await countHits(qb, sql, params)));
  return [rows, total];
}

/**
 * A sorted search of a frequent term: the list in its own order (its sort index), each
 * product probed for every term, so the page stops after its rows. The walk goes no further
 * than the budget-th product of the sort order (read first from the sort's index
 * alone: a bound both databases turn into an index range). The page, or undefined when
 * that prefix does not hold it (a deep page, a term the sort order meets late): then the
 * matches are joined.
 */
export async function walkPage(
  qb: SelectQueryBuilder<Product>,
  plan: TermPlan,
  opts: SearchListOptions,
  sort: SearchSort,
): Promise<Product[] | undefined> {
  const q = (name: string) => qb.connection.driver.escape(name);
  const { column, direction } = sort;
  const edge = await qb.connection
    .createQueryBuilder(Product, 'p')
    .withDeleted()
    .select('p.id', 'id')
    .orderBy(column, direction)
    .addOrderBy('p.id', direction)
    .offset((opts.walk ?? WALK).budget)
    .limit(1)
    .getRawOne<{ id: number | string }>();
  const walk = qb.clone();
  if (edge) {
    const last = await qb.connection
      .getRepository(Product)
      .findOne({ where: { id: Number(edge.id) }, withDeleted: true });
    if (!last) return undefined; // removed since: no bound, join instead
    const [lt, le] = direction === 'ASC' ? ['<', '<='] : ['>', '>='];
    walk.andWhere(
      `${column} ${le} :walkEdge AND (${column} ${lt} :walkEdge OR p.id ${le} :walkId)`,
      {
        walkEdge: sort.value(last),
        walkId: last.id,
      },
    );
  }
  const params: ObjectLiteral = {};
  const bind: Bind = (value) => {
    const key = `search_w${Object.keys(params).length}`;
    params[key] = value;
    return `:${key}`;
  };
  const conds = plan.tokens.any.map((_, i) => hasTerm(plan, i, false, 'p.id', bind, q));
  const rows = await walk
    .andWhere(conds.join(' AND '), params)
    .orderBy(column, direction)
    .addOrderBy('p.id', direction)
    .offset(opts.offset)
    .limit(opts.limit)
    .getMany();
  return rows.length === opts.limit || !edge ? rows : undefined;
}

/** The products of `ids`, in that order. */
async function byIds(qb: SelectQueryBuilder<Product>, ids: number[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  const found = await qb.clone().andWhereInIds(ids).getMany();
  const byId = new Map(found.map((p) => [p.id, p]));
  return ids.map((id) => byId.get(id)).filter((p): p is Product => p !== undefined);
}

async function countHits(
  qb: SelectQueryBuilder<Product>,
  sql: string,
  params: ObjectLiteral,
): Promise<number> {
  const row = await qb.connection
    .createQueryBuilder()
    .select('COUNT(*)', 'n')
    .from(`(${sql})`, 'c')
    .setParameters(params)
    .getRawOne<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

/**
 * The matches as (productId, inName): one index range per term and field kind, grouped by
 * product; a product matches when every term hit one of its words, and is "in name" when
 * every term hit a word of its name.
 */
function hitsSql(
  tokens: SearchTokens,
  ranked: boolean,
  q: (name: string) => string,
): { sql: string; params: ObjectLiteral } {
  const params: ObjectLiteral = {};
  const arms: string[] = [];
  const arm = (term: number, isName: number, token: string) => {
    const key = `search_${isName ? 'n' : 'a'}${term}`;
    params[key] = token;
    params[`${key}_end`] = token + END;
    arms.push(
      `SELECT ${q('productId')}, ${term} AS ${q('term')}, ${isName} AS ${q('isName')} ` +
        `FROM ${q(PRODUCT_WORDS)} WHERE ${q('token')} >= :${key} AND ${q('token')} < :${key}_end`,
    );
  };
  tokens.any.forEach((token, i) => arm(i, 0, token));
  if (ranked) tokens.name.forEach((token, i) => arm(i, 1, token));
  // Per term a MAX (did any of its rows hit?), summed: plain aggregates, no COUNT(DISTINCT).
  const termsHit = (isName: number) =>
    tokens.any
      .map(
        (_, i) =>
          `MAX(CASE WHEN w.${q('isName')} = ${isName} AND w.${q('term')} = ${i} THEN 1 ELSE 0 END)`,
      )
      .join(' + ');
  const n = tokens.any.length;
  const sql =
    `SELECT w.${q('productId')} AS ${q('productId')}, ` +
    `CASE WHEN ${ranked ? termsHit(1) : 0} = ${n} THEN 1 ELSE 0 END AS ${q('inName')} ` +
    `FROM (${arms.join(' UNION ALL ')}) w GROUP BY w.${q('productId')} ` +
    `HAVING ${termsHit(0)} = ${n}`;
  return { sql, params };
}
