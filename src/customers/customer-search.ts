import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { foldText } from '../common/fold-text';
import { Customer } from './entities/customer.entity';
import { CustomerGram } from './entities/customer-gram.entity';

/**
 * `GET /customers?search=`: the term is a substring of the name, the e-mail or the phone,
 * case and accents ignored alike on both databases (docs/architecture.md, "Customer
 * search"). Each customer keeps its folded fields (`searchText`, one line each) and their
 * runs of three characters (`customer_grams`, key (gram, customerId)): a term of three or
 * more characters reads the customers of its rarest run in id order, probes its other runs
 * and confirms the substring, so a page stops after its rows whatever the table's size.
 */
export const GRAM = 3;
/** Between the fields in searchText; folding turns every control character into a space. */
const SEPARATOR = '\n';
const CONTROL = /\p{Cc}/gu;
/** Runs counted per gram to find the rarest; probed runs beyond the driver, at most. */
const COUNT_UP_TO = 1_000;
const MAX_PROBES = 4;
/** The searchText column's length (NFD may lengthen a name: Hangul syllables are 2-3 jamo). */
export const SEARCH_TEXT_LENGTH = 1200;

export function searchFold(text: string): string {
  return foldText(text).replace(CONTROL, ' ');
}

export function searchTextOf(c: { name: string; email: string; phone: string }): string {
  const text = [c.name, c.email, c.phone].map(searchFold).join(SEPARATOR);
  // Cut by code points (half a surrogate pair is no utf8mb4 text); the fields' own limits
  // reach it only when NFD lengthens nearly every character.
  return text.length <= SEARCH_TEXT_LENGTH ? text : [...text].slice(0, SEARCH_TEXT_LENGTH).join('');
}

/** The distinct runs of GRAM code points of each line of a folded text. */
export function gramsOf(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split(SEPARATOR)) {
    const cps = [...line];
    for (let i = 0; i + GRAM <= cps.length; i++) out.add(cps.slice(i, i + GRAM).join(''));
  }
  return [...out];
}

/** Replaces a customer's runs; in the transaction that writes the customer. */
export async function indexCustomer(
  manager: EntityManager,
  customerId: number,
  searchText: string,
): Promise<void> {
  const repo = manager.getRepository(CustomerGram);
  await repo.delete({ customerId });
  const rows = gramsOf(searchText).map((gram) => ({ gram, customerId }));
  // A few hundred rows at most (the fields' lengths): one statement per 500.
  for (let i = 0; i < rows.length; i += 500) await repo.insert(rows.slice(i, i + 500));
}

/**
 * Narrows `qb` (alias `c`) to the customers matching `search` and returns the column the
 * page must be ordered by (the driving run's customerId, so its index range is read in
 * order, or `c.id`). A term shorter than a run is checked on every row (it stops after its
 * page; the count stops at its cap). A run no customer has: nothing can match.
 */
export async function searchCustomers(
  qb: SelectQueryBuilder<Customer>,
  search: string,
): Promise<string> {
  const term = searchFold(search);
  qb.andWhere('INSTR(c.searchText, :term) > 0', { term });
  const grams = gramsOf(term);
  if (grams.length === 0) return 'c.id';
  const q = (name: string) => qb.connection.driver.escape(name);
  const [table, gramCol, idCol] = [q('customer_grams'), q('gram'), q('customerId')];
  // Every run's entries counted up to COUNT_UP_TO, in one statement.
  const counted = await qb.connection.query<{ k: number | string; n: number | string }[]>(
    grams
      .map(
        (_, k) =>
          `SELECT ${k} AS k, COUNT(*) AS n FROM ` +
          `(SELECT 1 FROM ${table} WHERE ${gramCol} = ? LIMIT ${COUNT_UP_TO}) r${k}`,
      )
      .join(' UNION ALL '),
    grams,
  );
  const counts = grams.map(() => 0);
  for (const r of counted) counts[Number(r.k)] = Number(r.n);
  const order = grams.map((_, i) => i).sort((a, b) => counts[a] - counts[b]);
  if (counts[order[0]] === 0) {
    qb.andWhere('1 = 0');
    return 'c.id';
  }
  qb.innerJoin(CustomerGram, 'g', 'g.customerId = c.id AND g.gram = :gram0', {
    gram0: grams[order[0]],
  });
  order.slice(1, 1 + MAX_PROBES).forEach((k, i) => {
    qb.andWhere(
      `(SELECT 1 FROM ${table} e WHERE e.${gramCol} = :gram${i + 1} AND e.${idCol} = c.id LIMIT 1) IS NOT NULL`,
      { [`gram${i + 1}`]: grams[k] },
    );
  });
  return 'g.customerId';
}
