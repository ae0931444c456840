import type { TestApp } from './helpers/test-app';
import type { Http } from './helpers/http';
import { upgradeFrom } from './helpers/migration-upgrade';

const MIGRATION = 'CategoryCounters1797400000000';

/** Categories and products written before the counters existed are counted once migrated. */
describe('Category counters migration on an existing database (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ({ t, http, admin } = await upgradeFrom(MIGRATION, async (ds) => {
      const category = async (slug: string, parentId: number | null) => {
        await ds.query('INSERT INTO categories (name, slug, parentId) VALUES (?, ?, ?)', [
          slug,
          slug,
          parentId,
        ]);
        const [row] = await ds.query<{ id: number | string }[]>(
          'SELECT id FROM categories WHERE slug = ?',
          [slug],
        );
        const id = Number(row.id);
        const above = parentId === null ? [] : [parentId];
        for (const [ancestorId, depth] of [[id, 0], ...above.map((a) => [a, 1])]) {
          await ds.query(
            'INSERT INTO category_closure (ancestorId, descendantId, depth) VALUES (?, ?, ?)',
            [ancestorId, id, depth],
          );
        }
        ids[slug] = id;
      };
      await category('old-top', null);
      await category('old-left', ids['old-top']);
      await category('old-right', ids['old-top']);
      await category('old-empty', null);
      const product = async (name: string, stock: number, deleted: boolean, cats: string[]) => {
        await ds.query(
          'INSERT INTO products (name, priceCents, stock, deletedAt) VALUES (?, 100, ?, ?)',
          [name, stock, deleted ? '2026-01-01 10:00:00.000' : null],
        );
        const [row] = await ds.query<{ id: number | string }[]>(
          'SELECT id FROM products WHERE name = ?',
          [name],
        );
        for (const c of cats) {
          await ds.query('INSERT INTO product_categories (productId, categoryId) VALUES (?, ?)', [
            Number(row.id),
            ids[c],
          ]);
        }
      };
      await product('In both siblings', 3, false, ['old-left', 'old-right']);
      await product('Left, sold out', 0, false, ['old-left']);
      await product('Right, deleted', 4, true, ['old-right']);
    }));
  });
  afterAll(async () => t?.close());

  it('counts each live product once per ancestor, and those in stock', async () => {
    const count = async (slug: string) =>
      (await http.get(`/categories/${ids[slug]}`, { token: admin })).body.productCount;
    const total = async (slug: string, q = '') =>
      (await http.get(`/products?category=${ids[slug]}${q}`, { token: admin })).body.meta.total;
    expect(await count('old-top')).toBe(2);
    expect(await count('old-left')).toBe(2);
    expect(await count('old-right')).toBe(1);
    expect(await count('old-empty')).toBe(0);
    expect(await total('old-top', '&inStock=true')).toBe(1);
    expect(await total('old-top', '&inStock=false')).toBe(1);
    expect(await total('old-right')).toBe(1);
    // A new category made after the migration gets its row too.
    const made = await http.post('/categories', { name: 'After migration' }, { token: admin });
    expect(made.body.productCount).toBe(0);
    expect((await http.get(`/products?category=${made.body.id}`, { token: admin })).status).toBe(
      200,
    );
  });
});
