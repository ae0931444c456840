import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Product } from '../src/products/entities/product.entity';
import { ProductsService } from '../src/products/products.service';
import { planTerms } from '../src/products/search-terms';
import { searchTokens } from '../src/products/search-words';
import { SearchSort, searchProducts, walkPage } from '../src/products/product-search';
import { startApp, TestApp } from './helpers/test-app';

/**
 * The two plans of a sorted search (src/products/product-search.ts) give the same pages:
 * the walk along the sort order (small limits here, so 300 products exercise its bound)
 * and the join of every match. Against the real database, with the app's migrations.
 */
describe('Sorted search: walk and join agree (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const SMALL = { from: 5, budget: 60 };
  const JOIN_ONLY = { from: Number.POSITIVE_INFINITY, budget: 0 };

  const sorts: Record<string, SearchSort> = {
    price: { column: 'p.priceCents', direction: 'ASC', value: (p) => p.priceCents },
    '-price': { column: 'p.priceCents', direction: 'DESC', value: (p) => p.priceCents },
    name: { column: 'p.name', direction: 'ASC', value: (p) => p.name },
  };
  const list = (inStock: boolean) => {
    const qb = db.getRepository(Product).createQueryBuilder('p');
    return inStock ? qb.andWhere('p.stock > 0') : qb;
  };
  const options = (sort: string, page: number, inStock: boolean, walk = SMALL) =>
    ({ sort: sorts[sort], filtered: inStock, offset: (page - 1) * 10, limit: 10, walk }) as const;
  const ids = (rows: Product[]) => rows.map((p) => p.id);

  beforeAll(async () => {
    t = await startApp();
    db = t.app.get<DataSource>(getDataSourceToken());
    const products = t.app.get(ProductsService);
    // "lamp" in every third product, "red" in every second; prices repeat (ties by id),
    // names sort "aa..." first, and the lamps named "zz ..." come last by name.
    for (let i = 1; i <= 300; i++) {
      const lamp = i % 3 === 0;
      const name = `${lamp && i > 150 ? 'zz' : 'aa'} ${lamp ? 'lamp' : 'mug'} ${i % 2 ? 'red' : 'blue'} ${i}`;
      await products.create(0, { name, price: 100 + (i % 37) * 10, stock: i % 4 });
    }
    // Removed products match nothing, in either plan.
    for (const id of [3, 6, 9, 30, 33]) await products.remove(id);
  });
  afterAll(async () => t.close());

  const cases: [string, string, number, boolean][] = [
    ['lamp', 'price', 1, false],
    ['lamp', '-price', 2, false],
    ['lamp red', 'price', 1, false],
    ['lamp', 'price', 1, true],
    ['la', '-price', 1, false],
    ['lamp', 'name', 1, false],
    ['lamp', 'price', 9, false],
    ['lamp', 'price', 99, false],
  ];
  it.each(cases)('%s sorted by %s, page %d, in stock only: %s', async (search, sort, page, f) => {
    const [walked, walkedTotal] = await searchProducts(list(f), search, options(sort, page, f));
    const [joined, joinedTotal] = await searchProducts(
      list(f),
      search,
      options(sort, page, f, JOIN_ONLY),
    );
    expect(ids(walked)).toEqual(ids(joined));
    expect(walkedTotal).toBe(joinedTotal);
  });

  it('the join is the oracle: every term the start of a word, in sort order, ties by id', async () => {
    const [rows, total] = await searchProducts(
      list(false),
      'lamp red',
      options('price', 1, false, JOIN_ONLY),
    );
    const all = await db.getRepository(Product).find();
    const expected = all
      .filter((p) => /\blamp\b/.test(p.name) && /\bred\b/.test(p.name))
      .sort((a, b) => a.priceCents - b.priceCents || a.id - b.id);
    expect(total).toBe(expected.length);
    expect(ids(rows)).toEqual(ids(expected.slice(0, 10)));
  });

  const walk = async (search: string, sort: string, page: number) => {
    const plan = await planTerms(db, searchTokens(search));
    return walkPage(list(false), plan, options(sort, page, false), sorts[sort]);
  };

  it('walks when the first products of the sort order hold the page', async () => {
    const rows = await walk('lamp', 'price', 1);
    expect(rows).toHaveLength(10);
  });

  it('gives up past its budget: lamps the sort order meets late, a deep page', async () => {
    // By name every "aa" product (over 60) comes before the "zz" lamps of page 6.
    expect(await walk('lamp', 'name', 6)).toBeUndefined();
    expect(await walk('lamp', 'price', 9)).toBeUndefined();
  });
});
