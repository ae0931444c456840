import { DataSource } from 'typeorm';
import { Bind, hasTerm, TermPlan } from './search-terms';

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
  plan: TermPlan,
  offset: number,
  limit: number,
): Promise<RankedPage | undefined> {
  const q = (name: string) => db.driver.escape(name);
  const [token, productId] = [q('token'), q('productId')];
  const table = q('product_words');
  const rows = <T>(sql: string, params: unknown[]) => db.query<T[]>(sql, params);
  const { driver, tokens } = plan;
  const words = plan.words[driver];
  if (words?.length !== 1) return undefined;
  const word = words[0].slice(2); // without the "any field" mark
  const others = tokens.any.map((_, i) => i).filter((i) => i !== driver);

  type Part = { sql: string; params: unknown[] };
  /** The driving word's products (id order, newest first) with `conds` on each. */
  const part = (driving: string, conds: (bind: Bind) => string[]): Part => {
    const params: unknown[] = [driving];
    const bind: Bind = (v) => (params.push(v), '?');
    const where = [`w.${token} = ?`, ...conds(bind)].join(' AND ');
    return { sql: `FROM ${table} w WHERE ${where}`, params };
  };
  const has = (i: number, inName: boolean, bind: Bind) =>
    hasTerm(plan, i, inName, `w.${productId}`, bind, q);
  /** Group A: every term in the name; group B: every term somewhere, not all in the name. */
  const a = part('nn' + word, (bind) => others.map((i) => has(i, true, bind)));
  const b = part(words[0], (bind) => [
    ...others.map((i) => has(i, false, bind)),
    `NOT (${tokens.any.map((_, i) => has(i, true, bind)).join(' AND ')})`,
  ]);

  const page = async (g: Part, take: number, skip: number) =>
    take <= 0
      ? []
      : (
          await rows<{ id: number | string }>(
            `SELECT w.${productId} AS id ${g.sql} ORDER BY w.${productId} DESC LIMIT ${take} OFFSET ${skip}`,
            g.params,
          )
        ).map((r) => Number(r.id));
  const count = async (g: Part) =>
    Number((await rows<{ n: number | string }>(`SELECT COUNT(*) AS n ${g.sql}`, g.params))[0].n);

  const inA = await page(a, limit, offset);
  // Where B starts: right after A's rows on this page, or (past A's end) A's count back.
  const skipB = inA.length > 0 || offset === 0 ? 0 : offset - (await count(a));
  const inB = await page(b, limit - inA.length, skipB);
  return { ids: [...inA, ...inB], total: (await countByDriver(db, plan)) as number };
}

/**
 * The number of matches (undefined when the rarest term starts too many words): an
 * index-only count of the driving term's entries, one probe per other term per entry.
 * Several words under the driving term count a product once.
 */
export async function countByDriver(db: DataSource, plan: TermPlan): Promise<number | undefined> {
  const words = plan.words[plan.driver];
  if (words === undefined) return undefined;
  if (words.length === 0) return 0;
  const q = (name: string) => db.driver.escape(name);
  const params: unknown[] = [...words];
  const bind: Bind = (v) => (params.push(v), '?');
  const id = `w.${q('productId')}`;
  const conds = plan.tokens.any
    .map((_, i) => i)
    .filter((i) => i !== plan.driver)
    .map((i) => hasTerm(plan, i, false, id, bind, q));
  const driving = `w.${q('token')} IN (${words.map(() => '?').join(', ')})`;
  const [r] = await db.query<{ n: number | string }[]>(
    `SELECT COUNT(${words.length === 1 ? '*' : `DISTINCT ${id}`}) AS n ` +
      `FROM ${q('product_words')} w WHERE ${[driving, ...conds].join(' AND ')}`,
    params,
  );
  return Number(r.n);
}
