import { Injectable } from '@nestjs/common';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { invalid } from '../errors/domain-error';
import { CursorCodec, CursorKey, CursorScope } from './cursor-codec';
import { Page, PageMetaDto } from './page.dto';
import { PageQueryDto } from './page-query.dto';

/** A count the API answers with: exact, or a lower bound (the cap) when it stopped counting. */
export interface ListTotal {
  total: number;
  exact: boolean;
}

/** Counting stops here for filters no counter or index answers (DESIGN.md: at least 10,000). */
export const COUNT_CAP = 10_000;

/** One column of a list's order, with the row's value of it as the cursor keeps it. */
export interface OrderColumn<T> {
  /** The SQL expression, e.g. `p.priceCents`. */
  column: string;
  value(row: T): string | number;
}

export interface ListPlan<T extends ObjectLiteral> {
  scope: CursorScope;
  /** One direction for every column: one index range serves the sort and the seek. */
  direction: 'ASC' | 'DESC';
  /** The sort column(s), the unique id last (the tie-breaker that makes the key unique). */
  columns: OrderColumn<T>[];
  /** The list's total; `filtered` is the query with its filters only (no order, no paging). */
  count(filtered: SelectQueryBuilder<T>): Promise<ListTotal>;
}

/**
 * Pages a list by page number (OFFSET) or by cursor (keyset: WHERE the sort key is past
 * the last row's, so the index range starts there and a page costs the same at any
 * depth). Both pages carry `nextCursor`: one row more than the limit is read to know if
 * there is a next page. LIMIT/OFFSET, never TypeORM's skip/take (DISTINCT paging over joins).
 */
@Injectable()
export class Keyset {
  constructor(private readonly codec: CursorCodec) {}

  async page<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    q: PageQueryDto,
    plan: ListPlan<T>,
  ): Promise<Page<T>> {
    if (q.cursor !== undefined && q.page !== undefined) {
      const message = 'page and cursor cannot be combined';
      throw invalid(message, [{ field: 'page', message }]);
    }
    const key =
      q.cursor === undefined
        ? undefined
        : this.codec.decode(plan.scope, q.cursor, plan.columns.length);
    // Before the seek condition: the total of the whole list, as on the first page.
    const filtered = qb.clone();
    for (const c of plan.columns) qb.addOrderBy(c.column, plan.direction);
    const offset = key ? 0 : ((q.page ?? 1) - 1) * q.limit;
    if (key) seek(qb, plan, key);
    else qb.offset(offset);
    const read = () => qb.limit(q.limit + 1).getMany();
    const [rows, { total, exact }] = key
      ? // A cursor's page: the whole list's count, read beside the page.
        await Promise.all([read(), plan.count(filtered)])
      : await read().then(async (found) => [found, await totalOf(found)] as const);
    const data = rows.slice(0, q.limit);
    const last = data[data.length - 1];
    const meta: PageMetaDto = {
      page: key ? null : (q.page ?? 1),
      limit: q.limit,
      total,
      totalExact: exact,
      totalPages: Math.ceil(total / q.limit),
      nextCursor:
        rows.length > q.limit && last
          ? this.codec.encode(
              plan.scope,
              plan.columns.map((c) => c.value(last)),
            )
          : null,
    };
    return { data, meta };

    /**
     * A numbered page that is the list's last (no row after it) and not past its end tells
     * the total itself: no count is read. Most searches and filters of a small list end on
     * their first page, and a search that matches nothing no longer scans twice.
     */
    async function totalOf(found: T[]): Promise<ListTotal> {
      if (found.length <= q.limit && (found.length > 0 || offset === 0)) {
        return { total: offset + found.length, exact: true };
      }
      return plan.count(filtered);
    }
  }
}

/**
 * `(a, id) < (ka, kid)` (descending) spelled so both databases see an index range:
 * `a <= ka AND (a < ka OR id < kid)`. MariaDB does not turn row comparisons into ranges.
 */
function seek<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  plan: ListPlan<T>,
  key: CursorKey,
): void {
  const [lt, le] = plan.direction === 'DESC' ? ['<', '<='] : ['>', '>='];
  const params: Record<string, string | number> = {};
  plan.columns.forEach((_, i) => (params[`seek${i}`] = key[i]));
  const cols = plan.columns.map((c) => c.column);
  if (cols.length === 1) {
    qb.andWhere(`${cols[0]} ${lt} :seek0`, params);
    return;
  }
  // Two columns (sort value, id): the only shape the lists use.
  qb.andWhere(
    `${cols[0]} ${le} :seek0 AND (${cols[0]} ${lt} :seek0 OR ${cols[1]} ${lt} :seek1)`,
    params,
  );
}

/**
 * Counts the rows of `qb` (no order, no paging) up to COUNT_CAP + 1, so the cost is
 * bounded whatever the table's size: exact below the cap, the cap as a lower bound above.
 */
export async function cappedCount<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
): Promise<ListTotal> {
  const sub = qb
    .clone()
    .select('1', 'one')
    .orderBy()
    .offset(undefined)
    .limit(COUNT_CAP + 1);
  const row = await qb.connection
    .createQueryBuilder()
    .select('COUNT(*)', 'n')
    .from(`(${sub.getQuery()})`, 'capped')
    .setParameters(sub.getParameters())
    .getRawOne<{ n: number | string }>();
  const n = Number(row?.n ?? 0);
  return n > COUNT_CAP ? { total: COUNT_CAP, exact: false } : { total: n, exact: true };
}

/** A date as both databases compare it with a stored DATETIME: UTC `YYYY-MM-DD HH:MM:SS.mmm`. */
export function sqlDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
