import { DataSource } from 'typeorm';
import { SearchTokens } from './search-words';

/** More distinct words than this under one term (a very short prefix): not streamed. */
const MAX_WORDS = 8;
/** Sorts after every token character ([0-9a-z]). */
const END = '{';

/** The ids of one ranked page and the total, or undefined when this plan does not apply. */
export interface RankedPage {
  ids: number[];
  total: number;
}

/**
 * The ranked page (every term in the name first, then the others, highest id first in each)
 * read in index order: one term (the rarest) drives, as one exact word of the index, whose
 * (token, productId) key gives the products newest first, so a page stops after its rows;
 * every other term is one index probe per product. Applies when the driving term is the
 * start of a single indexed word (the usual case: a whole word); otherwise undefined.
 */
export async function rankedPage(
  db: DataSource,
  tokens: SearchTokens,
  offset: number,
  limit: number,
): Promise<RankedPage | undefined> {
  const q = (name: string) => db.driver.escape(name);
  const [token, productId] = [q('token'), q('productId')];
  const table = q('product_words');
  const rows = <T>(sql: string, params: unknown[]) => db.query<T[]>(sql, params);

  const driver = await rarest(tokens.any);
  const words = await wordsUnder(tokens.any[driver]);
  if (words.length !== 1) return undefined;
  const word = words[0].slice(2); // without the "any field" mark
  const others = tokens.any.map((_, i) => i).filter((i) => i !== driver);

  const has = (t: string, params: unknown[]) => {
    params.push(t, t + END);
    return `EXISTS (SELECT 1 FROM ${table} e WHERE e.${productId} = w.${productId} AND e.${token} >= ? AND e.${token} < ?)`;
  };
  /** Products (id order, newest first) of the driving word, in group A (name) or B. */
  const group = (inName: boolean) => {
    const params: unknown[] = [
      (inName ? tokens.name[driver].slice(0, 2) : words[0].slice(0, 2)) + word,
    ];
    const conds = others.map((i) => has(inName ? tokens.name[i] : tokens.any[i], params));
    if (!inName) {
      const allInName = tokens.name.map((t) => has(t, params)).join(' AND ');
      conds.push(`NOT (${allInName})`);
    }
    const where = [`w.${token} = ?`, ...conds].join(' AND ');
    return { sql: `FROM ${table} w WHERE ${where}`, params };
  };
  const page = async (g: { sql: string; params: unknown[] }, take: number, skip: number) =>
    take <= 0
      ? []
      : (
          await rows<{ id: number | string }>(
            `SELECT w.${productId} AS id ${g.sql} ORDER BY w.${productId} DESC LIMIT ${take} OFFSET ${skip}`,
            g.params,
          )
        ).map((r) => Number(r.id));
  const count = async (g: { sql: string; params: unknown[] }) =>
    Number((await rows<{ n: number | string }>(`SELECT COUNT(*) AS n ${g.sql}`, g.params))[0].n);

  const a = group(true);
  const b = group(false);
  const inA = await page(a, limit, offset);
  // Where B starts: right after A's rows on this page, or (past A's end) A's count back.
  const skipB = inA.length > 0 || offset === 0 ? 0 : offset - (await count(a));
  const inB = await page(b, limit - inA.length, skipB);
  // Every match: the driving word with the other terms anywhere (B's count would probe A's).
  const all = { sql: group(true).sql, params: [] as unknown[] };
  all.params.push(words[0]);
  const anyConds = others.map((i) => has(tokens.any[i], all.params));
  all.sql = `FROM ${table} w WHERE ${[`w.${token} = ?`, ...anyConds].join(' AND ')}`;
  return { ids: [...inA, ...inB], total: await count(all) };

  /** The term with the fewest index entries (counted up to a cap). */
  async function rarest(any: string[]): Promise<number> {
    if (any.length === 1) return 0;
    const counts: number[] = [];
    for (const t of any) {
      const [r] = await rows<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} WHERE ${token} >= ? AND ${token} < ? LIMIT 10000) c`,
        [t, t + END],
      );
      counts.push(Number(r.n));
    }
    return counts.indexOf(Math.min(...counts));
  }

  /** The distinct index words starting with `t`, up to MAX_WORDS + 1: one seek each. */
  async function wordsUnder(t: string): Promise<string[]> {
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
    return found;
  }
}
