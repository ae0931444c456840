import { DataSource } from 'typeorm';
import { SearchTokens } from './search-words';

/** More distinct words than this under one term (a very short prefix): probed as a range. */
export const MAX_WORDS = 8;
/** Index entries counted per term to find the rarest: the cap DESIGN.md allows a count. */
export const COUNT_UP_TO = 10_000;
/** Sorts after every token character ([0-9a-z]): [t, t + END) is every token starting with t. */
export const END = '{';
const WORDS = 'product_words';

/**
 * What the index says of each term before a search is planned: which words it is the start
 * of ("any field" tokens; undefined when more than MAX_WORDS) and, when counted, how many
 * entries it has (up to COUNT_UP_TO; empty when not counted). The rarest term drives.
 */
export interface TermPlan {
  tokens: SearchTokens;
  counts: number[];
  words: (string[] | undefined)[];
  driver: number;
}

export async function planTerms(
  db: DataSource,
  tokens: SearchTokens,
  needCounts = false,
): Promise<TermPlan> {
  const q = (name: string) => db.driver.escape(name);
  const [table, token] = [q(WORDS), q('token')];
  const rows = <T>(sql: string, params: unknown[]) => db.query<T[]>(sql, params);
  const counts: number[] = [];
  const words: (string[] | undefined)[] = [];
  // Counted only when there is a choice to make (several terms) or the caller asks.
  const count = needCounts || tokens.any.length > 1;
  for (const t of tokens.any) {
    words.push(await wordsUnder(t));
    if (!count) continue;
    const [r] = await rows<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} WHERE ${token} >= ? AND ${token} < ? LIMIT ${COUNT_UP_TO}) c`,
      [t, t + END],
    );
    counts.push(Number(r.n));
  }
  return { tokens, counts, words, driver: count ? counts.indexOf(Math.min(...counts)) : 0 };

  /** The distinct index words starting with `t`, one seek each; undefined past MAX_WORDS. */
  async function wordsUnder(t: string): Promise<string[] | undefined> {
    const found: string[] = [];
    let after: string | undefined;
    while (found.length <= MAX_WORDS) {
      const [r] = await rows<{ t: string | null }>(
        `SELECT MIN(${token}) AS t FROM ${table} WHERE ${token} ${after === undefined ? '>=' : '>'} ? AND ${token} < ?`,
        [after ?? t, t + END],
      );
      if (!r || r.t === null) break;
      found.push(r.t);
      after = r.t;
    }
    return found.length > MAX_WORDS ? undefined : found;
  }
}

/** Binds a value into the statement being built and returns its placeholder. */
export type Bind = (value: string) => string;

/**
 * SQL that is true when the product `productIdSql` has term `i` (in any field, or in the
 * name). Spelled as a scalar subquery, not EXISTS: MariaDB turns a top-level EXISTS into a
 * semi-join and then reads every match of the term first (426 ms for `lamp&sort=price` at
 * 1,000,000 products, docs/benchmarks.md, "Search at size"); this stays one probe per row.
 * A term of few words probes the primary key (token, productId) once per word, which reads
 * the term's own entries in order (4 ms for 10,000 probes on SQLite against 22 ms through
 * the (productId, token) index); a short prefix of many words probes that range instead.
 */
export function hasTerm(
  plan: TermPlan,
  i: number,
  inName: boolean,
  productIdSql: string,
  bind: Bind,
  q: (name: string) => string,
): string {
  const words = plan.words[i];
  const [token, productId] = [q('token'), q('productId')];
  let match: string;
  if (words !== undefined) {
    const list = words.map((w) => bind(inName ? 'nn' + w.slice(2) : w));
    match =
      list.length === 0
        ? '1 = 0'
        : list.length === 1
          ? `e.${token} = ${list[0]}`
          : `e.${token} IN (${list.join(', ')})`;
  } else {
    const t = inName ? plan.tokens.name[i] : plan.tokens.any[i];
    match = `e.${token} >= ${bind(t)} AND e.${token} < ${bind(t + END)}`;
  }
  return (
    `(SELECT 1 FROM ${q(WORDS)} e WHERE ${match} AND e.${productId} = ${productIdSql} LIMIT 1) ` +
    'IS NOT NULL'
  );
}
