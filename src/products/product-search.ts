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
 * 29 ms on SQLite and 426 ms on MariaDB, the walk 1-7 ms.
 */
const WALK_FROM = 1_000;

/** Replaces a product's index rows; in the transaction that writes the product. */
export async function indexProduct(manager: EntityManager, product: Product): Promise<void> {
  await unindexProduct(manager, product.id);
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

export interface SearchListOptions {
  /** The requested sort (column, direction): it wins over the ranking. */
  sort?: [string, 'ASC' | 'DESC'];
  /** Whether `qb` filters products beyond the search (price, stock...). */
  filtered: boolean;
  offset: number;
  limit: number;
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
  const plan = await planTerms(qb.connection, tokens);
  // A term no word starts with: nothing matches, nothing more to read.
  if (plan.counts[plan.driver] === 0) return [[], 0];
  const ranked = opts.sort === undefined;
  const pageOnIndex = ranked && !opts.filtered;
  if (pageOnIndex) {
    const streamed = await rankedPage(qb.connection, plan, opts.offset, opts.limit);
    if (streamed) return [await byIds(qb, streamed.ids), streamed.total];
  }
  if (opts.sort && plan.counts[plan.driver] >= WALK_FROM) return walk(qb, plan, opts, opts.sort);

  const q = (name: string) => qb.connection.driver.escape(name);
  const { sql, params } = hitsSql(tokens, ranked, q);
  const hit = (column: string) => `hit.${q(column)}`;
  const join = (from: string) =>
    qb
      .clone()
      .innerJoin(`(${from})`, 'hit', `${hit('productId')} = p.id`)
      .setParameters(params);
  const rowsQb = join(
    pageOnIndex
      ? `${sql} ORDER BY ${q('inName')} DESC, ${q('productId')} DESC LIMIT ${opts.offset + opts.limit}`
      : sql,
  );
  if (opts.sort) {
    // id as tie-breaker keeps pages stable when sort values repeat.
    rowsQb.orderBy(opts.sort[0], opts.sort[1]).addOrderBy('p.id', opts.sort[1]);
  } else {
    rowsQb.orderBy(hit('inName'), 'DESC').addOrderBy('p.id', 'DESC');
  }
  const rows = await rowsQb.offset(opts.offset).limit(opts.limit).getMany();
  const total = opts.filtered ? await join(sql).getCount() : await countHits(qb, sql, params);
  return [rows, total];
}

/**
 * A sorted search of a frequent term: the list in its own order (its sort index), each
 * product probed for every term, so the page stops after its rows. Unfiltered, the total
 * is the driving word's index-only count.
 */
async function walk(
  qb: SelectQueryBuilder<Product>,
  plan: TermPlan,
  opts: SearchListOptions,
  sort: [string, 'ASC' | 'DESC'],
): Promise<[Product[], number]> {
  const q = (name: string) => qb.connection.driver.escape(name);
  const params: ObjectLiteral = {};
  const bind: Bind = (value) => {
    const key = `search_w${Object.keys(params).length}`;
    params[key] = value;
    return `:${key}`;
  };
  const matching = qb.clone();
  const conds = plan.tokens.any.map((_, i) => hasTerm(plan, i, false, 'p.id', bind, q));
  matching.andWhere(conds.join(' AND '), params);
  const rows = await matching
    .clone()
    .orderBy(sort[0], sort[1])
    .addOrderBy('p.id', sort[1])
    .offset(opts.offset)
    .limit(opts.limit)
    .getMany();
  const byDriver = opts.filtered ? undefined : await countByDriver(qb.connection, plan);
  return [rows, byDriver ?? (await matching.getCount())];
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
